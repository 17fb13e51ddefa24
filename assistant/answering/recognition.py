"""Recognise the fact of the call a question asks about by its closeness to example questions.

The call pack's patterns (`facts.yaml`, `asks`) catch the wordings they were written for; a new wording
(« Tu peux me lister les 4 axes de l'AAP ? ») slips through. Each fact also lists example questions, and
`facts.yaml` lists questions that look like questions on the call without being one (`other_questions`). A
question is compared with all of them (e5 query vectors, questions against questions): the nearest example names
the fact, or says that the question is not about the call.

The examples' vectors are computed once and kept beside the store (`<data>/sentences/questions.npz`, keyed by
the model and each example's text), so a process pays for them only when `facts.yaml` changes.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..call_facts import CallFact, CallFacts, UnstatedFact
from ..embeddings import NamedEmbeddings
from ..text_fr import fold
from .query import OTHER_CALL, AnswerType, Intent, Query


@dataclass(frozen=True)
class Recognition:
    """The nearest example's fact (None: the nearest example is not about the call) and how close it is."""

    fact: CallFact | UnstatedFact | None
    score: float  # cosine of the question with the nearest example
    runner_up: float  # best cosine among examples of other facts (and other questions)
    scores: dict = field(default_factory=dict, repr=False)  # best cosine per fact id (None: not about the call)
    facts: tuple = field(default=(), repr=False)  # every fact that has examples

    @property
    def margin(self) -> float:
        return self.score - self.runner_up


class FactRecogniser:
    def __init__(self, facts: CallFacts, embeddings: NamedEmbeddings, cache: Path | None = None):
        self._examples = facts.examples()
        self._embeddings, self._cache = embeddings, cache
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return any(fact is not None for fact, _ in self._examples)

    def scores(self, vector) -> dict[str | None, float]:
        """Best cosine per fact id (None: the questions that are not about the call)."""
        if not self._examples:
            return {}
        sims = self._vectors() @ np.asarray(vector, dtype=np.float32)
        best: dict[str | None, float] = {}
        for (fact, _), sim in zip(self._examples, sims.tolist()):
            key = None if fact is None else fact.id
            best[key] = max(best.get(key, -1.0), sim)
        return best

    def nearest(self, vector) -> Recognition | None:
        scores = self.scores(vector)
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        top_id, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
        facts = tuple({f.id: f for f, _ in self._examples if f is not None}.values())
        fact = next((f for f in facts if f.id == top_id), None)
        return Recognition(fact=fact, score=top, runner_up=runner_up, scores=scores, facts=facts)

    def warm(self) -> None:
        """Embed (or read) the example questions now: at ingestion, not at the first question."""
        if self:
            self._vectors()

    def _vectors(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None:
                self._matrix = cached_question_vectors([q for _, q in self._examples], self._embeddings, self._cache)
            return self._matrix


def cached_question_vectors(texts: list[str], embeddings: NamedEmbeddings, cache: Path | None) -> np.ndarray:
    """The e5 query vectors of these questions, read from `cache` where it holds them (keyed by the model and the
    text) and embedded otherwise; the cache is rewritten with exactly these questions."""
    keys = [hashlib.blake2b(f"{embeddings.name}\n{t}".encode(), digest_size=16).hexdigest() for t in texts]
    saved: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        try:
            with np.load(cache, allow_pickle=False) as data:
                saved = dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError):
            saved = {}  # unreadable: embedded again, then rewritten
    missing = {k: t for t, k in zip(texts, keys) if k not in saved}
    if missing:
        for key, vector in zip(missing, embeddings.embed_queries(list(missing.values()))):
            saved[key] = np.asarray(vector, dtype=np.float32)
        _save(cache, keys, [saved[k] for k in keys])
    return np.vstack([saved[k] for k in keys]).astype(np.float32)


def _save(cache: Path | None, keys: list[str], vectors: list[np.ndarray]) -> None:
    if cache is None:
        return
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_name(f".{cache.name}.{os.getpid()}.npz")
        np.savez(temporary, keys=np.array(keys), vectors=np.vstack(vectors))
        os.replace(temporary, cache)
    except OSError:
        pass  # a read-only data folder: the vectors stay in memory for this process


# Chosen on tests/eval/answers.yaml (both halves; the held-out set is answers_holdout.yaml). e5's cosines between
# questions are high and close together: what counts is the lead of the nearest fact over the runner-up.
SIMILAR_MIN, SIMILAR_MARGIN = 0.92, 0.01  # a question the patterns did not place (intent « autre »)
HOW_TO_MIN, HOW_TO_MARGIN = 0.95, 0.03  # a « comment » question is taken for a fact only when very close
WITH_SUBJECT_MIN = 0.96  # a question naming a programme or an acronym is about it, unless very close to a fact
OVERRIDE_MIN, OVERRIDE_MARGIN = 0.95, 0.04  # another fact than the patterns' one, when clearly nearer
SHORT = 3  # words (stems): in a conversation, a question this short may well be about the previous answer


def recognised(query: Query, found: Recognition | None, in_conversation: bool = False) -> Query:
    """The query with the fact that similarity recognises, where the patterns missed it or chose another one. An
    elliptic follow-up (already completed from the previous turn) is left as it is, and so is a short question in a
    conversation that the patterns did not place (« Combien de participantes ? » after a question on marches
    exploratoires is not about the call's laureates)."""
    if found is None or query.borrowed or query.asks_of_programme or OTHER_CALL.search(fold(query.question)):
        return query
    placed = query.intent in (Intent.CALL_FACT, Intent.UNSTATED)
    take = False
    if found.fact is not None and found.fact is not query.fact:
        if placed:
            # a yes/no question that the patterns' fact answers in its own words (« peut-on déposer après le 30
            # avril ? » → « Non : … avant le 30 avril ») is not one the call leaves unanswered, however close the
            # unstated fact's examples are (« jusqu'à quelle heure le 30 avril ? »)
            answered = isinstance(query.fact, CallFact) and isinstance(found.fact, UnstatedFact) \
                and query.answer_type is AnswerType.YES_NO and bool(
                    (option := query.fact.polar_answer(fold(query.question))) and option.when)
            take = found.score >= OVERRIDE_MIN and found.margin >= OVERRIDE_MARGIN and not answered
        elif query.subjects and found.score < WITH_SUBJECT_MIN or in_conversation and len(query.terms) <= SHORT:
            take = False
        elif query.intent is Intent.OTHER:
            take = found.score >= SIMILAR_MIN and found.margin >= SIMILAR_MARGIN
        elif query.intent is Intent.HOW_TO:
            take = found.score >= HOW_TO_MIN and found.margin >= HOW_TO_MARGIN
    if take:
        intent = Intent.UNSTATED if isinstance(found.fact, UnstatedFact) else Intent.CALL_FACT
        query = replace(query, intent=intent, fact=found.fact)
    if query.fact is None:
        return query
    return replace(query, fact_closeness=found.scores.get(query.fact.id, 0.0))
