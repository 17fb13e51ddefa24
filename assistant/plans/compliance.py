"""The compliance report of a plan against the call: blocking errors, warnings, and what the plan covers.

`check_plan` accepts a valid `ActionPlan` as well as the raw JSON (or dict) of a broken one: each part is
validated on its own so that the report can still say which axes, finalités and actors are covered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ..criteria import CallCriteria
from .actors import ActorMatcher
from .additions import addition_problems
from .messages import french_problems
from .models import (FOUR_AXES_ERROR, PLAN_LABELS, Action, ActionPlan, Governance, Objective, four_axes_message,
                     missing_axes)
from .profile import PROFILE_LABELS, Profile

ACTION_LABELS = {"axis": "axe", "title": "titre", "description": "description", "public": "public", "lead": "porteur",
                 "partners": "partenaires", "calendar": "calendrier", "indicators": "indicateurs",
                 "finalites": "finalités", "sources": "sources", "budget_eur": "budget"}


class AxisCoverage(BaseModel):
    axis: str
    number: int
    label: str
    actions: int = 0
    concrete_actions: int = 0
    titles: list[str] = Field(default_factory=list)
    ok: bool = False


class FinaliteCoverage(BaseModel):
    finalite: str
    label: str
    priority: bool = False
    actions: int = 0
    objectives: int = 0


class ActorCoverage(BaseModel):
    actor: str
    label: str
    mobilised: bool = False
    where: list[str] = Field(default_factory=list, description="Actions (ou gouvernance) où il est nommé.")


class ComplianceReport(BaseModel):
    ok: bool
    plan_name: str = ""
    errors: list[str] = Field(default_factory=list, description="Bloquant : le plan ne respecte pas l'appel.")
    warnings: list[str] = Field(default_factory=list, description="À revoir avant le dépôt.")
    axes: list[AxisCoverage] = Field(default_factory=list)
    finalites: list[FinaliteCoverage] = Field(default_factory=list)
    actors: list[ActorCoverage] = Field(default_factory=list)
    actors_mobilised: int = 0
    actors_named: int = 0

    def summary_fr(self) -> str:
        lines = [f"Plan : {self.plan_name}" if self.plan_name else "Plan sans nom",
                 "Conforme aux exigences bloquantes de l'appel." if self.ok
                 else f"NON CONFORME : {len(self.errors)} erreur(s) bloquante(s)."]
        lines += [f"  ✗ {e}" for e in self.errors]
        if self.warnings:
            lines.append(f"{len(self.warnings)} point(s) à revoir :")
            lines += [f"  ! {w}" for w in self.warnings]
        lines.append("Couverture des axes :")
        for a in self.axes:
            lines.append(f"  {'✓' if a.ok else '✗'} axe {a.number} « {a.label} » : "
                         f"{a.concrete_actions} action(s) concrète(s) sur {a.actions}")
        lines.append("Finalités :")
        lines += [f"  {'★' if f.priority else '·'} {f.finalite} : {f.actions} action(s), {f.objectives} objectif(s)"
                  for f in self.finalites]
        lines.append(f"Acteurs cités par l'appel mobilisés : {self.actors_mobilised} sur {self.actors_named}")
        missing = [a.label for a in self.actors if not a.mobilised]
        if missing:
            lines.append("  non mobilisés : " + " ; ".join(missing))
        return "\n".join(lines)


def _raw(plan: ActionPlan | dict | str | bytes) -> tuple[dict | None, list[str]]:
    if isinstance(plan, ActionPlan):
        return plan.model_dump(mode="json"), []
    if isinstance(plan, (str, bytes)):
        try:
            plan = json.loads(plan)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f" (ligne {exc.lineno}, colonne {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            return None, [f"Le plan n'est pas un JSON valide{where}."]
    if not isinstance(plan, dict):
        return None, ["Le plan doit être un objet JSON (profile, summary, objectives, actions, governance…)."]
    return plan, []


def _parts(raw: dict, context: dict) -> tuple[dict[str, Any], list[str]]:
    """Each part validated on its own: what validates is kept for the coverage, the rest is reported."""
    errors: list[str] = []
    parts: dict[str, Any] = {"profile": None, "actions": [], "objectives": [], "governance": None}
    try:
        ActionPlan.model_validate(raw, context=context)
    except ValidationError as exc:  # inside profile, actions and objectives: checked one by one below
        inside_parts = lambda e: len(e["loc"]) > 1 and e["loc"][0] in {"profile", "actions", "objectives"}  # noqa: E731
        errors += french_problems(exc, PLAN_LABELS, skip_types=frozenset({FOUR_AXES_ERROR}),
                                  keep=lambda e: not inside_parts(e))
    if "profile" in raw:
        try:
            parts["profile"] = Profile.model_validate(raw["profile"], context=context)
        except ValidationError as exc:
            errors += french_problems(exc, PROFILE_LABELS, prefix="profil › ")
    for key, model, word in (("actions", Action, "action"), ("objectives", Objective, "objectif")):
        items = raw.get(key)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            try:
                parts[key].append(model.model_validate(item, context=context))
            except ValidationError as exc:
                title = item.get("title") if isinstance(item, dict) else None
                name = f"{word} n°{i + 1}" + (f" « {title} »" if isinstance(title, str) and title else "")
                errors += french_problems(exc, ACTION_LABELS, prefix=f"{name} › ")
    if isinstance(raw.get("governance"), dict):
        try:
            parts["governance"] = Governance.model_validate(raw["governance"], context=context)
        except ValidationError:
            pass  # already reported by the whole-plan validation
    return parts, errors


def _titles(titles: list[str], shown: int = 4) -> str:
    text = " ; ".join(f"« {t} »" for t in titles[:shown])
    return text + (f" et {len(titles) - shown} autre(s)" if len(titles) > shown else "")


def _texts_of(action: Action) -> list[str]:
    return [action.lead, *action.partners]


def check_plan(plan: ActionPlan | dict | str | bytes, criteria: CallCriteria,
               known_fiches: Iterable[str] | None = None) -> ComplianceReport:
    """Never raises on a bad plan: every problem becomes a French error or warning of the report."""
    raw, errors = _raw(plan)
    if raw is None:
        return ComplianceReport(ok=False, errors=errors)
    context = {"criteria": criteria}
    parts, errors = _parts(raw, context)
    profile: Profile | None = parts["profile"]
    actions: list[Action] = parts["actions"]
    objectives: list[Objective] = parts["objectives"]
    governance: Governance | None = parts["governance"]
    warnings: list[str] = []

    axis_problems = missing_axes(actions, criteria)
    if axis_problems:
        errors.insert(0, four_axes_message(axis_problems))
    if known_fiches is not None:
        known = set(known_fiches)
        for action in actions:
            unknown = [s for s in action.sources if s not in known]
            if unknown:
                errors.append(f"action « {action.title} » : source(s) inconnue(s) {', '.join(unknown)} — ce ne sont "
                              "pas des identifiants de fiches de la base.")

    errors += addition_problems(actions, objectives)

    axes = []
    for axis in criteria.axes:
        on_axis = [a for a in actions if a.axis == axis.id]
        concrete = [a for a in on_axis if a.is_concrete]
        axes.append(AxisCoverage(axis=axis.id, number=axis.number, label=axis.short, actions=len(on_axis),
                                 concrete_actions=len(concrete), titles=[a.title for a in on_axis],
                                 ok=len(concrete) >= criteria.min_actions_per_axis))

    priorities = profile.priority_finalites if profile else []
    finalites = [FinaliteCoverage(finalite=f.id, label=f.label, priority=f.id in priorities,
                                  actions=sum(f.id in a.finalites for a in actions),
                                  objectives=sum(o.finalite == f.id for o in objectives)) for f in criteria.finalites]
    for cover in finalites:
        if cover.priority and not cover.actions:
            warnings.append(f"La finalité prioritaire « {cover.finalite} » ({cover.label}) n'a aucune action.")

    actors = []
    matcher = ActorMatcher(criteria)
    named_in = [(a.title, matcher.actors_in(" ; ".join(_texts_of(a)))) for a in actions]
    in_governance = matcher.actors_in(" ; ".join([*governance.steering_committee, governance.chair])) \
        if governance else set()
    for actor in criteria.actors:
        where = [title for title, found in named_in if actor.id in found]
        if actor.id in in_governance:
            where.append("gouvernance")
        actors.append(ActorCoverage(actor=actor.id, label=actor.label, mobilised=bool(where), where=where))
    mobilised = sum(a.mobilised for a in actors)
    if actors and mobilised * 2 < len(actors):
        warnings.append(f"Seulement {mobilised} des {len(actors)} catégories d'acteurs citées par l'appel sont "
                        "mobilisées dans le plan ; l'appel demande de mobiliser « une majorité des acteurs ».")

    for objective in objectives:
        if not objective.is_measurable:
            warnings.append(f"L'objectif « {objective.statement} » n'a pas d'indicateur mesurable (un indicateur et "
                            "une cible chiffrée).")
    if not objectives and isinstance(raw.get("objectives"), list):
        warnings.append("Le plan n'a aucun objectif : l'appel demande des objectifs précisément définis.")
    no_source = [a.title for a in actions if not a.sources]
    if no_source:
        warnings.append(f"{len(no_source)} action(s) sans fiche source : {_titles(no_source)}.")
    no_budget = [a.title for a in actions if a.budget_eur is None]
    if no_budget:
        warnings.append(f"{len(no_budget)} action(s) sans budget chiffré, à compléter avant le dépôt : "
                        f"{_titles(no_budget)}.")

    return ComplianceReport(
        ok=not errors, plan_name=profile.name if profile else "", errors=errors, warnings=warnings, axes=axes,
        finalites=finalites, actors=actors, actors_mobilised=mobilised, actors_named=len(actors),
    )
