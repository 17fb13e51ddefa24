"""The sentences of retrieved passages, ranked against a question: what every answerer that quotes starts from.

A sentence's score is its cosine similarity to the question (the same embedding model as retrieval; the vectors
come from the sentence index, `assistant.sentence_vectors`, filled at ingestion), plus a small bonus for the
question's words, for the passage's rank and for the call's own text.

>>> scorer = SentenceScorer(kb.sentences)                                            # doctest: +SKIP
>>> scorer.score("date limite ?", embeddings.embed_query("date limite ?"), passages)[0].text   # doctest: +SKIP
'Les dossiers sont à déposer avant le 30 avril 2024.'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .sentences import split_sentences
from .text_fr import analyse

if TYPE_CHECKING:
    from .embeddings import NamedEmbeddings
    from .retrieval import Passage

MIN_WORDS = 5
LEXICAL_BONUS = 0.04
RANK_BONUS = 0.03
CALL_BONUS = 0.015  # the call text is the authority on its own rules


class SentenceVectorSource(Protocol):
    def vectors(self, sentences: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ScoredSentence:
    text: str
    passage_index: int
    score: float


def candidate_sentences(text: str) -> list[str]:
    """The sentences of a passage that can answer: at least MIN_WORDS words, and not a list's lead-in
    (« Partenaires : » says nothing alone)."""
    return [s for s in split_sentences(text) if len(s.split()) >= MIN_WORDS and not s.rstrip().endswith(":")]


class SentenceScorer:
    """Scores the sentences of passages against a question, with vectors from `vectors` (the knowledge base's
    `SentenceVectors`, shared with the grounding checker). Given a bare embedding model instead, it keeps its own
    in-memory cache."""

    def __init__(self, vectors: "SentenceVectorSource | NamedEmbeddings", cache_size: int = 20_000):
        if not hasattr(vectors, "vectors"):
            from .sentence_vectors import SentenceVectors

            vectors = SentenceVectors(vectors, cache_size=cache_size)
        self.source = vectors

    def vectors(self, sentences: list[str]) -> np.ndarray:
        return self.source.vectors(sentences)

    def score(self, question: str, query_vector: list[float], passages: list["Passage"]) -> list[ScoredSentence]:
        candidates = [(i, s) for i, p in enumerate(passages) for s in candidate_sentences(p.text)]
        if not candidates:
            return []
        sims = self.vectors([s for _, s in candidates]) @ np.asarray(query_vector, dtype=np.float32)
        terms = set(analyse(question))
        scored = []
        for (i, sentence), sim in zip(candidates, sims):
            overlap = len(terms & set(analyse(sentence))) / max(len(terms), 1)
            bonus = LEXICAL_BONUS * overlap + RANK_BONUS * (1 - i / max(len(passages), 1))
            bonus += CALL_BONUS if passages[i].kind == "appel" else 0.0
            scored.append(ScoredSentence(sentence, i, float(sim) + bonus))
        return sorted(scored, key=lambda s: -s.score)
