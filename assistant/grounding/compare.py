"""Do the details of a sentence agree with a passage? Each disagreement is a `Mismatch` with a French message."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .axis_lists import MIN_PLACED_SHARE, Placement
from ..text_fr import fold
from .details import APPROX_TOLERANCE, MONTHS, MULTIPLIER_TOLERANCE, Details

MONTH_NAMES = {number: name for name, number in MONTHS.items() if len(name) > 4 or name in {"mars", "mai", "juin"}}
MONTH_NAMES[8] = "août"
MONTH_NAMES[2] = "février"
MONTH_NAMES[12] = "décembre"


@dataclass(frozen=True)
class Mismatch:
    """A detail of the sentence the passage contradicts or does not give; with `blocking` False, a remark on a detail
    that agrees (a count the passage establishes by listing its items, a nuance of wording)."""

    # date, montant, âge, pourcentage, proportion, nombre, nom, acteur, négation, axe ; compte, nuance (not blocking)
    kind: str
    message: str
    blocking: bool = True


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


def _near_ratio(ratio: float, ratios: set[float]) -> bool:
    """« un sur sept » and « 14 % » are the same proportion, to the rounding of a percentage."""
    return any(abs(ratio - r) <= 0.006 for r in ratios)


MAX_DERIVED_VALUES = 24  # a passage with more figures than this is not searched for sums (bounded, and too easy)


def _derived(value: float, values: set[float]) -> bool:
    """Is `value` the sum or the difference of two figures of the passage (« 15 en 2024 et 15 en 2025 » for
    « trente en tout »)?"""
    found = sorted(v for v in values if v > 0)
    if len(found) > MAX_DERIVED_VALUES:
        return False
    return any(_close(value, a + b) or _close(value, b - a) for i, a in enumerate(found) for b in found[i:])


def _elapsed_year(year: int, years: set[int], durations: set[float]) -> bool:
    """Is `year` a year of the passage plus or minus a number of years it gives (« lancée en octobre 2020 pour trois
    ans » for « jusqu'à l'automne 2023 »)?"""
    return any(float(year - y) in durations or float(y - year) in durations for y in years)


def _years_apart(number: float, years: set[int]) -> bool:
    """Is `number` (of years) the gap between two years of the passage (« en 1999 » and « en 2004 » for « cinq ans
    avant »)?"""
    return number.is_integer() and any(b - a == number for a in years for b in years)


def _about(approx: float, value: float) -> bool:
    """Does an approximate number (« une vingtaine ») cover `value`?"""
    return abs(approx - value) <= APPROX_TOLERANCE * approx


SCOPE_SAYS = {"all": "que cela vaut pour tous", "only": "que cela seul vaut", "must": "que c'est obligatoire"}
BOUND_WORDS = {"before": "avant", "until": "jusqu'à", "after": "après"}


def compare_bounds(claim: Details, unit: Details) -> list[Mismatch]:
    """A date both give, as a different limit: « jusqu'au 30 avril » (the day included) for « avant le 30 avril » is a
    nuance; « après le 30 avril » for « avant le 30 avril » contradicts the passage."""
    out = []
    unit_bounds = {}
    for (day, month, year), kind, words in unit.bounds:
        unit_bounds.setdefault((day, month), (kind, words, year))
    for (day, month, year), kind, words in sorted(claim.bounds, key=str):
        said = unit_bounds.get((day, month))
        if said is None or said[0] == kind:
            continue
        date = _date(day, month, year or said[2])
        if "after" in (kind, said[0]):
            out.append(Mismatch("date", f"la phrase dit « {words} {date} », le passage « {said[1]} {date} » "
                                        f"({BOUND_WORDS[said[0]]}, non {BOUND_WORDS[kind]})"))
        else:
            out.append(Mismatch("nuance", f"la phrase dit « {words} {date} », le passage « {said[1]} {date} » : "
                                          + ("le jour même n'est pas compris dans le délai de l'appel" if said[0] ==
                                             "before" else "le passage compte le jour même dans le délai"),
                                blocking=False))
    return out


def compare_details(claim: Details, unit: Details, unit_axes: set[str], axis_labels: dict[str, str],
                    negation: str | None = None, counts: dict[tuple[int, str], str] | None = None,
                    placement: Placement | None = None) -> list[Mismatch]:
    """`negation`: "added" / "removed" when the polarity of the claim and of the passage differ (see
    `details.negation_conflict`). `counts`: (number, noun key) -> where it is established, for the counts that the
    passage (a list of that many items) or the call's own data give: « les quatre axes ». `placement`: where a
    passage of the call that names its axes puts the sentence's words (`axis_lists`)."""
    out: list[Mismatch] = compare_bounds(claim, unit)
    counts = counts or {}
    unit_years = unit.all_years | {int(n) for n in unit.pool if n.is_integer() and 1900 <= n <= 2100}
    for day, month, year in sorted(claim.dates, key=str):
        ok = any(m == month and (day is None or d == day) and (year is None or y == year or (y is None and year in unit_years))
                 for d, m, y in unit.dates)
        if not ok:
            said = ", ".join(_date(*d) for d in sorted(unit.dates, key=str)) or "aucune date"
            out.append(Mismatch("date", f"la date « {_date(day, month, year)} » ne figure pas dans le passage "
                                        f"(il indique : {said})"))
    for year in sorted(claim.years - unit_years):
        if _elapsed_year(year, unit_years, unit.durations):
            continue
        out.append(Mismatch("date", f"l'année {year} ne figure pas dans le passage"))
    for decade in sorted(claim.decades):
        if not any(decade <= y < decade + 10 for y in unit_years):
            out.append(Mismatch("date", f"les années {decade} ne figurent pas dans le passage"))
    for amount in sorted(claim.amounts):
        low, high = claim.amount_ranges.get(amount, (amount, amount))
        if not any(_close(amount, a) for a in unit.amounts | unit.pool) \
                and not any(low <= a <= high for a in unit.amounts) \
                and not (claim.derived and _derived(amount, unit.amounts)):  # « 13 M€ de moins » than the year before
            said = ", ".join(_amount(a) for a in sorted(unit.amounts)) or "aucun montant"
            out.append(Mismatch("montant", f"le montant « {_amount(amount)} » ne figure pas dans le passage (il indique : {said})"))
    unit_ratios = set(unit.ratios) | {p / 100 for p in unit.percents}
    for percent in sorted(claim.percents):
        if not any(_close(percent, p) for p in unit.percents | unit.pool) and not _near_ratio(percent / 100, unit_ratios) \
                and not (claim.derived and _derived(percent, unit.percents)):
            out.append(Mismatch("pourcentage", f"le pourcentage « {_number(percent)} % » ne figure pas dans le passage"))
    for ratio, words in sorted(claim.ratios.items()):
        low, high = claim.ratio_ranges.get(ratio, (ratio, ratio))
        if not _near_ratio(ratio, unit_ratios) and not any(low <= r <= high for r in unit_ratios):
            said = ", ".join(f"« {w} »" for w in unit.ratios.values()) or "aucune proportion"
            out.append(Mismatch("proportion", f"la proportion « {words} » ne figure pas dans le passage (il indique : "
                                              f"{said})"))
    values = sorted(v for v in unit.pool | unit.percents | unit.amounts if v > 0)
    for factor, words in sorted(claim.multipliers.items()):  # « deux fois plus » : two values of the passage in that ratio
        if any(abs(f - factor) <= MULTIPLIER_TOLERANCE * factor for f in unit.multipliers):
            continue  # the passage says it in so many words
        if unit.multipliers:  # the passage says its own ratio: that one, not two of its figures in this one
            said = next(iter(unit.multipliers.values()))
            out.append(Mismatch("nombre", f"la phrase dit « {words} », le passage « {said} »"))
            continue
        if not any(abs(b / a - factor) <= MULTIPLIER_TOLERANCE * factor for i, a in enumerate(values) for b in values[i + 1:]):
            out.append(Mismatch("nombre", f"« {words} » : le passage ne donne pas deux valeurs dans ce rapport"))
    unit_counts = unit.numbers | unit.pool | set(unit.approx)  # « une quinzaine d'euros » for « 15 € »
    for value, words in sorted(claim.approx.items()):
        if not any(_about(value, n) for n in unit_counts):
            said = ", ".join(f"« {w} »" for w in unit.approx.values())
            out.append(Mismatch("nombre", f"« {words} » ne figure pas dans le passage"
                                          + (f" (il indique : {said})" if said else "")))
    for low, high in sorted(claim.ages - unit.ages):
        said = ", ".join(f"{a}-{b} ans" for a, b in sorted(unit.ages)) or "aucune tranche d'âge"
        out.append(Mismatch("âge", f"la tranche d'âge « {low}-{high} ans » ne figure pas dans le passage (il indique : {said})"))
    age_bounds = {float(bound) for ages in unit.ages for bound in ages}  # « dès 16 ans » for « 16-17 ans »
    plain = unit.numbers | unit.all_years | {day for day, _, _ in unit.dates if day} | age_bounds
    for number in sorted(claim.numbers):
        low, high = claim.number_ranges.get(number, (number, number))  # « plus de huit mille » for 8 300
        if not any(_close(number, n) or low <= n <= high for n in plain) \
                and not any(_about(a, number) for a in unit.approx) and not (
                claim.derived and _derived(number, unit.numbers)) and not (
                number in claim.durations and _years_apart(number, unit_years)):
            counted = [(word, counts[(int(number), key)]) for value, key, word in sorted(claim.counted)
                       if value == number and number.is_integer() and (int(number), key) in counts]
            if counted:
                word, where = counted[0]
                out.append(Mismatch("compte", f"« {_number(number)} {word} » : {where}", blocking=False))
                continue
            if number in claim.listed_here:
                out.append(Mismatch("compte", f"« {_number(number)} » : la phrase énumère elle-même "
                                              f"{_number(number)} éléments", blocking=False))
                continue
            if number in unit.enumerated:  # so many years listed: so many occasions
                out.append(Mismatch("compte", f"« {_number(number)} » : le passage énumère {_number(number)} années "
                                              f"(« {unit.enumerated[number]} »)", blocking=False))
                continue
            kind = "date" if number.is_integer() and 1900 <= number <= 2100 else "nombre"
            out.append(Mismatch(kind, f"le nombre « {_number(number)} » ne figure pas dans le passage"))
    if claim.absolute and unit.hedge and not unit.absolute and not claim.hedge:
        out.append(Mismatch("portée", f"la phrase dit « {claim.absolute} », le passage « {unit.hedge} »"))
    if claim.obliges and unit.permits and not unit.obliges and not claim.permits:
        out.append(Mismatch("portée", f"la phrase dit « {claim.obliges} », le passage « {unit.permits} »"))
    for kind, words in sorted(claim.scope.items()):
        if kind not in unit.scope:
            out.append(Mismatch("portée", f"la phrase dit « {words} », le passage ne dit pas " + SCOPE_SAYS[kind]))
    for value, key, word in sorted(claim.counted):
        said = sorted({m for m, k, _ in unit.counted if k == key})
        given = any(_close(value, n) for n in plain)  # else the number itself is reported missing, above
        if value in claim.numbers and given and said and value not in said and (int(value), key) not in counts \
                and not (claim.derived and _derived(value, set(said))):
            out.append(Mismatch("nombre", f"« {_number(value)} {word} » : le passage en compte "
                                          + ", ".join(_number(m) for m in said)))
    if negation == "added":
        out.append(Mismatch("négation", "la phrase est à la forme négative, le passage à la forme affirmative"))
    elif negation == "removed":
        out.append(Mismatch("négation", "le passage est à la forme négative, la phrase à la forme affirmative"))
    if claim.axes_numbered and claim.axes_named and not claim.axes_numbered & claim.axes_named:
        out.append(Mismatch("axe", "le numéro d'axe ne correspond pas à son intitulé dans l'appel ("
                                   + ", ".join(f"« {axis_labels[a]} »" for a in sorted(claim.axes_named)) + ")"))
    elif claim.axes and placement is not None and placement.misplaced:
        claimed = ", ".join(f"« {axis_labels[a]} »" for a in sorted(claim.axes))
        held = Counter(a for axes in placement.misplaced.values() for a in axes)  # the axis most of them are under
        said = sorted(a for a, n in held.items() if n == max(held.values()))
        out.append(Mismatch("axe", f"la phrase rattache ceci à l'axe {claimed} ; le passage le range sous l'axe "
                                   + ", ".join(f"« {axis_labels[a]} »" for a in said)))
    elif claim.axes and len(unit.axes_named) >= 3 and len(claim.axes) < len(unit.axes_named) and (
            placement is None or placement.placed_share < MIN_PLACED_SHARE):
        # (a sentence whose own words the list gives under the axes it names lists them, or says what one holds)
        out.append(Mismatch("axe", "le passage énumère les axes de l'appel sans rattacher ceci à l'un d'eux"))
    elif claim.axes and not claim.axes & unit_axes:
        claimed = ", ".join(f"« {axis_labels[a]} »" for a in sorted(claim.axes))
        said = ", ".join(f"« {axis_labels[a]} »" for a in sorted(unit_axes)) or "aucun axe"
        out.append(Mismatch("axe", f"la phrase rattache ceci à l'axe {claimed} ; le passage relève de : {said}"))
    return out


