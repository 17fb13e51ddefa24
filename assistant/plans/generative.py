"""Drafting with an LLM: the retrieved fiches as numbered context, structured output when the model has it (else
JSON in the text), validated; on failure the validation errors go back to the model (two repair rounds at most);
still short, the missing axes are completed from the catalogue. A failing or silent model gives the catalogue plan
with a notice. Nothing half-valid is returned: every plan goes through `ActionPlan` validation.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..criteria import CallCriteria
from ..loaders import Practice
from ..prompts import load_prompt
from ..llm import LLMFailure
from ..llm_structured import MethodMemory, StructuredCaller, extract_json  # noqa: F401 (extract_json: re-exported)
from ..tokens import estimate_tokens, messages_tokens, plan_budget
from .additions import action_problems, addition_problems, objective_problems
from .catalogue import CatalogueDrafter, Territory, _first_sentences, implementation_steps
from .messages import french_problems
from .models import PLAN_LABELS, Action, ActionPlan, Evaluation, Governance, Objective, missing_axes
from .normalise import normalise_plan
from .profile import Profile

REPAIR_ROUNDS = 2
FICHES_PER_AXIS = 4
COMPLETED_NOTE = ("Action complétée à partir du catalogue de fiches : le modèle n'a pas proposé d'action concrète "
                  "sur cet axe.")


# -- the schema the model fills (structured output), lenient so that every problem reaches the validation step --
class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CalendarDraft(_Loose):
    start_month: int | None = None
    end_month: int | None = None


class ActionDraft(_Loose):
    axis: str = Field("", description="identifiant d'axe de l'appel")
    title: str = ""
    description: str = Field("", description="au moins 25 mots")
    public: str = ""
    lead: str = Field("", description="porteur de l'action")
    partners: list[str] = Field(default_factory=list)
    calendar: CalendarDraft | None = None
    indicators: list[str] = Field(default_factory=list)
    finalites: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="identifiants des fiches fournies")
    budget_eur: int | None = None


class ObjectiveDraft(_Loose):
    finalite: str = ""
    statement: str = ""
    indicator: str = ""
    target: str = ""


class GovernanceDraft(_Loose):
    steering_committee: list[str] = Field(default_factory=list)
    chair: str = ""
    frequency: str = ""
    working_group: str | None = None


class EvaluationDraft(_Loose):
    approach: str = ""
    milestones: list[str] = Field(default_factory=list)


class PlanDraft(_Loose):
    """Plan d'actions proposé pour le territoire (brouillon à valider)."""

    summary: str = ""
    objectives: list[ObjectiveDraft] = Field(default_factory=list)
    actions: list[ActionDraft] = Field(default_factory=list)
    governance: GovernanceDraft | None = None
    evaluation: EvaluationDraft | None = None


def fence(text: str, tag: str) -> str:
    """User or fiche text cannot close its own fence or open a fake one."""
    return re.sub(rf"</?\s*(?:{tag}|fiche|profil|proposition)[^>]*>", lambda m: html.escape(m.group(0)), text, flags=re.I)


@dataclass(frozen=True)
class PromptTier:
    """How much of the fiches a plan prompt shows: the first tier that fits the context's budget is used."""

    prompt: str  # the prompt file
    picked_per_axis: int | None  # the catalogue's picks kept per axis (None: all of them)
    ranked_per_axis: int  # fiches of the ranking added per axis beyond the picks
    detail: str  # "full", "medium", "short", "minimal" or "titles": see fiche_text
    compact: bool = False  # the profile without its empty fields, on one line


PROMPT_TIERS = (
    PromptTier("plan", None, FICHES_PER_AXIS, "full"),
    PromptTier("plan", None, 2, "medium"),
    PromptTier("plan", None, 0, "medium"),
    PromptTier("plan", None, 0, "short"),
    PromptTier("plan", 2, 0, "short"),
    PromptTier("plan_compact", 2, 0, "short", compact=True),
    PromptTier("plan_compact", 1, 0, "minimal", compact=True),
    PromptTier("plan_compact", 1, 0, "titles", compact=True),
)
SCHEMA_TEXT = json.dumps(PlanDraft.model_json_schema(), ensure_ascii=False)  # what tool calling sends beside it


