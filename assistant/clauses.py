"""The propositions of a long sentence, for the grounding checker to compare a short sentence with.

A reviewer who restates one part of a long source sentence (« les élus locaux sont en première ligne face aux
attentes de sécurité ») writes something whose meaning is much narrower than the whole sentence's: compared with it,
the two stay apart however faithful the restatement. Compared with the sentence's own parts, they meet. The parts are
cut at what separates propositions in French: « ; », « : », dashes, a comma before a relative
pronoun (« , qui », « , dont », « , où ») or a coordinating word (« , et », « , mais », « , car »), and « mais »
between two spans long enough to be clauses. Each piece and the sentence without its asides (relative clauses and
parentheses between commas) are the units. (Two neighbouring pieces, and a relative clause with its antecedent, were
tried too: on the five read sets of `aap eval grounding` they changed no verdict, for a quarter more sentences to embed
at ingestion.)

Cutting is linear in the sentence's length and bounded (`MAX_UNITS` per sentence). The units are embedded once, at
ingestion, with the base's sentences (`sentence_vectors.indexed_sentences`); the checker reads every detail (numbers,
dates, actors, negation, scope) in the whole sentence, never in a part alone.

>>> for unit in long_clauses("Les élus locaux, qui sont en première ligne face aux attentes de sécurité des "
...                          "habitants, disposent d'outils de prévention ; encore faut-il que les acteurs se coordonnent."):
...     print(unit)
Les élus locaux, qui sont en première ligne face aux attentes de sécurité des habitants, disposent d'outils de prévention
encore faut-il que les acteurs se coordonnent.
Les élus locaux disposent d'outils de prévention ; encore faut-il que les acteurs se coordonnent.
"""

from __future__ import annotations

import re

MIN_SENTENCE_WORDS = 16  # a shorter sentence is compared whole
MIN_PIECE_WORDS = 4  # a shorter piece is joined to its neighbour
MAX_UNITS = 8  # units per sentence, at most

# Where a proposition ends: a semicolon or colon, a dash (a parenthesis is an aside: see ASIDE)…
STRONG = re.compile(r"\s*(?:;|:(?!\d)|\s[—–-]\s)\s*")
# …a comma before a relative pronoun or a word that opens another proposition…
COMMA = re.compile(r",\s+(?=(?:qui|que|qu['’]|dont|où|lesquels?|lesquelles?|laquelle|auxquel\w*|et|ou|mais|car|puis|"
                   r"donc|ainsi que|tandis que|alors que|afin de|afin qu['’]|pour|notamment|en particulier|"
                   r"y compris|c['’]est-à-dire|soit)\b)", re.I)
# …« mais » alone, when both sides are long enough to be propositions (see `_pieces`); « et », « ou » without a comma
# join the items of one proposition more often than two propositions (« cite la police nationale et la gendarmerie »)
CONJUNCTION = re.compile(r"\s+mais\s+", re.I)
# an aside the main proposition can do without: a relative clause or an example between commas, a parenthesis
ASIDE = re.compile(r",\s+(?:qui|dont|où|lesquels?|lesquelles?|laquelle|notamment|en particulier|y compris)\b[^,;:()]*"
                   r"(?:,|(?=[;:.]|$))|\s*\([^()]*\)", re.I)
# a detached phrase after a comma: a participle (« spéculant sur… »), a phrase of circumstance or manner (« parfois sans
# aucun passé judiciaire », « en première ligne face à… »), which says something of the noun before the comma
DETACHED = re.compile(r",\s+(?=(?:parfois|souvent|surtout|déjà|désormais|toujours|sans|en|avec|dans|depuis|selon|grâce|"
                      r"face|sous|faute|[^\W\d_]{3,}ant)\b)", re.I)
# the noun a detached phrase says something of: the last few words before the comma, from a determiner on
DETERMINER = re.compile(r"\b(?:les|le|la|l['’]|ces|ce|cette|cet|leurs?|ses|son|sa|des|du|une?)(?:\s+|(?<=['’]))", re.I)
MAX_ANTECEDENT_WORDS = 8
WORD = re.compile(r"\w+")

Span = tuple[int, int]


def _words(text: str) -> int:
    return len(WORD.findall(text))


def _cut(text: str, span: Span, pattern: re.Pattern) -> list[Span]:
    """`span` of `text` cut at `pattern`; a piece too short to be a proposition joins the next one (the last, the
    previous one)."""
    start, end = span
    spans, at = [], start
    for match in pattern.finditer(text, start, end):
        spans.append((at, match.start()))
        at = match.end()
    spans.append((at, end))
    out: list[Span] = []
    for i, (a, b) in enumerate(spans):
        if out and _words(text[out[-1][0]:out[-1][1]]) < MIN_PIECE_WORDS:
            out[-1] = (out[-1][0], b)  # the short piece before takes this one
        elif out and i == len(spans) - 1 and _words(text[a:b]) < MIN_PIECE_WORDS:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _pieces(sentence: str) -> list[Span]:
    """The sentence cut into propositions, each of `MIN_PIECE_WORDS` words or more, in order."""
    out: list[Span] = []
    for part in _cut(sentence, (0, len(sentence)), STRONG):
        for piece in _cut(sentence, part, COMMA):
            halves = _cut(sentence, piece, CONJUNCTION)
            out += halves if all(_words(sentence[a:b]) >= MIN_PIECE_WORDS for a, b in halves) else [piece]
    return out


def _detached(sentence: str) -> list[str]:
    """Each detached phrase with the noun it says something of (« les élus locaux, en première ligne face à la
    demande de sécurité »), then the sentence without its detached phrases (« Ces jeunes sont attirés par
    l'argent »)."""
    out, spans = [], []
    for match in DETACHED.finditer(sentence):
        if len(spans) == MAX_UNITS:
            break
        end = min((i for i in (sentence.find(c, match.end()) for c in ",;:(") if i >= 0), default=len(sentence))
        spans.append((match.start(), end + 1 if sentence[end:end + 1] == "," else end))
        before = sentence[max(0, match.start() - 80):match.start()]  # a few words: bounded, however long the sentence
        starts = [m.start() for m in DETERMINER.finditer(before) if not re.search(r"[,;:()]", before[m.start():])]
        if starts and 2 <= _words(before[starts[-1]:]) <= MAX_ANTECEDENT_WORDS:
            out.append(f"{before[starts[-1]:]}, {sentence[match.end():end]}")
    if spans:
        kept, at = [], 0
        for a, b in spans:
            kept.append(sentence[at:a] + " ")
            at = b
        kept.append(sentence[at:])
        out.append(" ".join("".join(kept).split()).replace(" .", "."))
    return out


def long_clauses(sentence: str) -> list[str]:
    """The units to compare with a short sentence, for a long `sentence` (none for a short one): its propositions,
    the sentence without its asides, each detached phrase with its noun and the sentence without them
    (`_detached`); none is the sentence itself."""
    if _words(sentence) < MIN_SENTENCE_WORDS:
        return []
    pieces = _pieces(sentence)
    units = [sentence[a:b] for a, b in pieces] if len(pieces) > 1 else []
    main = " ".join(ASIDE.sub("", sentence).split())
    if main != sentence:
        units.append(main)
    units += _detached(sentence)
    seen = {sentence.strip()}
    out = []
    for unit in (u.strip(" ,;:—–-()") for u in units):
        if unit not in seen and _words(unit) >= MIN_PIECE_WORDS:
            seen.add(unit)
            out.append(unit)
    return out[:MAX_UNITS]
