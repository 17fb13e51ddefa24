"""Which call the plan models check against: the one in the validation context, else the configured call."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationInfo

from ..criteria import CallCriteria, load_criteria


@lru_cache(maxsize=8)
def _configured_call_dir(knowledge_dir: str | None, call_id: str | None, cwd: str) -> Path:
    from ..config import Settings

    return Settings().call_dir


def default_criteria() -> CallCriteria:
    """The call of the `AAP_` settings (a validator may run many times per plan, so the lookup is cached)."""
    call_dir = _configured_call_dir(os.environ.get("AAP_KNOWLEDGE_DIR"), os.environ.get("AAP_CALL_ID"), os.getcwd())
    return load_criteria(call_dir)


def criteria_for(info: ValidationInfo | None) -> CallCriteria:
    """`Model.model_validate(data, context={"criteria": criteria})` checks against that call."""
    context = (info.context if info is not None else None) or {}
    return context.get("criteria") or default_criteria()
