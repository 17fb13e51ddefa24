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


def known_axis(value: str, info: ValidationInfo | None) -> str:
    """The axis id, if the call has it; a French `ValueError` listing the call's axes otherwise."""
    known = criteria_for(info).axis_ids
    if value not in known:
        raise ValueError(f"axe « {value} » inconnu (axes de l'appel : {', '.join(known)})")
    return value


def known_finalites(values: list[str], info: ValidationInfo | None) -> list[str]:
    """The finalité ids, each once, if the call has them all; a French `ValueError` naming the others."""
    known = criteria_for(info).finalite_ids
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"finalité(s) inconnue(s) : {', '.join(unknown)} (finalités de l'appel : {', '.join(known)})")
    return list(dict.fromkeys(values))


def known_finalite(value: str, info: ValidationInfo | None) -> str:
    known = criteria_for(info).finalite_ids
    if value not in known:
        raise ValueError(f"finalité « {value} » inconnue (finalités de l'appel : {', '.join(known)})")
    return value