def fiche_text(practice: Practice, detail: str) -> str:
    """A fiche as the plan prompt shows it: all it proposes (`full`) down to its title and first action (`titles`)."""
    meta = practice.meta
    text = f"{meta.title}\nPublic : {meta.public}\n"
    if detail == "titles":
        return f"{meta.title}\n" + "".join(f"Action proposée : {t.title}\n" for t in meta.actions[:1])
    if detail == "minimal":
        return text + "".join(f"Action proposée : {t.title}\n" for t in meta.actions[:1])
    if detail == "short":
        return text + "".join(f"Action proposée : {t.title} (porteur : {t.lead})\n" for t in meta.actions[:2])
    brief = _first_sentences(practice, 40, 120) if detail == "full" else _first_sentences(practice, 20, 50)
    text += f"Partenaires : {', '.join(meta.partners)}\nIndicateurs : {' ; '.join(meta.indicators)}\nEn bref : {brief}\n"
    if meta.actions:  # the fiche's own actions, written as the collectivity's: the model adapts them
        return text + "\n".join(
            f"Action proposée : {t.title} (âges {t.ages.min}-{t.ages.max} ans ; porteur : {t.lead} ; "
            f"partenaires : {', '.join(t.partners)})" + (f" — étapes : {' '.join(t.steps)}" if detail == "full" else "")
            for t in meta.actions)
    steps = implementation_steps(practice, limit=6 if detail == "full" else 3)
    return text + (f"Mise en œuvre : {' ; '.join(steps)}" if steps else "")


