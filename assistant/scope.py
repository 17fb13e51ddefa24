"""Is a question within what the knowledge covers? Two signals, calibrated on tests/eval/questions.yaml:
how much closer the question is to a covered subject than to an uncovered municipal domain (embeddings), and how
strongly BM25 finds its words in the base."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from .criteria import CallCriteria
from .embeddings import NamedEmbeddings
from .loaders import load_practices

# Calibrated with `aap eval retrieval` (docs/benchmarks.md): margin + LEXICAL_WEIGHT * min(bm25, 10) / 10.
LEXICAL_WEIGHT = 0.01
THRESHOLD = 0.005


@dataclass(frozen=True)
class ScopeVerdict:
    margin: float  # closest covered subject minus closest uncovered domain (cosine)
    lexical: float  # best BM25 score among the retrieved passages
    score: float
    in_scope: bool


class ScopeGuard:
    def __init__(self, embeddings: NamedEmbeddings, inside: list[str], outside: list[str],
                 lexical_weight: float = LEXICAL_WEIGHT, threshold: float = THRESHOLD):
        self._embeddings = embeddings
        self._inside = np.array(embeddings.embed_documents(inside))
        self._outside = np.array(embeddings.embed_documents(outside))
        self.lexical_weight, self.threshold = lexical_weight, threshold

    @classmethod
    def from_knowledge(cls, embeddings: NamedEmbeddings, knowledge_dir: Path, criteria: CallCriteria) -> "ScopeGuard":
        spec = yaml.safe_load((Path(knowledge_dir) / "scope.yaml").read_text(encoding="utf-8"))
        inside = [p.meta.title for p in load_practices(knowledge_dir)]
        inside += [a.label for a in criteria.axes] + [f.label for f in criteria.finalites] + spec["inside"]
        return cls(embeddings, inside, spec["outside"])

    def judge(self, question: str, best_lexical: float, query_vector: list[float] | None = None) -> ScopeVerdict:
        vector = np.array(query_vector if query_vector is not None else self._embeddings.embed_query(question))
        margin = float((self._inside @ vector).max() - (self._outside @ vector).max())
        score = margin + self.lexical_weight * min(best_lexical, 10.0) / 10.0
        return ScopeVerdict(margin, best_lexical, score, score >= self.threshold)
