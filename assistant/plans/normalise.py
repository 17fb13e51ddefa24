"""A model's plan JSON with its near-misses fixed before validation, when the fix leaves no doubt.

Small models answer « attractivité » for the axis id `attractivite`, `14000` (a number) for a target that is text,
`porteur` or `working_groups` for a field name. None of that changes what the model meant, so it is normalised
here, and so is an axis id written among an action's finalités (Qwen2.5-Coder-1.5B did, through a real server);
anything else (an unknown axis, a missing field) is left for validation and the repair round.

>>> from assistant.criteria import load_criteria   # doctest: +SKIP
>>> normalise_plan({"actions": [{"axe": "Attractivité", "porteur": "CCAS"}]}, criteria)  # doctest: +SKIP
{'actions': [{'axis': 'attractivite', 'lead': 'CCAS'}]}
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from ..criteria import CallCriteria
from ..text_fr import fold
from .models import Action, Calendar, Evaluation, Governance, Objective

# Field names models use for ours, by part of the plan, compared folded (« Porteur » = « porteur »). One place.
SYNONYMS: dict[str, dict[str, str]] = {
    "plan": {"resume": "summary", "situation": "summary", "situation_locale": "summary", "objectifs": "objectives",
             "plan_d_actions": "actions", "gouvernance": "governance", "evaluation": "evaluation"},
    "action": {"axe": "axis", "titre": "title", "intitule": "title", "name": "title", "nom": "title",
               "etapes": "steps", "public_cible": "public", "public_vise": "public", "target_public": "public",
               "audience": "public", "target_audience": "public", "porteur": "lead", "pilote": "lead",
               "leader": "lead", "responsable": "lead", "partenaires": "partners", "calendrier": "calendar",
               "schedule": "calendar", "timeline": "calendar", "indicateurs": "indicators", "indicator": "indicators",
               "finalite": "finalites", "finalities": "finalites", "finalite_ids": "finalites", "fiches": "sources",
               "source": "sources", "fiches_sources": "sources", "budget": "budget_eur", "budget_euros": "budget_eur"},
    "calendar": {"debut": "start_month", "mois_debut": "start_month", "start": "start_month", "fin": "end_month",
                 "mois_fin": "end_month", "end": "end_month"},
    "objective": {"objectif": "statement", "objective": "statement", "enonce": "statement", "libelle": "statement",
                  "indicateur": "indicator", "cible": "target", "valeur_cible": "target", "target_value": "target"},
    "governance": {"comite_de_pilotage": "steering_committee", "comite_pilotage": "steering_committee",
                   "members": "steering_committee", "membres": "steering_committee", "president": "chair",
                   "presidence": "chair", "frequence": "frequency", "rythme": "frequency",
                   "working_groups": "working_group", "groupe_de_travail": "working_group",
                   "groupes_de_travail": "working_group", "coordinateur": "coordinator", "coordination": "coordinator"},
    "evaluation": {"methode": "approach", "method": "approach", "demarche": "approach", "jalons": "milestones"},
}
PARTS: dict[str, type[BaseModel]] = {"action": Action, "calendar": Calendar, "objective": Objective,
                                     "governance": Governance, "evaluation": Evaluation}


def normalise_plan(output: dict, criteria: CallCriteria) -> dict:
    """A copy of the model's plan with field names, ids and scalar types fixed where there is no doubt."""
    plan = _unwrapped(output)
    plan = _renamed(plan, "plan", ("summary", "objectives", "actions", "governance", "evaluation"))
    if isinstance(plan.get("summary"), (list, int, float)) and not isinstance(plan.get("summary"), bool):
        plan["summary"] = _as_text(plan["summary"])
    for key, part in (("actions", "action"), ("objectives", "objective")):
        if isinstance(plan.get(key), list):
            plan[key] = [_part(item, part, criteria) if isinstance(item, dict) else item for item in plan[key]]
    for key in ("governance", "evaluation"):
        if isinstance(plan.get(key), dict):
            plan[key] = _part(plan[key], key, criteria)
    return plan


def _unwrapped(output: dict) -> dict:
    """`{"plan": {... "actions": ...}}`: the plan inside its one wrapper key."""
    if len(output) == 1:
        (inner,) = output.values()
        if isinstance(inner, dict) and "actions" in inner:
            return dict(inner)
    return dict(output)


def _key(name: Any) -> str:
    return re.sub(r"[\s\-']+", "_", fold(str(name))).strip("_")


def _renamed(data: dict, part: str, fields) -> dict:
    """Synonyms and spellings of field names mapped to ours; a field already given keeps its value."""
    out: dict = {}
    for name, value in data.items():
        key = _key(name)
        canonical = key if key in fields else SYNONYMS[part].get(key, name)
        if canonical not in out or canonical == name:
            out[canonical] = value
    return out


def _part(data: dict, part: str, criteria: CallCriteria) -> dict:
    model = PARTS[part]
    data = _renamed(data, part, model.model_fields)
    for name, field in model.model_fields.items():
        if name not in data or data[name] is None:
            continue
        kind = _kind(field.annotation)
        value = data[name]
        if kind == "text" and _is_scalar_or_texts(value):
            data[name] = _as_text(value)
        elif kind == "texts":
            data[name] = _as_texts(value)
        elif kind == "calendar" and isinstance(value, dict):
            data[name] = _part(value, "calendar", criteria)
    if part == "action":
        if isinstance(data.get("axis"), (str, int)) and not isinstance(data.get("axis"), bool):
            data["axis"] = axis_id(data["axis"], criteria)
        if isinstance(data.get("finalites"), list):  # an axis given as a finalité (« protection ») is the axis
            axes = {axis.id for axis in criteria.axes}
            data["finalites"] = [finalite_id(f, criteria) for f in data["finalites"]
                                 if not (isinstance(f, (str, int)) and axis_id(f, criteria) in axes)]
    if part == "objective" and isinstance(data.get("finalite"), str):
        data["finalite"] = finalite_id(data["finalite"], criteria)
    return data


def axis_id(value: str | int, criteria: CallCriteria) -> str | int:
    """« Attractivité », « ATTRACTIVITE », « axe 3 », 3 or the axis's short name → `attractivite`; else unchanged."""
    key = _key(value)
    for axis in criteria.axes:
        number = str(axis.number)
        if key in (axis.id, _key(axis.short), _key(axis.label), number, f"axe_{number}", f"axe{number}"):
            return axis.id
    return value


def finalite_id(value: Any, criteria: CallCriteria) -> Any:
    """« Prévenir entrée », « contre-image » or the finalité's label → its id; else unchanged."""
    if not isinstance(value, str):
        return value
    key = _key(value)
    for finalite in criteria.finalites:
        if key in (finalite.id, _key(finalite.label)):
            return finalite.id
    return value


def _kind(annotation) -> str | None:
    """`text`, `texts` (a list of texts), `calendar`, or None, for a field's type (optional or not)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if annotation is str:
        return "text"
    if typing.get_origin(annotation) is list and typing.get_args(annotation) == (str,):
        return "texts"
    if annotation is Calendar:
        return "calendar"
    return None


def _is_scalar_or_texts(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                           for v in value)


def _as_text(value: Any) -> Any:
    """14000 → « 14000 », 2.5 → « 2.5 », a list of texts → « a ; b »; anything else unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and _is_scalar_or_texts(value):
        return " ; ".join(str(_as_text(v)).strip() for v in value if str(v).strip())
    return value


def _as_texts(value: Any) -> Any:
    """One text where a list is expected → a list of one; numbers in a list → texts."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [_as_text(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]
    return value