def figure_words(details: Details) -> tuple[str, ...]:
    """The figures a sentence gives, as a reviewer reads them: dates, years, amounts, percentages, proportions, ages,
    other numbers."""
    return tuple([_date(*d) for d in sorted(details.dates, key=str)] + [str(y) for y in sorted(details.years)]
                 + [_amount(a) for a in sorted(details.amounts)] + [f"{_number(p)} %" for p in sorted(details.percents)]
                 + [w for _, w in sorted(details.ratios.items())] + [f"{a}-{b} ans" for a, b in sorted(details.ages)]
                 + [_number(n) for n in sorted(details.numbers)])


# words an acronym skips (« ETP » for « équivalent temps plein », « PJJ » for « protection judiciaire de la jeunesse »)
ACRONYM_SKIPS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "pour", "sur"}
MIN_SPELT_LETTERS = 3  # two letters are spelt out by chance too often


def spelt_out(acronym: str, text: str) -> bool:
    """Does `text` write out `acronym` word by word (« 20 000 € par équivalent temps plein » for « par ETP »)? A short
    acronym needs its words one after another (« emploi à temps partiel » does not spell « ETP »)."""
    letters = fold(acronym).replace(".", "")
    if len(letters) < MIN_SPELT_LETTERS or not letters.isalpha():
        return False
    words = re.findall(r"[^\W\d_]+", fold(text))
    # « AAP » spells « appel à projets »: the « à » counts there, elsewhere such small words are skipped
    for counted in (set(), {"a"}):
        kept = [(i, w) for i, w in enumerate(words) if w in counted or w not in ACRONYM_SKIPS and len(w) > 1]
        initials = "".join(w[0] for _, w in kept)
        for start in (i for i in range(len(kept) - len(letters) + 1) if initials[i:i + len(letters)] == letters):
            first, last = kept[start][0], kept[start + len(letters) - 1][0]
            if len(letters) > MIN_SPELT_LETTERS or last - first == len(letters) - 1:
                return True
    return False


def compare_names(required: dict[str, str], offered: set[str], text: str = "") -> list[Mismatch]:
    """The names of the sentence (`required`: class -> as written) that the passage does not offer; an acronym the
    passage `text` writes out in full is offered."""
    out = []
    for key, surface in required.items():
        if key in offered or (key.startswith("acr:") and text and spelt_out(surface, text)):
            continue
        out.append(Mismatch("nom", f"« {surface} » n'est pas nommé dans le passage"))
    return out
