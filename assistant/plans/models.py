"""An action plan as Pydantic models. `ActionPlan` enforces the call's four-axis rule: at least one concrete
action on each axis of `criteria.yaml`, or a French error naming the missing axes.

The models accept an action that is not concrete (an LLM's half-written one, a user's edit) so that the rule can
say *why* an axis is not covered, instead of failing on a field.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, computed_field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..criteria import CallCriteria
from ._context import criteria_for, known_axis, known_finalite, known_finalites
from .budget import BudgetTable, budget_table
from .profile import Profile

MIN_DESCRIPTION_WORDS = 25
PLAN_MONTHS = 24
FOUR_AXES_ERROR = "four_axes"  # the type of the four-axis error, for callers that report it themselves

PLAN_LABELS = {
    "profile": "profil", "summary": "situation locale", "objectives": "objectifs", "actions": "actions",
    "governance": "gouvernance", "evaluation": "évaluation", "mode": "mode", "notice": "avertissement",
    "fiches": "fiches sources", "call_id": "appel",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Phase(_Model):
    label: str = Field(min_length=1, max_length=200)
    start_month: int = Field(ge=1, le=60)
    end_month: int = Field(ge=1, le=60)

    @model_validator(mode="after")
    def _ordered(self) -> "Phase":
        if self.end_month < self.start_month:
            raise ValueError(f"la phase « {self.label} » finit (mois {self.end_month}) avant de commencer "
                             f"(mois {self.start_month})")
        return self


class Calendar(_Model):
    """Months counted from the start of the plan (month 1): a start and an end, or phases, or both."""

    start_month: int | None = Field(None, ge=1, le=60)
    end_month: int | None = Field(None, ge=1, le=60)
    phases: list[Phase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "Calendar":
        if self.phases:
            self.start_month = self.start_month or min(p.start_month for p in self.phases)
            self.end_month = self.end_month or max(p.end_month for p in self.phases)
        if self.start_month is None or self.end_month is None:
            raise ValueError("le calendrier doit donner un mois de début et un mois de fin, ou des phases")
        if self.end_month < self.start_month:
            raise ValueError(f"le calendrier finit (mois {self.end_month}) avant de commencer (mois {self.start_month})")
        return self

    def describe(self) -> str:
        text = f"mois {self.start_month} à {self.end_month}"
        if self.phases:
            text += " (" + " ; ".join(f"{p.label} : mois {p.start_month}-{p.end_month}" for p in self.phases) + ")"
        return text


class ActionCost(_Model):
    """What an action costs, as far as public sources say: a total over the plan (`low_eur`-`high_eur`) only when
    a source gives a figure that sums; else a unit cost; always what remains to cost locally."""

    low_eur: int | None = Field(None, ge=0)
    high_eur: int | None = Field(None, ge=0)
    unit_cost: str | None = Field(None, description="Coût unitaire sourcé, par exemple « 15 € par demi-journée ».")
    basis: str | None = Field(None, description="La source du chiffre.")
    items: list[str] = Field(default_factory=list, description="Postes à chiffrer localement.")
    funding: list[str] = Field(default_factory=list, description="Plafonds connus de financeurs (à solliciter).")

    @property
    def has_range(self) -> bool:
        return self.low_eur is not None and self.high_eur is not None


class Action(_Model):
    axis: str = Field(description="Identifiant de l'axe de l'appel (criteria.yaml).")
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=6000)
    steps: list[str] = Field(default_factory=list, description="Les étapes, en phrases complètes.")
    public: str = Field("", max_length=1000, description="Public visé.")
    lead: str = Field("", max_length=300, description="Porteur (pilote) de l'action.")
    partners: list[str] = Field(default_factory=list, description="Partenaires, ceux déjà engagés d'abord.")
    new_partners: list[str] = Field(default_factory=list, description="Parmi les partenaires, ceux à mobiliser.")
    calendar: Calendar | None = None
    indicators: list[str] = Field(default_factory=list)
    finalites: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="Identifiants des fiches de bonnes pratiques.")
    budget_eur: int | None = Field(None, ge=0, description="Budget prévisionnel en euros (saisi par la collectivité).")
    cost: ActionCost | None = Field(None, description="Coût indicatif tiré des sources, ou postes à chiffrer.")
    origin: Literal["catalogue", "llm"] = "catalogue"
    note: str | None = Field(None, description="Remarque pour le relecteur (par exemple : complétée depuis le catalogue).")

    @field_validator("axis")
    @classmethod
    def _known_axis(cls, value: str, info: ValidationInfo) -> str:
        return known_axis(value, info)

    @field_validator("finalites")
    @classmethod
    def _known_finalites(cls, values: list[str], info: ValidationInfo) -> list[str]:
        return known_finalites(values, info)

    @field_validator("partners", "new_partners", "indicators", "sources", "steps")
    @classmethod
    def _no_blank_items(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))

    def gaps(self) -> list[str]:
        """What keeps the action from being concrete (empty when it is)."""
        missing = []
        words = len(re.findall(r"\w+", self.description))
        if words < MIN_DESCRIPTION_WORDS:
            missing.append(f"une description d'au moins {MIN_DESCRIPTION_WORDS} mots (elle en a {words})")
        for value, label in ((self.public, "un public visé"), (self.lead, "un porteur"),
                             (self.partners, "au moins un partenaire"), (self.calendar, "un calendrier"),
                             (self.indicators, "au moins un indicateur")):
            if not value:
                missing.append(label)
        return missing

    @property
    def is_concrete(self) -> bool:
        return not self.gaps()


class Objective(_Model):
    finalite: str
    statement: str = Field(min_length=1, max_length=1000, description="L'objectif, formulé pour le territoire.")
    indicator: str = Field("", max_length=500)
    target: str = Field("", max_length=500, description="La cible mesurable de l'indicateur.")

    @field_validator("finalite")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        return known_finalite(value, info)

    @property
    def is_measurable(self) -> bool:
        return len(self.indicator) >= 3 and bool(re.search(r"\d", self.target))


class Governance(_Model):
    steering_committee: list[str] = Field(min_length=1, description="Qui siège au comité de pilotage.")
    chair: str = Field(min_length=1, description="Qui le préside.")
    frequency: str = Field(min_length=1, description="À quel rythme il se réunit.")
    working_group: str | None = Field(None, description="Instance opérationnelle (groupe thématique…) et son rythme.")
    coordinator: str | None = None
    sources: list[str] = Field(default_factory=list)


class Evaluation(_Model):
    approach: str = Field(min_length=1)
    milestones: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class FicheRef(_Model):
    """A fiche the plan relies on, with its own references, so that exports can cite it without the store."""

    id: str
    title: str
    evidence: str = ""
    references: list[str] = Field(default_factory=list)


class ActionPlan(_Model):
    call_id: str = ""
    profile: Profile
    summary: str = Field(min_length=1, description="La situation locale, en quelques phrases.")
    objectives: list[Objective] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    governance: Governance
    evaluation: Evaluation
    fiches: list[FicheRef] = Field(default_factory=list)
    mode: str = Field("catalogue", description="« catalogue » (hors ligne) ou le modèle de langage utilisé.")
    notice: str | None = Field(None, description="Avertissement en français (par exemple : repli sur le catalogue).")

    @model_validator(mode="before")
    @classmethod
    def _computed_parts_are_not_input(cls, data):
        """`budget` is computed from the actions: a plan's own JSON loads back (the stored table is ignored)."""
        if isinstance(data, dict) and "budget" in data:
            data = {k: v for k, v in data.items() if k != "budget"}
        return data

    @computed_field(description="Tableau budgétaire : par axe et par année, enveloppe, part MILDECA, cofinancements.")
    @property
    def budget(self) -> BudgetTable:
        return budget_table(self, criteria_for(None) if self.call_id else None)

    @property
    def months(self) -> int:
        return self.profile.duration_months

    @model_validator(mode="after")
    def _four_axes(self, info: ValidationInfo) -> "ActionPlan":
        problems = missing_axes(self.actions, criteria_for(info))
        if problems:
            raise PydanticCustomError(FOUR_AXES_ERROR, "{message}", {"message": four_axes_message(problems)})
        return self

    def actions_on(self, axis: str) -> list[Action]:
        return [a for a in self.actions if a.axis == axis]

    def fiche(self, fiche_id: str) -> FicheRef | None:
        return next((f for f in self.fiches if f.id == fiche_id), None)


def missing_axes(actions: list[Action], criteria: CallCriteria) -> list[tuple[str, str]]:
    """(axis id, French explanation) for each axis without enough concrete actions."""
    out = []
    for axis in criteria.axes:
        on_axis = [a for a in actions if a.axis == axis.id]
        concrete = [a for a in on_axis if a.is_concrete]
        if len(concrete) >= criteria.min_actions_per_axis:
            continue
        name = f"axe {axis.number} « {axis.short} » ({axis.id})"
        if not on_axis:
            out.append((axis.id, f"{name}, qui n'a aucune action"))
        else:
            why = " ; ".join(f"l'action « {a.title} » n'a pas {', '.join(a.gaps())}" for a in on_axis)
            out.append((axis.id, f"{name}, qui n'a aucune action concrète ({why})"))
    return out


def four_axes_message(problems: list[tuple[str, str]]) -> str:
    return ("Le plan doit comporter au moins une action concrète sur chacun des axes de l'appel. Manque : "
            + " ; ".join(text for _, text in problems)
            + f". (Une action concrète a un titre, une description d'au moins {MIN_DESCRIPTION_WORDS} mots, un public, "
              "un porteur, au moins un partenaire, un calendrier et au moins un indicateur.)")
