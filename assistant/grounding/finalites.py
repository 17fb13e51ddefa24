"""Does a sentence put under one of the call's finalités what the call puts under another?

The call words each finalité (criteria.yaml): « prévenir l'entrée dans les réseaux … en soutenant les parents … »,
« lutter contre l'image positive des réseaux … ». A sentence that says « soutenir les parents relève de la finalité
« lutter contre l'image positive des réseaux » » names one finalité (the words after « finalité ») and a subject (the
words before it); when two words of the subject or more belong to the wording of one other finalité alone, and not to
the one named, the call says otherwise — whatever passage the sentence is compared with.

>>> finalite_mismatch("Soutenir les parents relève de la finalité « lutter contre l'image positive des réseaux ».",
...                   criteria)                                                                   # doctest: +SKIP
"la phrase rattache ceci à la finalité « lutter contre l'image positive … » ; l'appel le range sous la finalité « prévenir l'entrée … »"
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..criteria import CallCriteria
from ..text_fr import analyse, fold
from .axis_lists import FRAME

FINALITE_WORD = re.compile(r"\bfinalites?\b")
MIN_NAMING_WORDS = 2  # words of a finalité's wording after « finalité » that name it
MIN_MISPLACED_WORDS = 2  # words of the subject that the call gives to another finalité alone


@lru_cache(maxsize=8)
def _wordings(finalites: tuple[tuple[str, str], ...]) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(all the words of each finalité's wording, the words that belong to its wording alone)."""
    words = {fid: frozenset(analyse(label)) for fid, label in finalites}
    shared = Counter(w for ws in words.values() for w in ws)
    return words, {fid: frozenset(w for w in ws if shared[w] == 1) for fid, ws in words.items()}


def finalite_mismatch(claim: str, criteria: CallCriteria) -> str | None:
    folded = fold(claim)
    found = FINALITE_WORD.search(folded)
    if not found or not criteria.finalites:
        return None
    labels = {f.id: f.label for f in criteria.finalites}
    words, own = _wordings(tuple(labels.items()))
    named_terms = set(analyse(folded[found.end():]))
    overlap = {fid: len(named_terms & ws) for fid, ws in words.items()}
    named = max(overlap, key=overlap.get)
    if overlap[named] < MIN_NAMING_WORDS or list(overlap.values()).count(overlap[named]) > 1:
        return None  # no finalité, or no single one, is named
    subject = set(analyse(folded[:found.start()])) - FRAME - words[named]
    for other, alone in own.items():
        misplaced = sorted(subject & alone)
        if other != named and len(misplaced) >= MIN_MISPLACED_WORDS:
            return (f"la phrase rattache ceci à la finalité « {_short(labels[named])} » ; l'appel le range sous la "
                    f"finalité « {_short(labels[other])} »")
    return None


def _short(label: str) -> str:
    head = label.split(",")[0]
    return head if len(head.split()) <= 12 else " ".join(head.split()[:12]) + "…"
