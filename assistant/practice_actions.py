"""Action templates: the concrete actions a good-practice fiche offers, as data in its front matter (`actions:`).

The planner fills a template for a territory; it never writes an action from a fiche's headings. A template's
title is the collectivity's own action (a verb first), its steps are complete sentences, its lead and partners are
generic roles (never another territory's organisation), and a cost appears only with the public source of its figure.

>>> ActionTemplate.model_validate({"title": "Former les animateurs", "steps": ["Le service recense les besoins."],
...     "ages": {"min": 11, "max": 17}, "lead": "service jeunesse", "partners": ["PJJ"], "indicators": ["formés"],
...     "duration_months": 12, "cost_items": ["intervenants"]}).ages.span
(11, 17)
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# What a template may need from the territory; `assistant.plans.conditions` checks them against a profile.
Condition = Literal["qpv", "college", "lycee", "logement_social", "point_de_deal", "cite_educative"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AgeSpan(_Strict):
    min: int = Field(ge=0, le=30)
    max: int = Field(ge=0, le=30)

    @model_validator(mode="after")
    def _ordered(self) -> "AgeSpan":
        if self.max <= self.min:
            raise ValueError(f"tranche d'âge {self.min}-{self.max} : l'âge maximal doit dépasser l'âge minimal")
        return self

    @property
    def span(self) -> tuple[int, int]:
        return self.min, self.max


class CostRange(_Strict):
    """What the action costs, from a public source: `low`-`high` euros per `unit` (« an », « demi-journée par jeune »)."""

    low: int = Field(ge=0)
    high: int = Field(ge=0)
    unit: str = Field(min_length=2)
    basis: str = Field(min_length=10, description="La source du chiffre, telle que la fiche la cite.")

    @model_validator(mode="after")
    def _ordered(self) -> "CostRange":
        if self.high < self.low:
            raise ValueError("fourchette de coût inversée")
        return self


class FundingCeiling(_Strict):
    """A known funder's ceiling for this kind of action (a co-funding line, not the action's cost)."""

    funder: str = Field(min_length=2)
    max_eur: int = Field(gt=0)
    unit: str = Field(min_length=2)
    basis: str = Field(min_length=10)


class ActionTemplate(_Strict):
    title: str = Field(min_length=10, max_length=160)
    steps: list[str] = Field(min_length=2, max_length=8)
    ages: AgeSpan
    public: str = Field("jeunes {ages}", description="Le public ; « {ages} » devient « de 12 à 16 ans ».")
    lead: str = Field(min_length=3)
    partners: list[str] = Field(min_length=1)
    requires: list[Condition] = Field(default_factory=list)
    indicators: list[str] = Field(min_length=1)
    duration_months: int = Field(ge=1, le=36)
    cost: CostRange | None = None
    funding: list[FundingCeiling] = Field(default_factory=list)
    cost_items: list[str] = Field(default_factory=list, description="Ce qu'il faut chiffrer localement.")

    @model_validator(mode="after")
    def _costed(self) -> "ActionTemplate":
        if self.cost is None and not self.cost_items:
            raise ValueError("une action donne une fourchette de coût sourcée ou la liste des postes à chiffrer")
        return self
