"""The details of a sentence that must agree with its source: dates, years, amounts, ages, percentages, other
numbers, negation and the call's axes.

>>> d = extract_details("Dépôt avant le 30 avril 2024 ; 2 M€ pour les 11-17 ans, sans exception.")
>>> sorted(d.dates), d.amounts, d.ages, d.negated
([(30, 4, 2024)], {2000000.0}, {(11, 17)}, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..criteria import CallCriteria, _fold
from ..text_fr import fold_keeping_offsets

MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6,
    "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}
NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "dix": 10, "onze": 11, "douze": 12,
    "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19,
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
}  # "un", "une" and "neuf" are too often not numbers
# ordinals of an axis (« le troisième axe »), as far as AXIS_NUMBER reads numbers: the call's axes say how many exist
ORDINALS = {"premier": 1, "premiere": 1, "1er": 1, "second": 2, "seconde": 2, "dernier": -1} | {
    word: n for n, stem in enumerate(("deux", "trois", "quatr", "cinqu", "six", "sept", "huit", "neuv"), start=2)
    for word in (f"{stem}ieme", f"{n}e")}
NOT_NOUNS = {"et", "ou", "les", "des", "par", "pour", "sur", "dans", "avec", "une", "aux", "qui", "que", "selon", "contre",
             "environ", "entre", "dont", "plus", "moins"}
# "hors PSAD" says what "ne relèvent pas de la PSAD" says. "sans" denies only the words right after it ("pratiques
# sans produit comme les jeux vidéo" does not deny the video games): see `clauses`.
NEGATIONS = {"pas", "jamais", "aucun", "aucune", "aucuns", "aucunes", "rien", "non", "ni", "guere", "nullement", "hors"}
PRIVATIVE_WORDS = 2

SPACE = r"[ \u00a0\u202f]"
NUMBER = rf"\d{{1,3}}(?:{SPACE}\d{{3}})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_TEXT = re.compile(rf"\b(?:(\d{{1,2}})(?:er)?{SPACE}+)?({_MONTH_NAMES})\.?(?:{SPACE}+(\d{{4}}))?\b")
DATE_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
AMOUNT = re.compile(rf"({NUMBER}){SPACE}*(milliards?{SPACE}+d['’]euros|millions?{SPACE}+d['’]euros|M€|k€|€|euros?"
                    rf"|millions?{SPACE}*€|milliards?{SPACE}*€)(?!\w)")
PERCENT = re.compile(rf"({NUMBER}){SPACE}*(?:%|pour{SPACE}?cent\b)")
AGE_RANGE = re.compile(rf"\b(?:entre{SPACE}+)?(\d{{1,2}}){SPACE}*(?:-|–|à|a|et){SPACE}*(\d{{1,2}}){SPACE}*ans\b")
AGE_BARE_RANGE = re.compile(r"(?<![\w/.-])(\d{1,2})-(\d{1,2})(?![\w/-])")
YEAR = re.compile(r"(?<![\w,.])((?:19|20)\d{2})(?![\w]|,\d)")
PLAIN_NUMBER = re.compile(rf"(?<![\w,.])({NUMBER})(?:er|re|e|ème)?(?![\w])")
AXIS_NUMBER = re.compile(r"\baxes?\s*(?:n\s*°?\s*|no\s*)?([1-9])\b")
PLAN_AXIS_LABEL = re.compile(r"\s*(?:\*\*)?axe\s*(?:n°\s*)?[1-9]\s*(?:\*\*)?\s*(?:—|–|-|:)", re.I)  # « Axe 2 — Action : … »
AXIS_ORDINAL = re.compile(rf"\b({'|'.join(w for w in ORDINALS if w != 'dernier')})\s+axe\b")


def parse_number(text: str) -> float:
    return float(re.sub(SPACE, "", text).replace(",", "."))


UNITS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
         "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
         "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19}
TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
# « vingt-cinq », « trente et un », « soixante-dix-huit », « quatre-vingt-douze »: one number, not two
COMPOUND = re.compile(r"\b(quatre-vingts?|" + "|".join(TENS) + r")(?:-et-|\s+et\s+|-)("
                      + "|".join(sorted(UNITS, key=len, reverse=True)) + r")\b", re.I)


SPELT = re.compile(r"\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b(?!-)", re.I)
# « cent quartiers », « trois cents jeunes » (not « pour cent »: a percentage)
# (a compound, « deux cent cinquante », is left alone rather than read as two numbers)
HUNDREDS = re.compile(r"(?<!\bpour )\b(?:(deux|trois|quatre|cinq|six|sept|huit|neuf)[\s-]+)?cents?\b(?![\s-]+(?:et|mille|"
                      + "|".join(sorted(UNITS.keys() | TENS.keys(), key=len, reverse=True)) + r")\b|-)", re.I)


# a spelt ordinal (« la troisième édition ») says a number as « 3e » does; not a fraction (« un cinquième »)
SPELT_ORDINAL = re.compile(r"(?<![\w-])(?<!\bun )(?<!\bune )(deux|trois|quatr|cinqu|six|sept|huit|neuv)i[èe]me\b"
                           r"(?!\s+axe)", re.I)  # (an axis's ordinal is read as the axis: `axis_mentions`)
ORDINAL_STEMS = {"deux": 2, "trois": 3, "quatr": 4, "cinqu": 5, "six": 6, "sept": 7, "huit": 8, "neuv": 9}


def words_to_digits(text: str) -> str:
    """"deux heures" -> "2 heures", "vingt-cinq ans" -> "25 ans", "cent quartiers" -> "100 quartiers", so that a
    paraphrase may spell a number out."""
    def compound(match: re.Match) -> str:
        tens = match.group(1).lower()
        return str((80 if tens.startswith("quatre") else TENS[tens]) + UNITS[match.group(2).lower()])

    def repl(match: re.Match) -> str:
        return str(NUMBER_WORDS[match.group(0).lower()])
    text = SPELT_ORDINAL.sub(lambda m: f"{ORDINAL_STEMS[m.group(1).lower()]}e", text)
    text = COMPOUND.sub(compound, text)
    text = HUNDREDS.sub(lambda m: str(100 * (UNITS[m.group(1).lower()] if m.group(1) else 1)), text)
    text = HALF_MILLION.sub(lambda m: "500 000" + (" euros" if m.group(1) else ""), text)
    text = SPELT.sub(repl, text)
    return THOUSANDS.sub(lambda m: f"{int(m.group(1)) * 1000:,}".replace(",", " "), text)


# « huit mille actions » is 8 000, not 8; « un demi-million d'euros » is 500 000 €
THOUSANDS = re.compile(r"\b(\d{1,3})[\s-]+mille\b(?![\s-]+(?:\d|" + "|".join(sorted(UNITS.keys() | TENS.keys(), key=len,
                       reverse=True)) + r"|cent))", re.I)
HALF_MILLION = re.compile(r"\b(?:un\s+)?demi[\s-]million\b(\s+d['’]euros)?", re.I)


# proportions: « la moitié », « un tiers », « trois quarts », « un mineur sur deux » (numbers already in digits)
FRACTION_WORDS = {"moitie": (1, 2), "tiers": (1, 3), "quart": (1, 4), "quarts": (1, 4)}
FRACTION = re.compile(r"\b(?:(?:la|une|d'une)\s+(moitie)|(un|le|l'un|1|2|3)\s+(tiers|quarts?)\b"
                      r"|(un|une|\d+)\s+(?:[\w'-]+\s+){0,6}?sur\s+(\d+)(?!\d|[,.]\d|\s*(?:%|ans|jours|mois|semaines|"
                      r"heures|seances|km|m\b)))")
# « trois dixièmes », « deux cinquièmes » (numbers already in digits): 30 %, 40 %
NTH = {"cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8, "dixieme": 10, "centieme": 100}
FRACTION_NTH = re.compile(r"\b(un|une|\d{1,2})\s+(" + "|".join(NTH) + r")s?\b")
# « plus de huit mille » rounds a large count; « moins de 16 ans », « au moins 25 ans » state a limit, exactly
ROUNDED_COUNT = 100
# a rhythm said by its period (« chaque trimestre ») gives its count in a year (« quatre fois par an »)
PER_YEAR = [(re.compile(r"\btrimestr\w*"), 4.0), (re.compile(r"\bsemestr\w*"), 2.0),
            (re.compile(r"\b(?:chaque mois|par mois|mensuel\w*|tous les mois)\b"), 12.0)]
# a length in years or months gives the other (« programme de deux ans » for « vingt-quatre mois »)
LENGTH = re.compile(r"\b(\d{1,2})\s+(ans|annees|mois)\b")
# « à la fin des années 1990 »: a decade, which any of its years makes true
DECADE = re.compile(r"\bannees\s+((?:19|20)\d0)\b")
# an approximate number: « une vingtaine de jeunes » is about 20, not 100
APPROXIMATE = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
               "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000}
APPROX = re.compile(r"\b(?:une|un|d'une|d'un)\s+(" + "|".join(APPROXIMATE) + r")\b")
APPROX_TOLERANCE = 0.25  # « une vingtaine » covers 15 to 25
# « n'ont pas encore 15 ans » says « ont moins de 15 ans »: a comparison, not a denial
NOT_YET = re.compile(r"\bn['’]\s*(ont|a|avaient|avait|auront|aura)\s+pas\s+encore\s+(?=\d)", re.I)
# « ne peut (pas) dépasser 35 heures » says « au plus 35 heures », as « plafonnée à 35 heures » does
NOT_BEYOND = re.compile(r"\bne\s+(?:peu\w*|doi\w*|devr\w*|pourr\w*)\s+(?:pas\s+)?(?:d[ée]passer|exc[ée]der)\s+(?=\d)", re.I)
NOT_MORE = re.compile(r"\b(?:ne\s+|n['’]\s*)?(\w+)\s+pas\s+(plus|moins)\s+de\s+(?=\d)", re.I)


PARTITIVE = re.compile(r"^\s+(?:des|d['’]entre|parmi les)(?=\s)", re.I)
# a widened proportion: « près de huit sur dix » (to the nearest tenth), « moins d'un quart », « plus de la moitié »
RATIO_ABOUT = re.compile(r"(?:pres d['e]|environ|presque|quasiment|a peu pres)\s*$")
RATIO_BELOW = re.compile(r"(?:moins d['e]|pas plus d['e]|au plus)\s*$")
RATIO_ABOVE = re.compile(r"(?:plus d['e]|au moins|pas moins d['e])\s*$")
RATIO_BAND = 0.1  # at least: « moins d'un quart » stands for 15 to 25 %, not for 3 %; a third of the ratio beyond
AMOUNT_BAND = 0.15  # « un peu plus de 21 000 € » for 21 246,52 €; « près de 2 M€ » within a third of that


def _widened(value: float, before: str) -> tuple[float, float] | None:
    """The values an amount stands for when the words before it widen it (« plus de », « près de », « moins de »)."""
    before = before.replace("’", "'")
    if RATIO_ABOUT.search(before):
        return value * (1 - AMOUNT_BAND / 3), value * (1 + AMOUNT_BAND / 3)
    if RATIO_BELOW.search(before):
        return value * (1 - AMOUNT_BAND), value
    if RATIO_ABOVE.search(before):
        return value, value * (1 + AMOUNT_BAND)
    return None


MULTIPLIER = re.compile(r"\b(\d+(?:[.,]\d+)?)\s+fois\s+(?:plus|moins)\b", re.I)
# years listed one after another (« comme en 2018, 2019, 2021 et 2023 »): so many occasions, a count the passage gives
YEAR_LIST = re.compile(r"(?<![\w,.])(?:19|20)\d{2}(?:\s*,\s*(?:19|20)\d{2})*\s+(?:et|ou)\s+(?:19|20)\d{2}(?![\w]|,\d)")
# a number of years: what a start year and an end year differ by (« lancée en 2020 pour trois ans » ends in 2023);
# not an age (« de 11 à 21 ans », « dès 16 ans », « moins de 15 ans »)
DURATION = re.compile(r"(?<!\bde )(?<!\bd')(?<!\bdès )(?<!\bà )(?<!\ba )\b(\d{1,2})\s+(?:ans|annees|années)\b", re.I)
MULTIPLIER_TOLERANCE = 0.1  # « deux fois plus » for 48,5 % against 24,2 %
# « toutes deux », « tous les trois » count what the sentence names itself, not a number a passage must give
BOTH = re.compile(r"\btou(?:te)?s\s+(?:les\s+)?([234])\b(?!\s*(?:ans|mois|semaines|jours|heures|fois))", re.I)


@lru_cache(maxsize=20_000)
def comparatives(text: str) -> str:
    """`text` with its numbers in digits and its negated comparisons said plainly: « n'ont pas encore 15 ans » →
    « ont moins de 15 ans », « ne dépasse pas plus de 10 » → « … au plus 10 »; the negation checks read this form."""
    text = words_to_digits(text)
    text = NOT_YET.sub(lambda m: f"{m.group(1)} moins de ", text)
    text = NOT_BEYOND.sub("au plus ", text)
    return NOT_MORE.sub(lambda m: f"{m.group(1)} " + ("au plus " if m.group(2).lower() == "plus" else "au moins "), text)


@dataclass
class Details:
    dates: set[tuple[int | None, int, int | None]] = field(default_factory=set)  # (day, month, year)
    years: set[int] = field(default_factory=set)
    amounts: set[float] = field(default_factory=set)
    percents: set[float] = field(default_factory=set)
    ages: set[tuple[int, int]] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)  # numbers that are none of the above ("14 séances")
    counted: set[tuple[float, str, str]] = field(default_factory=set)  # (number, noun key, noun): (4, "axe", "axes")
    bounds: set[tuple[tuple[int | None, int, int | None], str, str]] = field(default_factory=set)  # (date, kind, words)
    scope: dict[str, str] = field(default_factory=dict)  # "all" / "only" -> the words that say it (« toutes les »)
    # a qualifier that hardens or softens a statement: « toujours » / « souvent », « doit » / « peut » (their words)
    absolute: str = ""
    hedge: str = ""
    obliges: str = ""
    permits: str = ""
    pool: set[float] = field(default_factory=set)  # every number written, in whatever form
    decades: set[int] = field(default_factory=set)  # « les années 1990 »
    # number -> the values it stands for, when its words widen it (« plus de huit mille » for 8 300)
    number_ranges: dict[float, tuple[float, float]] = field(default_factory=dict)
    ratios: dict[float, str] = field(default_factory=dict)  # proportion -> its words (« un sur deux », « la moitié »)
    # proportion -> the values it stands for, when its words widen it (« près de huit sur dix », « moins d'un quart »)
    ratio_ranges: dict[float, tuple[float, float]] = field(default_factory=dict)
    multipliers: dict[float, str] = field(default_factory=dict)  # « deux fois plus » -> 2.0 and its words
    durations: set[float] = field(default_factory=set)  # « pour trois ans », « cinq ans avant » -> 3.0, 5.0
    enumerated: dict[float, str] = field(default_factory=dict)  # « en 2018, 2019, 2021 et 2023 » -> 4.0 and its words
    # numbers that count the items the sentence itself lists after them (« trois conditions : avoir 26 ans, être sans
    # emploi et résider en QPV »): the list, not the passage, says how many
    listed_here: set[float] = field(default_factory=set)
    approx: dict[float, str] = field(default_factory=dict)  # approximate number -> its words (« une vingtaine »)
    # amount -> the values it stands for, when its words widen it (« un peu plus de 21 000 € », « près de 2 M€ »)
    amount_ranges: dict[float, tuple[float, float]] = field(default_factory=dict)
    negations: int = 0
    derived: bool = False  # the sentence says it adds or subtracts (« ensemble », « au total », « de moins »)
    axes_numbered: set[str] = field(default_factory=set)
    axes_named: set[str] = field(default_factory=set)

    @property
    def negated(self) -> bool:
        return self.negations > 0

    @property
    def axes(self) -> set[str]:
        return self.axes_numbered | self.axes_named

    @property
    def all_years(self) -> set[int]:
        return self.years | {y for _, _, y in self.dates if y}


# the counted noun and its qualifiers up to the list's opening (« catégories d'acteurs, », « tâches qui … : »)
LIST_OPENING = re.compile(r"[^:,;.()\d]{0,60}?\s*[:,(]\s*")
LIST_END = re.compile(r"[.!?)]|\s(?:car|parce que|afin|mais|donc)\s")
LAST_ITEM = re.compile(r"^(?:et|ou)\s|\s(?:et|ou)\s")
MAX_LISTED = 12


def _lists_as_many(after: str, count: float) -> bool:
    """Whether the text after a number lists that many items: « , A, B et C » or « : A ; B ; C »."""
    if not count.is_integer() or not 2 <= count <= MAX_LISTED:
        return False
    opening = LIST_OPENING.match(after)
    if not opening:
        return False
    rest = after[opening.end():]
    end = LIST_END.search(rest)
    rest = rest[:end.start()] if end else rest
    if ";" in rest:
        return len([item for item in rest.split(";") if item.strip()]) == count
    items = 0
    for part in re.split(r"\s*,\s*", rest.strip()):
        if re.match(r"(?:et|ou)\s", part):  # « …, et C »: the last item
            items += 1
            break
        if LAST_ITEM.search(part):  # « B et C »: the last two
            items += 2
            break
        items += 1
    else:
        return False  # no « et » / « ou » closes it: not a list of items
    return items == count


def _counted_nouns(after: str) -> list[tuple[str, str]]:
    """(key, word) of the words a number may count: the next word, or the one after it ("4 grands axes")."""
    from .structure import noun_key

    after = PARTITIVE.sub(" ", after, count=1)  # « deux des axes » counts axes
    words = re.match(r"\s+([^\W\d_]{3,})(?:\s+([^\W\d_]{3,}))?", after)
    if not words or _fold(words.group(1)) in NOT_NOUNS:
        return []
    return [(noun_key(w), w) for w in words.groups() if w and _fold(w) not in NOT_NOUNS]


# the words before a date that make it a limit: « avant le », « jusqu'au » (the day itself included), « après le »
BOUND = re.compile(r"(avant|jusqu'(?:au|a la|a)|au plus tard|d'ici|apres|a partir|des|a compter|depuis)"
                   r"(?:\s+(?:du|le|la|l'|au))?\s*$")
BOUND_KINDS = {"avant": "before", "jusqu": "until", "au plus tard": "until", "d'ici": "until"}


def _bound(before: str) -> tuple[str, str] | None:
    """(kind, words) of the limit a date is, from the text before it: before, until (included) or after."""
    match = BOUND.search(fold_keeping_offsets(before[-30:]))
    if not match:
        return None
    word = match.group(1)
    kind = next((k for prefix, k in BOUND_KINDS.items() if word.startswith(prefix)), "after")
    return kind, before[-30:][match.start():].strip()


# words that widen a statement to every case, or narrow it to one: a scope the passage must give too
# (read on `_fold`ed text: apostrophes and hyphens are spaces there)
SCOPE = {"all": re.compile(r"\b(toutes les|tous les|l ensemble des|la totalite d(?:es|u)|n importe quel\w*|sans exception|"
                          r"systematiquement|(?:sont|ont|etaient|seront|doivent|peuvent) (?:toutes|tous)(?! (?:deux|trois|\d)))\b"),
         # « pas seulement », « non seulement » deny the restriction (« ne … que » is too often a plain paraphrase:
         # « il ne débute qu'à 16 ans » for « il commence à 16 ans »)
         "only": re.compile(r"\b((?<!pas )(?<!non )(?:uniquement|seulement|exclusivement)|(?<!un )(?<!une )seul(?:e|s|es)?|"
                            r"reserve(?:e|s|es)? aux?|(?:circonscrit|restreint)(?:e|s|es)? aux?|"
                            r"suffi(?:t|sent|ra|raient|rait))\b")}


# how a passage gives a scope: « chacun des axes » says « tous les axes », « ne traitent que » says « uniquement »
SCOPE_SOURCE = {"all": re.compile(SCOPE["all"].pattern[:-3] + r"|chaque|chacune?|tou(?:te)?s|ensemble des|toujours)\b"),
                "only": re.compile(SCOPE["only"].pattern[:-3] + r"|\bne? (?:\w+ ){1,3}qu(?:e)?)\b")}

# a statement hardened (« les jeunes sont toujours embauchés … ») where the passage hedges it (« souvent »), or an
# obligation (« chaque spectateur doit monter sur scène ») where the passage allows (« peut »); read on `_fold`ed text
ABSOLUTE = re.compile(r"\b(toujours|forcement|necessairement|invariablement|dans tous les cas|a chaque fois|"
                      r"immanquablement)\b")  # (« systématiquement », « sans exception »: SCOPE's « all »)
HEDGE = re.compile(r"\b(souvent|generalement|en general|en regle generale|parfois|frequemment|la plupart|"
                   r"majoritairement|plutot|de preference|en principe|le cas echeant|eventuellement|dans certains cas)\b")
OBLIGES = re.compile(r"\b(doi(?:t|vent|vra|vront)|(?:il )?faut|est tenue?|sont tenue?s)\b")
PERMITS = re.compile(r"\b(peu(?:t|vent)|pourr(?:a|ont|ait|aient)|possibilite|facultati\w*|libre de)\b")


# an obligation a sentence states in so many words, and the words by which a passage makes one: « doit
# obligatoirement » needs a passage that obliges (« doit », « au moins », « exigé »…), not one that only allows
MUST_CLAIM = re.compile(r"\b(obligatoire(?:s|ment)?|imperativement|(?:est|sont) tenue?s? d)")
NEGATED_BEFORE = re.compile(r"\b(?:n|ne|pas|aucune?|non|ni|hors|sans)\b[^,;.]*$")
MUST_SOURCE = re.compile(r"\b(doi(?:t|vent)|devr(?:a|ont|ait|aient)|obligatoire\w*|imperati\w*|exige\w*|requis\w*|"
                         r"necessaire\w*|indispensable\w*|faut|tenue?s? d|au moins|au minimum|impos\w*|condition\w*)")


# a figure the sentence computes from the passage's: a sum (« ensemble », « au total », « en additionnant ») or a
# difference (« deux séances de moins », « d'écart »)
DERIVED = re.compile(r"\b(ensemble|au total|en tout|additionn\w*|cumul\w*|de moins|de plus|d ecart|difference|"
                     r"(?:baiss|augment|diminu|recul|progress)\w* de)\b")


# « ne peut s'engager », « ne saurait suffire » : the written negation without « pas » (not « ne peut que », a
# restriction; « ne peut dépasser 35 heures » is a bound: `comparatives`)
BARE_NE = re.compile(r"\bne (?:peu\w*|pourr\w*|saur\w*|os\w*) (?!(?:pas|plus|jamais|rien|aucune?s?|que|qu|guere|"
                     r"nullement|point|personne)\b)")

RESTRICTED = re.compile(r"(?:\S+\s+){0,5}?que?\b")
# a verb that denies what follows as « pas de » does (« exclura toute intervention fondée sur la peur »)
EXCLUDING = re.compile(r"\b(?:exclu(?:re|ra|ront|t|ent|ait|aient|ons|ez)|proscri(?:re|ra|t|vent)|bannir|bannira)\b")


def _count_negations(folded: str) -> int:
    folded = re.sub(r"\bnon seulement\b", " ", folded)
    words = folded.split()
    # « ne peut accompagner un enfant qu'avec l'accord … » restricts (« ne … que »), it denies nothing
    bare = [m for m in BARE_NE.finditer(folded) if not RESTRICTED.match(folded, m.end())]
    count = sum(1 for w in words if w in NEGATIONS) + len(bare) + len(EXCLUDING.findall(folded))
    if "plus" in words and ("ne" in words or "n" in words):
        count += 1
    return count


def extract_details(text: str, criteria: CallCriteria | None = None, claim: bool = False) -> Details:
    """Every detail of `text`; a `claim` refers to axes only when it says "axe"."""
    d = Details()
    text = comparatives(text.replace("’", "'"))
    folded_text = _fold(text)
    spans: list[tuple[int, int]] = []

    def taken(match: re.Match) -> bool:
        return any(start <= match.start() < end for start, end in spans)

    def add_date(date: tuple[int | None, int, int | None], match: re.Match) -> None:
        d.dates.add(date)
        spans.append(match.span())
        bound = _bound(text[:match.start()])
        if bound:
            d.bounds.add((date, *bound))

    for match in DATE_ISO.finditer(text):
        add_date((int(match.group(3)), int(match.group(2)), int(match.group(1))), match)
    for match in DATE_NUMERIC.finditer(text):
        add_date((int(match.group(1)), int(match.group(2)), int(match.group(3))), match)
    for match in DATE_TEXT.finditer(fold_keeping_offsets(text)):
        day, month, year = match.group(1), MONTHS[match.group(2)], match.group(3)
        if not day and not year:
            continue  # "mai", "mars" alone are too ambiguous to be dates
        add_date((int(day) if day else None, month, int(year) if year else None), match)
    for match in AMOUNT.finditer(text):
        value = parse_number(match.group(1))
        unit = match.group(2).lower()
        value *= 1e9 if "milliard" in unit else 1e6 if ("million" in unit or unit == "m€") else 1e3 if unit == "k€" else 1
        d.amounts.add(round(value, 2))
        spans.append(match.span())
        widened = _widened(round(value, 2), fold_keeping_offsets(text[max(0, match.start() - 20):match.start()]))
        if widened:
            d.amount_ranges[round(value, 2)] = widened
    for match in PERCENT.finditer(text):
        d.percents.add(parse_number(match.group(1)))
        spans.append(match.span())
    for match in AGE_RANGE.finditer(text):
        d.ages.add((int(match.group(1)), int(match.group(2))))
        spans.append(match.span())
    for match in AGE_BARE_RANGE.finditer(text):
        if not taken(match) and int(match.group(1)) < int(match.group(2)) <= 30:
            d.ages.add((int(match.group(1)), int(match.group(2))))
            spans.append(match.span())
    folded_same = fold_keeping_offsets(text)
    for match in FRACTION_NTH.finditer(folded_same):
        top = 1 if match.group(1) in ("un", "une") else int(match.group(1))
        d.ratios.setdefault(round(top / NTH[match.group(2)], 4), text[match.start():match.end()])
        spans.append(match.span())
    for match in DECADE.finditer(folded_same):
        d.decades.add(int(match.group(1)))
        spans.append(match.span(1))
    for match in FRACTION.finditer(folded_same):
        if match.group(1):
            ratio, words = 0.5, match.group(0)
        elif match.group(3):
            count = {"un": 1, "le": 1, "l'un": 1}.get(match.group(2), None) or int(match.group(2))
            ratio, words = count / FRACTION_WORDS[match.group(3)][1], match.group(0)
        else:
            top, bottom = match.group(4), int(match.group(5))
            top = 1 if top in ("un", "une") else int(top)
            if not 0 < top <= bottom:
                continue
            ratio, words = top / bottom, match.group(0)
        d.ratios.setdefault(round(ratio, 4), text[match.start():match.end()])
        before = folded_same[max(0, match.start() - 20):match.start()].replace("’", "'")
        bottom = int(match.group(5)) if match.group(5) else 2 if match.group(1) else FRACTION_WORDS[match.group(3)][1]
        if RATIO_ABOUT.search(before):
            spread = min(0.05, 0.5 / max(bottom, 1))
            d.ratio_ranges[round(ratio, 4)] = (ratio - spread, ratio + spread)
        elif RATIO_BELOW.search(before):
            d.ratio_ranges[round(ratio, 4)] = (ratio - max(RATIO_BAND, ratio / 3), ratio)
        elif RATIO_ABOVE.search(before):  # « plus de la moitié » for 5 sur 8: up to where « deux tiers » would be said
            d.ratio_ranges[round(ratio, 4)] = (ratio, ratio + max(RATIO_BAND, ratio / 3))
        if claim:  # its numbers are the proportion's, not counts a passage must give one by one
            spans.append(match.span())
    for match in APPROX.finditer(folded_same):
        d.approx.setdefault(float(APPROXIMATE[match.group(1)]), text[match.start():match.end()])
    spans += [m.span(1) for m in BOTH.finditer(text)]
    for match in MULTIPLIER.finditer(text):
        d.multipliers.setdefault(parse_number(match.group(1)), match.group(0))
        spans.append(match.span(1))
    for match in YEAR_LIST.finditer(text):
        d.enumerated.setdefault(float(len(YEAR.findall(match.group(0)))), match.group(0))
    d.durations = {float(m.group(1)) for m in DURATION.finditer(text) if not taken(m)}
    for match in YEAR.finditer(text):
        if not taken(match):
            d.years.add(int(match.group(1)))
            spans.append(match.span())
    label = PLAN_AXIS_LABEL.match(text)
    if label:  # a plan's line, « Axe 3 — Action : … », names an axis and counts nothing
        spans.append(label.span())
    for match in PLAIN_NUMBER.finditer(text):
        value = parse_number(match.group(1))
        d.pool.add(value)
        d.counted |= {(value, key, word) for key, word in _counted_nouns(text[match.end():])}
        if claim and _lists_as_many(text[match.end():], value):
            d.listed_here.add(value)
        if not taken(match):
            d.numbers.add(value)
            widened = _widened(value, fold_keeping_offsets(text[max(0, match.start() - 20):match.start()]))
            if widened and claim and value >= ROUNDED_COUNT:
                d.number_ranges[value] = widened
    if not claim:  # what the passage's words give besides its figures
        d.numbers |= {count for pattern, count in PER_YEAR if pattern.search(folded_same)}
        for match in LENGTH.finditer(folded_same):
            if taken(match):  # « 11-18 ans » is an age range, not a length
                continue
            n = int(match.group(1))
            d.numbers.add(float(n * 12) if match.group(2) != "mois" else n / 12 if n % 12 == 0 else float(n))
    d.pool |= d.amounts | {y for _, _, y in d.dates if y} | {day for day, _, _ in d.dates if day}
    d.negations = _count_negations(folded_text)
    d.derived = bool(DERIVED.search(folded_text))
    for kind, pattern in (SCOPE if claim else SCOPE_SOURCE).items():
        found = pattern.search(folded_text.replace("’", "'"))
        if found:
            d.scope[kind] = found.group(1)
    for name, pattern in (("absolute", ABSOLUTE), ("hedge", HEDGE), ("obliges", OBLIGES), ("permits", PERMITS)):
        found = pattern.search(folded_text)
        if found and not NEGATED_BEFORE.search(folded_text[max(0, found.start() - 12):found.start()]):
            setattr(d, name, found.group(1))
    found = (MUST_CLAIM if claim else MUST_SOURCE).search(folded_text.replace("’", "'"))
    if found and claim and NEGATED_BEFORE.search(folded_text[max(0, found.start() - 40):found.start()]):
        found = None  # « même lorsqu'aucune ESSP n'est obligatoire » makes nothing an obligation
    if found:
        d.scope["must"] = found.group(1)
    if criteria is not None:
        d.axes_numbered, d.axes_named = axis_mentions(folded_text, criteria, require_word=claim, written=text)
    return d


def axis_phrases(criteria: CallCriteria) -> dict[str, tuple[str, ...]]:
    """Folded phrases naming each axis, taken from the call's own wording (criteria.yaml)."""
    return _axis_phrases(tuple((a.id, a.short, a.label) for a in criteria.axes))