class LLMDrafter:
    def __init__(self, model: BaseChatModel, catalogue: CatalogueDrafter, criteria: CallCriteria, timeout_s: float,
                 label: str, context_tokens: int = 8192, structured: str = "auto", memory: MethodMemory | None = None):
        self.model, self.catalogue, self.criteria = model, catalogue, criteria
        self.timeout_s, self.label, self.context_tokens = timeout_s, label, context_tokens
        self.caller = StructuredCaller(model, PlanDraft, structured, memory)  # json_schema, tool calls, JSON…

    # -- public --------------------------------------------------------------------------------------------
    def draft(self, profile: Profile) -> ActionPlan:
        fiches, messages = self.prompt(profile)
        try:
            output = self._ask(messages)
        except LLMFailure as failure:
            return self._catalogue(profile, f"Le modèle de langage n'a pas pu rédiger le plan ({failure})")
        problems: list[str] = []
        why = f"Le modèle de langage n'a pas produit un plan valide après {REPAIR_ROUNDS} corrections"
        for round_ in range(REPAIR_ROUNDS + 1):
            plan, problems = self._attempt(profile, output, fiches)
            if plan is not None:
                return plan
            if round_ == REPAIR_ROUNDS:
                break
            try:
                output = self._ask(messages + [self._repair_message(output, problems)])
            except LLMFailure as failure:  # the real cause, not « after N corrections »: the last ones never came
                why = (f"Le modèle de langage n'a pas produit un plan valide : la correction n° {round_ + 1} "
                       f"a échoué ({failure})")
                break
        return self._salvage(profile, output, fiches, problems, why)

    # -- context -------------------------------------------------------------------------------------------
    def prompt(self, profile: Profile) -> tuple[list[Practice], list]:
        """The richest prompt that fits the plan's budget (half the context, with the schema sent beside it), and
        the fiches it shows: fewer fiches, then shorter ones, then the compact prompt, for small contexts."""
        ranked = self.catalogue.selector.rank(profile)
        picked = self.catalogue.selector.pick(profile, ranked)
        budget = plan_budget(self.context_tokens) - estimate_tokens(SCHEMA_TEXT)
        for tier in PROMPT_TIERS:
            fiches = self._fiches(tier, ranked, picked)
            messages = self.messages(profile, fiches, tier)
            if messages_tokens(messages) <= budget:
                break
        return fiches, messages

    def context_fiches(self, profile: Profile) -> list[Practice]:
        """The best fiches of each axis for this profile (the catalogue's own ranking), without repeats."""
        ranked = self.catalogue.selector.rank(profile)
        return self._fiches(PROMPT_TIERS[0], ranked, self.catalogue.selector.pick(profile, ranked))

    def _fiches(self, tier: "PromptTier", ranked: dict, picked: dict) -> list[Practice]:
        axes = self.criteria.axis_ids
        ids: list[str] = [c.id for axis in axes for c in (picked.get(axis, []) or ranked[axis])[:tier.picked_per_axis]]
        for axis in axes:
            ids += [c.id for c in ranked[axis][:tier.ranked_per_axis]]
        return [self.catalogue.practices[i] for i in dict.fromkeys(ids)]

    def messages(self, profile: Profile, fiches: list[Practice], tier: "PromptTier | None" = None) -> list:
        tier = tier or PROMPT_TIERS[0]
        numbered = [{"n": n, "id": p.meta.id, "axes": ",".join(p.meta.axes), "finalites": ",".join(p.meta.finalites),
                     "text": fence(fiche_text(p, tier.detail), "fiche")} for n, p in enumerate(fiches, 1)]
        shown = profile.model_dump()
        if tier.compact:  # empty fields say nothing
            shown = {k: v for k, v in shown.items() if v not in (None, [], "")}
        crit = self.criteria
        if tier.compact:  # the short names: the ids say the rest
            axes, finalites = "\n".join(f"  - {a.id} : {a.short}" for a in crit.axes), ", ".join(crit.finalite_ids)
            actors = ", ".join(re.sub(r"\s*\([^)]*\)", "", a.label).split(",")[0] for a in crit.actors)
        else:
            axes = "\n".join(f"  - {a.id} : {a.label}" for a in crit.axes)
            finalites = "\n".join(f"  - {f.id} : {f.label}" for f in crit.finalites)
            actors = ", ".join(a.label for a in crit.actors)
        system, user = load_prompt(tier.prompt).render(
            call_title=crit.title, months=str(profile.duration_months), axes=axes, finalites=finalites, actors=actors,
            profile=fence(json.dumps(shown, ensure_ascii=False, indent=None if tier.compact else 2), "profil"),
            passages=numbered,
        )
        return [SystemMessage(system), HumanMessage(user)]

    def _repair_message(self, output: dict | None, problems: list[str]) -> HumanMessage:
        previous = json.dumps(output, ensure_ascii=False, indent=1) if output is not None else "(réponse illisible)"
        system, user = load_prompt("plan_repair").render(
            previous=fence(previous[:20000], "proposition"), errors="\n".join(f"- {p}" for p in problems))
        return HumanMessage(f"{system}\n\n{user}")

    # -- the model -----------------------------------------------------------------------------------------
    def _ask(self, messages: list) -> dict | None:
        """The model's plan as a dict; None when it answered something that is not one. Raises LLMFailure."""
        return self.caller.ask(messages, self.timeout_s)

    # -- from the model's dict to a plan -------------------------------------------------------------------
    def _attempt(self, profile: Profile, output: dict | None, fiches: list[Practice]
                 ) -> tuple[ActionPlan | None, list[str]]:
        if output is None:
            return None, ["La réponse n'est pas un objet JSON de la forme demandée."]
        data, removed = self._plan_data(profile, output, fiches)
        try:
            plan = ActionPlan.model_validate(data, context={"criteria": self.criteria})
        except ValidationError as exc:
            return None, french_problems(exc, PLAN_LABELS)
        unchecked = addition_problems(plan.actions, plan.objectives)  # valid, but not yet acceptable
        if unchecked:
            return None, unchecked
        return plan.model_copy(update={"notice": self._removed_notice(removed)}), []

    def _plan_data(self, profile: Profile, output: dict, fiches: list[Practice]) -> tuple[dict, list[str]]:
        allowed = [p.meta.id for p in fiches]
        removed: list[str] = []
        output = normalise_plan(output, self.criteria)  # near-misses that leave no doubt, before validation
        raw_actions = output.get("actions")
        actions: Any = raw_actions if not isinstance(raw_actions, list) else []  # not a list: validation says so
        for item in raw_actions if isinstance(raw_actions, list) else []:
            if not isinstance(item, dict):
                actions.append(item)
                continue
            action = {k: v for k, v in item.items() if k in ActionDraft.model_fields}
            sources, dropped = self._sources(action.get("sources"), allowed)
            removed += dropped
            action.update(sources=sources, origin="llm")
            actions.append(action)
        used = [s for a in actions if isinstance(a, dict) for s in a["sources"]] if isinstance(actions, list) else []
        data = {
            "call_id": self.criteria.id, "profile": profile.model_dump(), "mode": self.label, "notice": None,
            "summary": output.get("summary"), "objectives": output.get("objectives") or [], "actions": actions,
            "governance": output.get("governance"), "evaluation": output.get("evaluation"),
            "fiches": [self.catalogue.fiche_ref(i).model_dump() for i in dict.fromkeys(used)],
        }
        return data, list(dict.fromkeys(removed))

    @staticmethod
    def _sources(value: Any, allowed: list[str]) -> tuple[list[str], list[str]]:
        """Fiche ids kept; numbers « 3 » / « [3] » mapped to the third fiche; anything else removed."""
        items = value if isinstance(value, list) else ([value] if value else [])
        kept, dropped = [], []
        for item in items:
            text = str(item).strip().strip("[]").strip()
            if text.isdigit() and 1 <= int(text) <= len(allowed):
                kept.append(allowed[int(text) - 1])
            elif text in allowed:
                kept.append(text)
            elif text:
                dropped.append(text)
        return list(dict.fromkeys(kept)), dropped

    @staticmethod
    def _removed_notice(removed: list[str]) -> str | None:
        if not removed:
            return None
        return ("Sources retirées parce qu'elles ne font pas partie des fiches fournies au modèle : "
                + ", ".join(removed) + ".")

    # -- fallbacks -----------------------------------------------------------------------------------------
    def _catalogue(self, profile: Profile, why: str) -> ActionPlan:
        return self.catalogue.draft(profile, notice=f"{why} : voici le plan construit à partir du catalogue de fiches, "
                                                    "sans modèle de langage.")

    def _salvage(self, profile: Profile, output: dict | None, fiches: list[Practice], problems: list[str],
                 why: str) -> ActionPlan:
        """Keep what validates, complete the missing axes from the catalogue; garbage gives the catalogue plan.
        `why`: what stopped the model, in French."""
        if output is None:
            return self._catalogue(profile, f"Le modèle de langage n'a pas produit de plan : JSON invalide après "
                                            f"{REPAIR_ROUNDS + 1} essais")
        data, removed = self._plan_data(profile, output, fiches)
        context = {"criteria": self.criteria}
        listed = lambda key: data[key] if isinstance(data[key], list) else []  # noqa: E731
        parsed = [a for a in (_valid(Action, x, context) for x in listed("actions")) if a is not None]
        valid = [a for a in parsed if a.is_concrete]
        # what keeps each from being concrete (« une description d'au moins 25 mots (elle en a 24) »)
        vague = "; ".join(f"« {a.title} » : il manque {', '.join(a.gaps())}" for a in parsed if not a.is_concrete)
        actions = [a for i, a in enumerate(valid) if not action_problems(a, valid[:i])]
        dropped = [a.title for a in valid if a not in actions]
        if not actions:
            reasons = ([f"actions du modèle pas assez concrètes : {vague}"] if vague else []) + \
                ([f"actions écartées : {_quoted(dropped)}"] if dropped else [])
            return self._catalogue(profile, why + (f" ({' ; '.join(reasons)})" if reasons else ""))
        missing = [axis for axis, _ in missing_axes(actions, self.criteria)]
        completed = self._catalogue_actions(profile, missing, {s for a in actions for s in a.sources})
        action_dicts = [a.model_dump() for a in actions] + completed
        objectives = [o.model_dump() for o in (_valid(Objective, x, context) for x in listed("objectives"))
                      if o and not objective_problems(o)]
        governance = _valid(Governance, data["governance"], context)
        evaluation = _valid(Evaluation, data["evaluation"], context)
        notes = [f"{why} ; " + (f"axe(s) {', '.join(missing)} complété(s) à partir du catalogue de fiches (actions "
                                "signalées)." if missing else "les parties invalides ont été retirées.")]
        if dropped:
            notes.append(f"Action(s) du modèle écartée(s) (sans fiche source, texte à remplir ou description "
                         f"répétée) : {_quoted(dropped)}.")
        if vague:
            notes.append(f"Action(s) du modèle écartée(s), pas assez concrète(s) : {vague}.")
        if governance is None or evaluation is None or not objectives:
            notes.append("Gouvernance, évaluation ou objectifs manquants repris du catalogue.")
        if removed:
            notes.append(self._removed_notice(removed))
        summary = data["summary"] if isinstance(data["summary"], str) and data["summary"].strip() else None
        try:
            return self.catalogue.assemble(
                profile, action_dicts, mode=self.label, notice=" ".join(notes), summary=summary,
                objectives=objectives or None, governance=governance.model_dump() if governance else None,
                evaluation=evaluation.model_dump() if evaluation else None)
        except ValidationError:
            return self._catalogue(profile, why)

    def _catalogue_actions(self, profile: Profile, axes: list[str], taken: set[str]) -> list[dict]:
        if not axes:
            return []
        selector = self.catalogue.selector
        ranked = selector.rank(profile)
        picks = selector.pick(profile, {a: [c for c in ranked[a] if c.id not in taken] for a in ranked})
        territory = Territory(profile, self.criteria, self.catalogue.matcher)
        out = []
        for axis in axes:
            for rank, candidate in enumerate(picks.get(axis, [])[:2]):
                action = self.catalogue.action(candidate, territory, rank)
                action["note"] = COMPLETED_NOTE
                out.append(action)
        return out


def _quoted(titles: list[str]) -> str:
    return ", ".join(f"« {t} »" for t in titles)


def _valid(model: type[BaseModel], value: Any, context: dict):
    try:
        return model.model_validate(value, context=context)
    except ValidationError:
        return None
