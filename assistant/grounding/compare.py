"""Do the details of a sentence agree with a passage? Each disagreement is a `Mismatch` with a French message."""

from __future__ import annotations

from dataclasses import dataclass

from .details import MONTHS, Details

MONTH_NAMES = {number: name for name, number in MONTHS.items() if len(name) > 4 or name in {"mars", "mai", "juin"}}
MONTH_NAMES[8] = "août"
MONTH_NAMES[2] = "février"
MONTH_NAMES[12] = "décembre"


@dataclass(frozen=True)
class Mismatch:
    kind: str  # date, montant, âge, pourcentage, nombre, nom, négation, axe
    message: str


def _date(day: int | None, month: int, year: int | None) -> str:
    parts = [("1er" if day == 1 else str(day)) if day else "", MONTH_NAMES.get(month, str(month)), str(year or "")]
    return " ".join(p for p in parts if p)


def _amount(value: float) -> str:
    if value >= 1e6 and value % 1e5 == 0:
        return f"{value / 1e6:g} M€".replace(".", ",")
    return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",") + " €"


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 * max(abs(a), abs(b), 1.0)


def compare_details(claim: Details, unit: Details, unit_axes: set[str], axis_labels: dict[str, str],
                    negation: str | None = None) -> list[Mismatch]:
    """`negation`: "added" / "removed" when the polarity of the claim and of the passage differ (see
    `details.negation_conflict`)."""
    out: list[Mismatch] = []
    unit_years = unit.all_years | {int(n) for n in unit.pool if n.is_integer() and 1900 <= n <= 2100}
    for day, month, year in sorted(claim.dates, key=str):
        ok = any(m == month and (day is None or d == day) and (year is None or y == year or (y is None and year in unit_years))
                 for d, m, y in unit.dates)
        if not ok:
            said = ", ".join(_date(*d) for d in sorted(unit.dates, key=str)) or "aucune date"
            out.append(Mismatch("date", f"la date « {_date(day, month, year)} » ne figure pas dans le passage "
                                        f"(il indique : {said})"))
    for year in sorted(claim.years - unit_years):
        out.append(Mismatch("date", f"l'année {year} ne figure pas dans le passage"))
    for amount in sorted(claim.amounts):
        if not any(_close(amount, a) for a in unit.amounts | unit.pool):
            said = ", ".join(_amount(a) for a in sorted(unit.amounts)) or "aucun montant"
            out.append(Mismatch("montant", f"le montant « {_amount(amount)} » ne figure pas dans le passage (il indique : {said})"))
    for percent in sorted(claim.percents):
        if not any(_close(percent, p) for p in unit.percents | unit.pool):
            out.append(Mismatch("pourcentage", f"le pourcentage « {_number(percent)} % » ne figure pas dans le passage"))
    for low, high in sorted(claim.ages - unit.ages):
        said = ", ".join(f"{a}-{b} ans" for a, b in sorted(unit.ages)) or "aucune tranche d'âge"
        out.append(Mismatch("âge", f"la tranche d'âge « {low}-{high} ans » ne figure pas dans le passage (il indique : {said})"))
    plain = unit.numbers | unit.all_years | {day for day, _, _ in unit.dates if day}
    for number in sorted(claim.numbers):
        if not any(_close(number, n) for n in plain):
            kind = "date" if number.is_integer() and 1900 <= number <= 2100 else "nombre"
            out.append(Mismatch(kind, f"le nombre « {_number(number)} » ne figure pas dans le passage"))
    if negation == "added":
        out.append(Mismatch("négation", "la phrase est à la forme négative, le passage à la forme affirmative"))
    elif negation == "removed":
        out.append(Mismatch("négation", "le passage est à la forme négative, la phrase à la forme affirmative"))
    if claim.axes_numbered and claim.axes_named and not claim.axes_numbered & claim.axes_named:
        out.append(Mismatch("axe", "le numéro d'axe ne correspond pas à son intitulé dans l'appel ("
                                   + ", ".join(f"« {axis_labels[a]} »" for a in sorted(claim.axes_named)) + ")"))
    elif claim.axes and not claim.axes & unit_axes:
        claimed = ", ".join(f"« {axis_labels[a]} »" for a in sorted(claim.axes))
        said = ", ".join(f"« {axis_labels[a]} »" for a in sorted(unit_axes)) or "aucun axe"
        out.append(Mismatch("axe", f"la phrase rattache ceci à l'axe {claimed} ; le passage relève de : {said}"))
    return out


def compare_names(required: dict[str, str], offered: set[str]) -> list[Mismatch]:
    out = []
    for key, surface in required.items():
        if key in offered:
            continue
        out.append(Mismatch("nom", f"« {surface} » n'est pas nommé dans le passage"))
    return out