@lru_cache(maxsize=16)
def _axis_phrases(axes: tuple[tuple[str, str, str], ...]) -> dict[str, tuple[str, ...]]:
    phrases: dict[str, tuple[str, ...]] = {}
    for axis_id, short, label in axes:
        found = {axis_id}
        for source in (short, label):
            head = source.split(":")[0]
            for part in re.split(r",| et |:", head):
                words = _fold(part).split()
                if len([w for w in words if len(w) > 3]) >= 2:
                    found.add(" ".join(words))
            found.add(_fold(head))
        phrases[axis_id] = tuple(sorted(found, key=len, reverse=True))
    return phrases


def axis_mentions(folded: str, criteria: CallCriteria, require_word: bool = False,
                  written: str | None = None) -> tuple[set[str], set[str]]:
    """(axes referred to by number, axes referred to by their wording or name).

    With `require_word`, only a text that speaks of an "axe" refers to axes (a claim may say "protéger les plus
    jeunes" without meaning the axis). Numbers are read on the `written` text when given, its punctuation kept:
    « 1 action / axe ; 4 axes » names no axis 4.
    """
    ids = criteria.axis_ids
    if require_word and not re.search(r"\baxes?\b", folded):
        return set(), set()
    numbers = AXIS_NUMBER.findall(fold_keeping_offsets(written) if written is not None else folded)
    numbered = {ids[int(n) - 1] for n in numbers if 1 <= int(n) <= len(ids)}
    for word in AXIS_ORDINAL.findall(folded):
        n = ORDINALS[word]
        if 1 <= n <= len(ids):
            numbered.add(ids[n - 1])
    named = set()
    padded = f" {folded} "
    for axis_id, phrases in axis_phrases(criteria).items():
        if any(f" {p} " in padded for p in phrases):
            named.add(axis_id)
    return numbered, named


