"""Where a passage of the call puts what a sentence puts in an axis.

The call lists its axes (« chacun des axes suivants : - concevoir un projet … : services prévention, CAF, … ;
- protéger les plus jeunes : créer un environnement protecteur … »). A sentence may list the axes (« lutter contre
l'attractivité des réseaux criminels et proposer des alternatives font partie des axes »), say what one holds (« la
CAF figure parmi les acteurs que le premier axe invite à mobiliser ») or put something in the wrong one (« créer un
environnement protecteur relève de l'axe « lutter contre l'attractivité… » »). The passage is cut where it names
each axis; each of the sentence's words that the passage places is looked for under the axes the sentence names.

>>> placement = axis_placement(claim_terms, {"attractivite"}, unit_text, criteria)      # doctest: +SKIP
>>> placement.misplaced                                                                  # doctest: +SKIP
{'environ': {'protection'}, ...}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..criteria import CallCriteria
from ..text_fr import analyse, fold_keeping_offsets
from .details import axis_phrases

# the words of a sentence that say how a thing belongs to an axis, not what it is
FRAME_WORDS = ("axe axes intervention interventions appel partie font fait figure figurent parmi relève relèvent "
               "premier première second seconde deuxième troisième quatrième dernier invite invitent compte comptent "
               "comprend comprennent prévoit prévoient")
FRAME = frozenset(analyse(FRAME_WORDS))
MIN_PLACED_SHARE = 0.6  # of the sentence's own words, found under the axes it names (or in the list's lead-in)


@dataclass(frozen=True)
class Placement:
    misplaced: dict[str, frozenset[str]]  # a word of the sentence -> the axes under which the passage puts it
    placed_share: float  # share of the sentence's own words that the passage gives under its axes or lead-in


@lru_cache(maxsize=8)
def _patterns(axes: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[re.Pattern, str]]:
    """A pattern for each phrase of two words or more naming an axis (one word, « protection », is too loose to cut
    a passage by), longest first."""
    out = []
    for axis_id, phrases in axes:
        for phrase in phrases:
            words = phrase.split()
            if len(words) >= 2:
                out.append((len(phrase), re.compile(r"\b" + r"[\W_]+".join(map(re.escape, words)) + r"\b"), axis_id))
    return [(pattern, axis_id) for _, pattern, axis_id in sorted(out, key=lambda x: -x[0])]


def axis_segments(text: str, criteria: CallCriteria) -> list[tuple[str | None, str]]:
    """(axis, text) from each mention of an axis by its wording to the next; (None, text) before the first."""
    folded = fold_keeping_offsets(text.replace("’", "'"))
    hits: list[tuple[int, int, str]] = []
    for pattern, axis_id in _patterns(tuple(axis_phrases(criteria).items())):
        for match in pattern.finditer(folded):
            if not any(s < match.end() and match.start() < e for s, e, _ in hits):
                hits.append((match.start(), match.end(), axis_id))
    hits.sort()
    if not hits:
        return [(None, text)]
    out: list[tuple[str | None, str]] = [(None, text[:hits[0][0]])]
    for (start, _, axis_id), following in zip(hits, hits[1:] + [(len(text), 0, "")]):
        out.append((axis_id, text[start:following[0]]))
    return out


def axis_placement(claim_terms: set[str], claim_axes: set[str], unit_text: str, criteria: CallCriteria
                   ) -> Placement | None:
    """None when the passage names no axis by its wording; else where it puts the sentence's own words (its terms
    but those of the axes it names and of `FRAME`)."""
    segments = axis_segments(unit_text, criteria)
    if len(segments) < 2:
        return None
    under: dict[str, set[str]] = {}
    lead: set[str] = set()
    for axis_id, text in segments:
        for term in analyse(text):
            if axis_id is None:
                lead.add(term)
            else:
                under.setdefault(term, set()).add(axis_id)
    named = set(analyse(" ".join(f"{a.label} {a.short}" for a in criteria.axes if a.id in claim_axes)))
    own = claim_terms - named - FRAME
    if not own:
        return Placement({}, 1.0)
    misplaced = {t: frozenset(under[t]) for t in sorted(own)
                 if t in under and not under[t] & claim_axes and t not in lead}
    placed = sum(1 for t in own if t in lead or under.get(t, set()) & claim_axes)
    return Placement(misplaced, placed / len(own))
