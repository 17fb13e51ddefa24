"""The plan's budget table: the actions' amounts summed per axis and per year, against the envelope asked for,
with the MILDECA share and the co-funding lines apart.

An action counts with the amount the collectivity typed (`budget_eur`), else with the range a public source gives
(`cost.low_eur`-`cost.high_eur`); otherwise it is listed as still to cost, with its items. Nothing is estimated here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from .profile import euros

if TYPE_CHECKING:
    from ..criteria import CallCriteria
    from .models import Action, ActionPlan


class Amount(BaseModel):
    low: int = 0
    high: int = 0

    def __add__(self, other: "Amount") -> "Amount":
        return Amount(low=self.low + other.low, high=self.high + other.high)

    def text(self) -> str:
        if self.low == self.high == 0:
            return "—"
        return euros(self.low) if self.low == self.high else f"{euros(self.low)} à {euros(self.high)}"


class BudgetRow(BaseModel):
    axis: str
    label: str
    per_year: list[Amount]
    total: Amount
    costed: int = Field(description="Actions chiffrées (montant saisi ou fourchette sourcée).")
    to_cost: list[str] = Field(default_factory=list, description="Actions encore à chiffrer, avec leurs postes.")


class CofundingLine(BaseModel):
    funder: str
    amount_eur: int | None = None
    status: str = Field(description="« engagé » (profil) ou « à solliciter » (plafond connu d'un financeur).")
    note: str = ""


class BudgetTable(BaseModel):
    years: int
    rows: list[BudgetRow]
    total: Amount
    per_year: list[Amount]
    funder: str = Field("financeur de l'appel", description="Who the envelope is asked of (the call's publisher).")
    envelope_eur: int | None = Field(None, description="Enveloppe demandée au financeur de l'appel (sa part).")
    cofunding: list[CofundingLine] = Field(default_factory=list)
    engaged_cofunding_eur: int = 0
    complete: bool = Field(description="Toutes les actions sont chiffrées.")
    notes: list[str] = Field(default_factory=list)


def action_amount(action: "Action") -> Amount | None:
    if action.budget_eur is not None:
        return Amount(low=action.budget_eur, high=action.budget_eur)
    if action.cost is not None and action.cost.has_range:
        return Amount(low=action.cost.low_eur, high=action.cost.high_eur)
    return None


def _spread(amount: Amount, start: int, end: int, years: int) -> list[Amount]:
    """The amount split over the plan's years in proportion to the action's months in each."""
    months = max(1, end - start + 1)
    out = []
    for year in range(years):
        first, last = 12 * year + 1, 12 * (year + 1)
        share = max(0, min(end, last) - max(start, first) + 1) / months
        out.append(Amount(low=round(amount.low * share), high=round(amount.high * share)))
    return out


def _to_cost(action: "Action") -> str:
    items = action.cost.items if action.cost else []
    return action.title + (f" (à chiffrer : {', '.join(items)})" if items else " (à chiffrer)")


def budget_table(plan: "ActionPlan", criteria: "CallCriteria | None" = None) -> BudgetTable:
    months = plan.profile.duration_months
    years = math.ceil(months / 12)
    axes = list(dict.fromkeys([*(criteria.axis_ids if criteria else []), *(a.axis for a in plan.actions)]))
    rows = []
    for axis in axes:
        label = f"Axe {criteria.axis(axis).number} — {criteria.axis(axis).short}" if criteria and \
            axis in criteria.axis_ids else axis
        per_year = [Amount() for _ in range(years)]
        costed, to_cost = 0, []
        for action in plan.actions_on(axis):
            amount = action_amount(action)
            if amount is None:
                to_cost.append(_to_cost(action))
                continue
            costed += 1
            start, end = (action.calendar.start_month, action.calendar.end_month) if action.calendar else (1, months)
            per_year = [a + b for a, b in zip(per_year, _spread(amount, start, min(end, months), years))]
        rows.append(BudgetRow(axis=axis, label=label, per_year=per_year, total=sum(per_year, Amount()),
                              costed=costed, to_cost=to_cost))
    cofunding = [CofundingLine(funder=c.name, amount_eur=c.amount_eur, status="engagé")
                 for c in plan.profile.cofunders]
    seen = set()
    for action in plan.actions:
        for line in action.cost.funding if action.cost else []:
            if line not in seen:
                seen.add(line)
                funder, _, note = line.partition(" : ")
                cofunding.append(CofundingLine(funder=funder, status="à solliciter", note=f"{note} — {action.title}"))
    total = sum((r.total for r in rows), Amount())
    engaged = sum(c.amount_eur or 0 for c in cofunding if c.status == "engagé")
    complete = not any(r.to_cost for r in rows)
    notes = []
    if not complete:
        missing = sum(len(r.to_cost) for r in rows)
        notes.append(f"{missing} action(s) restent à chiffrer : le total ne couvre que les actions chiffrées.")
    envelope = plan.profile.budget_eur
    funder = criteria.publisher if criteria is not None and criteria.publisher else "financeur de l'appel"
    if envelope is not None and total.high:
        gap = envelope + engaged - total.high
        notes.append(f"Enveloppe demandée ({funder}) ({euros(envelope)}) et cofinancements engagés ({euros(engaged)}) : "
                     + (f"{euros(gap)} restent disponibles pour les actions à chiffrer." if gap >= 0 else
                        f"il manque {euros(-gap)} pour couvrir le haut de la fourchette des actions chiffrées."))
    return BudgetTable(funder=funder, years=years, rows=rows, total=total,
                       per_year=[sum((r.per_year[i] for r in rows), Amount()) for i in range(years)],
                       envelope_eur=envelope, cofunding=cofunding, engaged_cofunding_eur=engaged,
                       complete=complete, notes=notes)