def analyse_words(text: str) -> list[str]:
    from ..text_fr import analyse

    return analyse(text)


# words that deny what follows them: « sans produit », « plutôt qu'une séance de plus », « au lieu de punir »
PRIVATIVE = re.compile(r"\bsans\b|\bplut[oô]t qu(?:e\b|['’])|\bau lieu d(?:e\b|['’])|\b(?:absence|faute) d(?:e\b|['’])",
                       re.I)
# « sans l'accord des parents, pas de parcours » states a condition (the accord is needed), not two denials
CONDITION = re.compile(r"\bsans\b", re.I)
STRONG_BREAK = re.compile(r"[;:!?]|\.(?!\d)")
CLAUSE_BREAK = re.compile(r"[;:()\[\]—–,«»!?]|\.(?!\d)|\s+mais\s+|\s+alors que\s+")


@lru_cache(maxsize=20_000)
def clauses(text: str) -> tuple[tuple[frozenset[str], bool], ...]:
    """(content words, negated) of each clause of `text`; words are stemmed as for lexical search. Cached: a
    passage's sentences meet many claims."""
    from ..text_fr import analyse

    out = []
    negation_terms = set(analyse(" ".join(NEGATIONS)))

    def add(words: list[str], negated: bool) -> None:
        terms = frozenset(words) - negation_terms
        if terms:
            out.append((terms, negated))

    for segment in STRONG_BREAK.split(text):
        parts = [PRIVATIVE.split(part) for part in CLAUSE_BREAK.split(segment)]
        # a denial outside the « sans » phrase itself (« sans X ni Y », « sans aucun X » deny X only)
        condition = bool(CONDITION.search(segment)) and any(_count_negations(_fold(head)) > 0 for head, *_ in parts)
        for head, *privatives in parts:
            add(analyse(head), not condition and _count_negations(_fold(head)) > 0)
            for piece in privatives:
                words = [w for w in analyse(piece) if w not in negation_terms]
                add(words[:PRIVATIVE_WORDS], not condition)
                add(words[PRIVATIVE_WORDS:], not condition and _count_negations(_fold(piece)) > 0)
    return tuple(out)


