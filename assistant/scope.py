"""Is a question within what the knowledge covers? Three signals, calibrated on the development sets
(tests/eval/questions.yaml and heldout.yaml) and reported on an unseen one (tests/eval/fresh.yaml):

- meaning: how much closer the question is to a covered subject than to a municipal domain the base does not treat
  (embeddings; knowledge/scope.yaml lists both);
- words: how strongly BM25 finds the question's words in the base;
- unknown words: the share of the question's informative words (rare in general French, per `wordfreq`) that
  appear nowhere in the base — "BAFA", "columbarium" or "DSIL" say a question is elsewhere. Documents a user adds
  enrich that vocabulary, so questions about them stop looking unknown.

And the user's own documents are covered subjects too: a question closer to a passage of one of them than to any
uncovered domain is in scope ("Combien de licenciés compte le club de boxe ?" after adding the local diagnostic).
The anchors alone cannot know what a town hall uploaded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .criteria import CallCriteria
from .embeddings import NamedEmbeddings
from .loaders import load_practices
from .text_fr import STOP_WORDS, TOKEN, analyse

# Calibrated with `aap eval retrieval` (docs/benchmarks.md):
# score = margin + LEXICAL_WEIGHT * min(bm25, 10) / 10 - UNKNOWN_WEIGHT * unknown share; in scope when >= THRESHOLD.
LEXICAL_WEIGHT = 0.03
UNKNOWN_WEIGHT = 0.03
THRESHOLD = 0.017
COMMON_ZIPF = 7.0  # a word's information weight is COMMON_ZIPF - its zipf frequency (7 ≈ "de", "la")


@dataclass(frozen=True)
class ScopeVerdict:
    margin: float  # closest covered subject minus closest uncovered domain (cosine)
    lexical: float  # best BM25 score among the retrieved passages
    unknown: float  # weighted share of the question's words absent from the base
    score: float
    in_scope: bool
    near_user_document: bool = False  # in scope because a passage of the user's own documents is closer than any
    # uncovered domain


@lru_cache(maxsize=4096)
def _information(word: str) -> float:
    from wordfreq import zipf_frequency

    return max(0.0, COMMON_ZIPF - zipf_frequency(word, "fr"))


def unknown_share(question: str, known: Callable[[str], bool]) -> float:
    """Weighted share of the question's words whose stem the base never uses (rare words weigh more)."""
    total = missing = 0.0
    for word in TOKEN.findall(question.lower().replace("’", "'")):
        if word in STOP_WORDS or word.isdigit() or len(word) < 2:
            continue
        stems = analyse(word)
        if not stems:
            continue
        weight = _information(word)
        total += weight
        missing += 0.0 if known(stems[0]) else weight
    return missing / total if total else 0.0


def _call_headings(knowledge_dir: Path, criteria: CallCriteria) -> list[str]:
    """The section headings of the call's text: its own subjects (finalités, axes, dépôt…)."""
    call = Path(knowledge_dir) / "calls" / criteria.id / "call.md"
    if not call.exists():
        return []
    return [line.lstrip("#").strip() for line in call.read_text(encoding="utf-8").splitlines()
            if line.startswith("## ")]


class ScopeGuard:
    def __init__(self, embeddings: NamedEmbeddings, inside: list[str], outside: list[str],
                 lexical_weight: float = LEXICAL_WEIGHT, unknown_weight: float = UNKNOWN_WEIGHT,
                 threshold: float = THRESHOLD):
        self._embeddings = embeddings
        self._inside = np.array(embeddings.embed_documents(inside))
        self._outside = np.array(embeddings.embed_documents(outside)) if outside else np.zeros((0, 1))
        self.lexical_weight, self.unknown_weight, self.threshold = lexical_weight, unknown_weight, threshold

    @classmethod
    def from_knowledge(cls, embeddings: NamedEmbeddings, knowledge_dir: Path, criteria: CallCriteria) -> "ScopeGuard":
        path = Path(knowledge_dir) / "scope.yaml"  # optional: without it, nothing is known to be outside
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {"inside": [], "outside": []}
        inside = [p.meta.title for p in load_practices(knowledge_dir)]
        inside += [f"{heading} : {criteria.title}" for heading in _call_headings(knowledge_dir, criteria)]
        inside += [a.label for a in criteria.axes] + [f.label for f in criteria.finalites] + spec["inside"]
        return cls(embeddings, inside, spec["outside"])

    def judge(self, question: str, best_lexical: float, query_vector: list[float] | None = None,
              known: Callable[[str], bool] | None = None, user_similarity: float = 0.0) -> ScopeVerdict:
        """`known(stem)` tells whether the base uses a stemmed word (the BM25 vocabulary); None skips that signal.
        `user_similarity`: cosine of the closest retrieved passage of a user's document (0 when none was)."""
        vector = np.array(query_vector if query_vector is not None else self._embeddings.embed_query(question))
        closest_outside = float((self._outside @ vector).max()) if len(self._outside) else 0.0
        margin = float((self._inside @ vector).max()) - closest_outside
        unknown = unknown_share(question, known) if known is not None else 0.0
        score = margin + self.lexical_weight * min(best_lexical, 10.0) / 10.0 - self.unknown_weight * unknown
        near_user_document = user_similarity > 0 and user_similarity >= closest_outside
        return ScopeVerdict(margin, best_lexical, unknown, score, score >= self.threshold or near_user_document,
                            near_user_document)

