"""A fiche's action templates filled for one territory: which template fits (ages, conditions), and the action
it becomes (title, steps, public, lead, partners, calendar, cost) — words from the template and the profile only."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..loaders import Practice
from ..practice_actions import ActionTemplate
from .conditions import unmet
from .profile import euros

MIN_YEARS_OF_AGE = 1  # a clipped range spans at least two ages: never « pour les 16-16 ans »
PER_YEAR = re.compile(r"^(an|par an|année|par année)$", re.I)
WHOLE = re.compile(r"^(action|total|pour l'action)$", re.I)


@dataclass
class Fit:
    template: ActionTemplate
    ages: tuple[int, int]


def clip(template: ActionTemplate, wanted: tuple[int, int]) -> tuple[int, int] | None:
    low, high = max(template.ages.min, wanted[0]), min(template.ages.max, wanted[1])
    return (low, high) if high - low >= MIN_YEARS_OF_AGE else None


def best_fit(practice: Practice, wanted: tuple[int, int], facts: dict[str, bool]) -> Fit | None:
    """The fiche's template that serves the most of the profile's ages among those whose conditions hold."""
    fits = [Fit(t, ages) for t in practice.meta.actions
            if (ages := clip(t, wanted)) is not None and not unmet(t.requires, facts)]
    return max(fits, key=lambda f: f.ages[1] - f.ages[0], default=None)


def ages_text(ages: tuple[int, int]) -> str:
    return f"de {ages[0]} à {ages[1]} ans"


def public_text(template: ActionTemplate, ages: tuple[int, int]) -> str:
    return template.public.replace("{ages}", ages_text(ages)).strip()


def lead_text(template: ActionTemplate, of_territory: str) -> str:
    """« service jeunesse de la collectivité » → « service jeunesse de Grandval »."""
    return re.sub(r"\bde la (collectivité|commune)\b", lambda _: of_territory, template.lead)


def calendar(start: int, duration: int, plan_months: int) -> dict:
    start = max(1, min(start, plan_months - 2))
    end = min(plan_months, start + duration - 1)
    prepare_end = min(start + 2, end - 1)
    phases = [{"label": "préparation avec les partenaires", "start_month": start, "end_month": prepare_end}]
    if end - prepare_end > 3:
        phases += [{"label": "mise en œuvre", "start_month": prepare_end + 1, "end_month": end - 2},
                   {"label": "bilan et suites", "start_month": end - 1, "end_month": end}]
    else:
        phases.append({"label": "mise en œuvre et bilan", "start_month": prepare_end + 1, "end_month": end})
    return {"start_month": start, "end_month": end, "phases": phases}


def cost(template: ActionTemplate, months: int) -> dict:
    """The action's cost as the plan shows it: a total only when the source's unit allows one (per year, per
    action); a unit cost otherwise; always the items still to cost and the known funders' ceilings."""
    out: dict = {"items": list(template.cost_items),
                 "funding": [f"{f.funder} : jusqu'à {euros(f.max_eur)} {f.unit} ({f.basis})" for f in template.funding]}
    c = template.cost
    if c is None:
        return out
    out["basis"] = c.basis
    if PER_YEAR.match(c.unit) or WHOLE.match(c.unit):
        years = math.ceil(months / 12) if PER_YEAR.match(c.unit) else 1
        out["low_eur"], out["high_eur"] = c.low * years, c.high * years
    else:
        amount = euros(c.low) if c.low == c.high else f"{euros(c.low)} à {euros(c.high)}"
        out["unit_cost"] = f"{amount} par {c.unit}"
    return out
