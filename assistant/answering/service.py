"""From a question (and the conversation so far) to a cited `Answer`, in every mode."""

from __future__ import annotations

import dataclasses

from collections.abc import Iterator, Sequence

from ..criteria import CallCriteria
from ..documents import Kind
from ..errors import InvalidInput
from ..grounding import GroundingChecker
from ..markup import defuse_markup
from ..retrieval import Filters, HybridRetriever, Passage
from ..scope import ScopeGuard
from .actions import (axes_left_out, compose_actions, is_action_request, is_generic_request, pick_action_sources,
                      requested_axes)
from .extractive import SentenceScorer, cite, compose, excerpt, select_sentences
from .followup import retrieval_query
from .generative import LLMAnswerer, LLMFailure, build_action_messages
from .own_documents import asks_what_own_documents_say
from .models import Answer, Citation, GroundingSummary, Turn

MAX_QUESTION_CHARS = 2000
NOT_COVERED = ("Les documents disponibles (le texte de l'appel, les fiches de bonnes pratiques et vos documents) ne "
               "couvrent pas cette question. Je préfère ne pas répondre plutôt que d'inventer.")


class QuestionAnswering:
    def __init__(self, retriever: HybridRetriever, scorer: SentenceScorer, scope: ScopeGuard,
                 criteria: CallCriteria, llm: LLMAnswerer | None = None, grounding: GroundingChecker | None = None):
        self.retriever, self.scorer, self.scope, self.criteria, self.llm = retriever, scorer, scope, criteria, llm
        self.grounding = grounding or GroundingChecker(retriever, criteria, vectors=scorer)

    # -- public ---------------------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn | dict] = (), axis: str | None = None) -> Answer:
        final = None
        for item in self.stream(question, history, axis):
            if isinstance(item, Answer):
                final = item
        return final

    def stream(self, question: str, history: Sequence[Turn | dict] = (), axis: str | None = None
               ) -> Iterator[str | Answer]:
        """Partial answer texts (LLM modes), then the final `Answer`."""
        question, turns = self._validate(question, history, axis)
        query = standalone = self._standalone(question, turns)
        wants_actions = is_action_request(question)
        axes = [axis] if axis else requested_axes(question, self.criteria)
        if wants_actions and len(axes) < len(self.criteria.axes):  # "des idées pour l'axe 3": say what axe 3 is
            query = f"{query} ({' ; '.join(self.criteria.axis(a).label for a in axes)})"
        query_vector = self.retriever.kb.embeddings.embed_query(query)
        passages = []
        if asks_what_own_documents_say(question):  # answered from the user's documents, when there are some
            passages = self.retriever.search(query, filters=Filters(axis=axis, kind=Kind.LOCAL.value),
                                             vector=query_vector)
        passages = passages or self.retriever.search(query, filters=Filters(axis=axis), vector=query_vector)
        verdict = self._judge_scope(query, passages, query_vector, is_generic_request(question))
        if not passages or not verdict.in_scope:
            yield inert(self._not_covered(passages, query))
            return
        if wants_actions:
            yield from self._actions(standalone, query, query_vector, axes)
            return
        if self.llm is not None:
            text = ""
            try:
                for piece in self.llm.stream_text(question if query == question else query, passages):
                    text += piece
                    yield defuse_markup(text)
                yield self._finish(self.llm.finish(text, passages), query)
                return
            except LLMFailure as failure:
                notice = (f"Le modèle de langage n'a pas pu répondre ({failure}) : voici la réponse hors ligne, "
                          "faite d'extraits cités des documents.")
                yield self._finish(self._extractive(query, query_vector, passages, notice), query)
                return
        yield self._finish(self._extractive(query, query_vector, passages), query)

    # -- steps ----------------------------------------------------------------------------------------------
    def _actions(self, request: str, query: str, query_vector, axes: list[str]) -> Iterator[str | Answer]:
        """Ideas per axis from the fiches; an LLM words them for the request, each still citing its fiche.
        `request`: the question as the user meant it (made standalone); `query`: what the fiches are searched with."""
        sources = pick_action_sources(query, self.retriever, self.scorer, query_vector, axes)
        if self.llm is None or not sources.passages:
            yield self._finish(compose_actions(sources, self.criteria), query)
            return
        messages = build_action_messages(self.criteria.title, request, [self.criteria.axis(a) for a in axes],
                                         sources.passages, [axis for axis, _ in sources.picks])
        text = ""
        try:
            for piece in self.llm.stream_text(request, sources.passages, messages):
                text += piece
                yield defuse_markup(text)
            answer = self.llm.finish(text, sources.passages)
            missing = axes_left_out(answer.answer, axes, self.criteria)
            if answer.insufficient_evidence or missing:
                raise LLMFailure("sa réponse ne couvrait pas " + (
                    f"l'axe {', '.join(map(str, missing))}" if missing else "la demande"))
        except LLMFailure as failure:
            notice = (f"Le modèle de langage n'a pas pu proposer d'actions ({failure}) : voici les pistes tirées "
                      "des fiches de bonnes pratiques.")
            yield self._finish(compose_actions(sources, self.criteria, notice), query)
            return
        yield self._finish(answer, query)

    def _judge_scope(self, query: str, passages: list[Passage], query_vector, generic_request: bool):
        verdict = self.scope.judge(query, max((p.lexical for p in passages), default=0.0), query_vector,
                                   known=self.retriever.kb.lexical.knows,
                                   user_similarity=max((p.similarity for p in passages if p.kind == Kind.LOCAL.value),
                                                       default=0.0))
        if generic_request and not verdict.in_scope:
            # "Quelles actions proposer pour notre commune ?" names no subject of its own: the call is the subject.
            return dataclasses.replace(verdict, in_scope=True)
        return verdict

    def _validate(self, question: str, history, axis: str | None) -> tuple[str, list[Turn]]:
        question = (question or "").strip()
        if not question:
            raise InvalidInput("La question est vide.")
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(f"La question dépasse {MAX_QUESTION_CHARS} caractères ; raccourcissez-la.")
        if axis and axis not in self.criteria.axis_ids:
            raise InvalidInput(f"Axe inconnu : « {axis} » (axes : {', '.join(self.criteria.axis_ids)}).")
        try:
            turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in history]
        except Exception as exc:
            raise InvalidInput("L'historique de conversation est mal formé.") from exc
        return question, turns

    def _standalone(self, question: str, turns: list[Turn]) -> str:
        if not turns:
            return question
        if self.llm is not None:
            return self.llm.condense(question, turns)
        return retrieval_query(question, turns)

    def _extractive(self, query: str, query_vector, passages: list[Passage], notice: str | None = None) -> Answer:
        chosen = select_sentences(self.scorer.score(query, query_vector, passages), passages)
        if not chosen:
            return self._not_covered(passages, query)
        lines, citations = cite(chosen, passages)
        return Answer(answer=compose(lines), mode="none", citations=citations, notice=notice)

    def _not_covered(self, passages: list[Passage], query: str) -> Answer:
        closest = [Citation(n=i, doc_id=p.doc_id, title=p.title, section=p.section, kind=p.kind,
                            excerpt=excerpt(p, []), score=round(p.similarity, 4)) for i, p in enumerate(passages[:3], 1)]
        text = NOT_COVERED
        if closest:
            text += "\n\nSources les plus proches, à consulter si besoin :\n" + "\n".join(
                f"- {c.title} ({c.section})" for c in closest)
        return Answer(answer=text, mode="none" if self.llm is None else self.llm.label, insufficient_evidence=True,
                      closest_sources=closest, retrieval_query=query)

    def _finish(self, answer: Answer, query: str) -> Answer:
        answer = inert(answer)
        return answer.model_copy(update={"retrieval_query": query,
                                         "grounding": summarize_grounding(answer, self.grounding)})


def inert(answer: Answer) -> Answer:
    """Nothing in an answer (model text, quoted documents) can be fetched or run where it is shown as Markdown."""
    def citation(c: Citation) -> Citation:
        return c.model_copy(update={"title": defuse_markup(c.title), "section": defuse_markup(c.section),
                                    "excerpt": defuse_markup(c.excerpt), "quotes": [defuse_markup(q) for q in c.quotes]})

    return answer.model_copy(update={
        "answer": defuse_markup(answer.answer), "notice": defuse_markup(answer.notice) if answer.notice else None,
        "citations": [citation(c) for c in answer.citations],
        "closest_sources": [citation(c) for c in answer.closest_sources]})


def summarize_grounding(answer: Answer, checker: GroundingChecker) -> GroundingSummary:
    """How many of the answer's sentences its sources support, weakly support or do not support (the reviewers'
    checker, `assistant.grounding`, run on the answer and its citations)."""
    if answer.insufficient_evidence or not answer.answer.strip():
        return GroundingSummary()
    return checker.check(answer.answer, answer.citations).summary