def negation_conflict(claim: str, unit: str) -> str | None:
    """"added" / "removed" when the claim and the unit say the same thing with opposite polarity.

    Compared clause by clause: a negated clause of the unit that the claim restates ("ne sont pas exclusifs" /
    "sont exclusifs") must be negated in the claim, and a negated clause of the claim must meet a negated clause of
    the unit; negations elsewhere in the unit ("(montant non vérifié)") do not count. A contradiction needs evidence:
    a negated clause of the unit restated by two words at least, a negated clause of the claim that the unit affirms.
    """
    claim_clauses, unit_clauses = clauses(comparatives(claim)), clauses(comparatives(unit))
    claim_terms = set().union(*(t for t, _ in claim_clauses)) if claim_clauses else set()
    def meets(a: set[str], b: set[str]) -> bool:
        return len(a & b) >= min(2, len(a), len(b))

    for terms, negated in unit_clauses:  # a denied single word (« sans activité ») is too thin to be restated
        restated = len(terms & claim_terms)
        if negated and len(terms) >= 2 and restated >= max(2, 0.4 * len(terms)):
            if not any(n and meets(terms, t) for t, n in claim_clauses) and not _widening(terms, claim):
                return "removed"
    # what the passage affirms: a denial the passage makes too (« sans aucun passé judiciaire ») is not contradicted
    affirmed = set().union(*(t for t, n in unit_clauses if not n)) if unit_clauses else set()
    for terms, negated in claim_clauses:
        if negated and len(terms & affirmed) >= min(2, len(terms)):
            if not any(n and meets(terms, t) for t, n in unit_clauses) and not _widening(terms, unit):
                return "added"
    return None


# « ne sont pas exclusifs d'autres mesures » says « d'autres mesures peuvent s'y ajouter »: a denied restriction is
# an addition, so a sentence may say it either way
RESTRICTION_TERMS = frozenset(analyse_words("exclusif exclusifs exclusive exclusivement seul seule seuls seulement "
                                            "uniquement limite limitent limiter exhaustif exhaustive"))
# (read on `_fold`ed text: apostrophes and hyphens are spaces there)
ADDITION = re.compile(r"\b(en plus|aussi|egalement|s y ajout\w*|s ajout\w*|en complement|au dela|par ailleurs)\b")


def _widening(negated_terms: frozenset[str], other: str) -> bool:
    """Is a negated clause a denied restriction (« pas exclusifs ») that the other text says as an addition?"""
    return bool(negated_terms & RESTRICTION_TERMS) and bool(ADDITION.search(_fold(other)))
