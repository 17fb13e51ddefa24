"""The programmatic API, stable names for `gradio_client`: /ask, /draft, /validate, /check.

Each endpoint returns the same JSON as the matching CLI command with `--json`. Inputs are JSON values; every input
but the first has a default.
"""

# No `from __future__ import annotations`: Gradio reads these type hints at run time to describe the API.

import json
from typing import Any

import gradio as gr

from assistant import Assistant
from assistant.errors import InvalidInput

from .errors import french_errors


def parse_json_object(value: str | dict, what: str) -> dict:
    """A JSON object given as text or already parsed; a French `InvalidInput` otherwise."""
    if isinstance(value, dict):
        return value
    try:
        data = json.loads(value or "")
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{what} n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno}).") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"{what} doit être un objet JSON {{…}}.")
    return data


def register(assistant: Assistant) -> None:
    """Declare the four endpoints inside the current Blocks."""

    @french_errors
    def ask(question: str, axis: str = "") -> dict:
        return assistant.ask(question, axis=axis or None).public_dict()

    # the axes are the served call's, read from its pack
    ask.__doc__ = (f"Une réponse citée, comme `aap ask --json` (axis : {', '.join(assistant.criteria.axis_ids)} "
                   "ou vide).")

    @french_errors
    def draft(profile: str | dict) -> dict:
        """Un brouillon de plan d'actions (JSON) pour un profil de territoire donné en JSON."""
        plan = assistant.draft(parse_json_object(profile, "Le profil"))
        return plan.model_dump(mode="json")

    @french_errors
    def validate(plan: str | dict) -> dict:
        """Le rapport de conformité (JSON) d'un plan d'actions donné en JSON."""
        return assistant.validate(parse_json_object(plan, "Le plan")).model_dump(mode="json")

    @french_errors
    def check(text: str, passages: list[dict[str, Any]] | None = None) -> dict:
        """Le verdict d'ancrage de chaque phrase d'un texte (JSON) ; passages : les sources numérotées [n], facultatif."""
        return assistant.check(text, passages=passages or None).model_dump(mode="json")

    for fn, name in ((ask, "ask"), (draft, "draft"), (validate, "validate"), (check, "check")):
        gr.api(fn, api_name=name, concurrency_id="assistant")
