"""From a question (and the conversation so far) to a cited `Answer`, in every mode."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Sequence

import numpy as np

from langchain_core.runnables import Runnable, RunnableLambda

from ..call_facts import CallFact, CallFacts
from ..criteria import CallCriteria
from ..documents import Kind
from ..errors import InvalidInput
from ..glossary import Glossary, name_pattern
from ..text_fr import analyse, fold
from ..grounding import GroundingChecker
from ..markup import defuse_markup
from ..retrieval import Filters, HybridRetriever, Passage
from ..scope import ScopeGuard, unknown_share
from .actions import axes_left_out, compose_actions, pick_action_sources
from .base import Answerer, excerpt
from .call_phrases import CallPhraseAnswerer, quoted_phrase
from .conflicts import ConflictFinder, without_conflicts
from .definitions import DefinitionAnswerer
from .extractive import ExtractiveAnswerer, SentenceScorer
from .facts import CallFactAnswerer, UnstatedAnswerer
from .generative import LLMAnswerer, LLMFailure, build_action_messages
from .howto import HowToAnswerer
from .models import Answer, AnswerGrounding, Citation, GroundingSummary, Turn
from .intent_model import IntentClassifier, classified, follow_up_asks_how
from .query import (DETAIL_TYPES, EXPLICIT_IDEAS, AnswerType, Intent, Query, Understanding, request_after_scene,
                    requests, understand, without_need_lead)
from .recognition import SIMILAR_MIN, FactRecogniser, recognised
from .relevance import judge_relevance

MAX_QUESTION_CHARS = 2000
NOT_COVERED = ("Les documents disponibles (le texte de l'appel, les fiches de bonnes pratiques et vos documents) ne "
               "couvrent pas cette question. Je préfère ne pas répondre plutôt que d'inventer.")
CONVERSATION = ("Bonjour ! Je réponds aux questions sur l'appel à projets « {title} » à partir de son texte et des "
                "fiches de bonnes pratiques, en citant mes sources. Par exemple : « Qui peut candidater ? », "
                "« Quelle est la date limite ? », « Des idées d'actions pour l'axe 2 ? ».")
# A question recognised as a fact of the call, or naming a defined subject, is in scope unless the scope guard finds
# it far out (« paiement en ligne sur le site de la mairie » is not about submitting the file). Chosen on the tuning
# half of tests/eval/answers.yaml.
RECOGNISED_MARGIN = 0.045
RECOGNISED_UNKNOWN_MAX = 0.5  # weighted share of the words besides the recognised fact that the base never uses
CLOSE_TO_EXAMPLE = 0.95  # cosine with an example question of the recognised fact (recognition.py)
LIKE_AN_EXAMPLE = 0.90  # below it, a fact found by a pattern's word alone needs the scope guard's own assent
# the scope guard's score above its threshold from which it outweighs the classifier's « not covered » (no question
# the base does not cover, in the answer sets, scored more than 0.016 above it)
CLEARLY_COVERED_MARGIN = 0.035
INTENT_ANSWERS_FROM_DATA = (Intent.CALL_FACT, Intent.UNSTATED, Intent.DEFINITION)
# how-tos and requests for ideas are worded alike whatever their subject: their form says nothing of whether the base
# covers them (« Comment organiser un budget participatif ? »), so the classifier's certainty does not decide scope
SUBJECT_DECIDES_SCOPE = (Intent.HOW_TO, Intent.IDEAS)


@dataclasses.dataclass(frozen=True)
class Step:
    """What flows between the pipeline's steps."""

    query: Query
    axis: str | None = None
    passages: list[Passage] = dataclasses.field(default_factory=list)
    in_scope: bool = True


class QuestionAnswering:
    """understand → retrieve → scope → answer → finish; each answerer is a peer behind `Answerer`."""

    def __init__(self, retriever: HybridRetriever, scorer: SentenceScorer, scope: ScopeGuard,
                 criteria: CallCriteria, llm: LLMAnswerer | None = None, grounding: GroundingChecker | None = None,
                 facts: CallFacts | None = None, glossary: Glossary | None = None,
                 titles: dict[str, str] | None = None, fiche_ages: dict | None = None,
                 proven: frozenset[str] = frozenset(), recogniser: FactRecogniser | None = None,
                 intents: IntentClassifier | None = None):
        self.recogniser, self.intents = recogniser, intents
        self.retriever, self.scorer, self.scope, self.criteria, self.llm = retriever, scorer, scope, criteria, llm
        self.known = Understanding(criteria, facts or CallFacts(), glossary or Glossary([]),
                                   knows=lambda stem: self.retriever.kb.lexical.knows(stem))
        self.grounding = grounding or GroundingChecker(retriever, criteria, vectors=scorer,
                                                       statements=self.known.facts.statements(criteria))
        self.titles, self.fiche_ages, self.proven = titles or {}, fiche_ages or {}, proven
        self.answerers: dict[Intent, Answerer] = {
            Intent.CALL_FACT: CallFactAnswerer(criteria, self.known.facts, retriever),
            Intent.UNSTATED: UnstatedAnswerer(criteria, retriever, scorer, self.titles),
            Intent.DEFINITION: DefinitionAnswerer(retriever),
            Intent.HOW_TO: HowToAnswerer(retriever, scorer, self.titles),
        }
        self.extractive = ExtractiveAnswerer(scorer, criteria, self.titles)
        self.call_phrases = CallPhraseAnswerer(criteria, retriever, scorer, self.titles)
        self.conflicts = ConflictFinder(criteria, self.known.facts, retriever)

    # -- public ---------------------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn | dict] = (), axis: str | None = None) -> Answer:
        final = None
        for item in self.stream(question, history, axis):
            if isinstance(item, Answer):
                final = item
        return final

    def stream(self, question: str, history: Sequence[Turn | dict] = (), axis: str | None = None
               ) -> Iterator[str | Answer]:
        """Partial answer texts (LLM modes), then the final `Answer`: understand → retrieve → scope → answer →
        finish, the same steps as `as_runnable()`."""
        step = self._understand_step({"question": question, "history": history, "axis": axis})
        step = self._scope_step(self._retrieve_step(step))
        for item in self._answer_items(step):
            yield self._finish(item, step.query) if isinstance(item, Answer) else item

    def as_runnable(self) -> Runnable:
        """The same pipeline as a LangChain `Runnable` (input: a question, or {"question", "history", "axis"};
        output: the `Answer`), so that it composes in a chain and tracing sees each step."""
        def answer(step: Step) -> Answer:
            return self._finish(_last(self._answer_items(step)), step.query)

        return (RunnableLambda(self._understand_step, name="understand")
                | RunnableLambda(self._retrieve_step, name="retrieve")
                | RunnableLambda(self._scope_step, name="scope")
                | RunnableLambda(answer, name="answer"))

    # -- the pipeline's steps -------------------------------------------------------------------------------
    def _understand_step(self, request: str | dict) -> "Step":
        request = {"question": request} if isinstance(request, str) else dict(request)
        question, turns = self._validate(request.get("question"), request.get("history") or (), request.get("axis"))
        return Step(query=self.understand(question, turns, request.get("axis")), axis=request.get("axis"))

    def _retrieve_step(self, step: "Step") -> "Step":
        if step.query.intent is Intent.CONVERSATION:
            return step
        return dataclasses.replace(step, passages=self._retrieve(step.query, step.axis))

    def _scope_step(self, step: "Step") -> "Step":
        in_scope = step.query.intent is Intent.CONVERSATION or self._in_scope(step.query, step.passages)
        return dataclasses.replace(step, in_scope=in_scope)

    def _answer_items(self, step: "Step") -> Iterator[str | Answer]:
        if step.query.intent is Intent.CONVERSATION:
            yield Answer(answer=CONVERSATION.format(title=self.criteria.title), mode="none")
        elif not step.in_scope:
            yield self._not_covered(step.passages, step.query.text)
        else:
            yield from self._answer(step.query, step.passages)

    def understand(self, question: str, turns: list[Turn], axis: str | None = None) -> Query:
        """The question's `Query`, with its vector; with an LLM, a follow-up is made standalone by the model."""
        query = understand(question, turns, self.known)
        if axis:
            query = dataclasses.replace(query, axes=(axis,))
        if turns and query.borrowed and self.llm is not None:
            query = dataclasses.replace(query, text=self.llm.condense(question, turns))
        text = query.text
        if query.intent is Intent.IDEAS and query.axes and len(query.axes) < len(self.criteria.axes):
            text = f"{text} ({' ; '.join(self.criteria.axis(a).label for a in query.axes)})"  # what « axe 3 » is
            query = dataclasses.replace(query, text=text)
        query = query.with_vector(self.retriever.kb.embeddings.embed_query(query.text))
        if query.borrowed and query.subjects and query.intent is Intent.OTHER:
            own = np.asarray(self.retriever.kb.embeddings.embed_query(query.question))
            if self.intents and follow_up_asks_how(self.intents.guess(own)):  # « on le met en place comment ? »
                query = dataclasses.replace(query, intent=Intent.HOW_TO, answer_type=AnswerType.HOW)
            else:
                query = dataclasses.replace(query, focus_vector=tuple(float(x) for x in _leaning(own, query.vector)))
        elif query.aspect and query.intent is Intent.OTHER and not query.borrowed:
            # « combien de temps dure le PSFP ? »: within its fiche, the sentences ranked by what is asked of it
            own = np.asarray(self.retriever.kb.embeddings.embed_query(query.aspect))
            query = dataclasses.replace(query, focus_vector=tuple(float(x) for x in _leaning(own, query.vector)))
        found = self.recogniser.nearest(query.vector) if self.recogniser else None
        if query.intent in (Intent.OTHER, Intent.HOW_TO, Intent.CALL_FACT, Intent.UNSTATED):
            query = recognised(query, found, in_conversation=bool(turns))
        if self.intents:
            query = classified(query, self.intents.guess(query.vector), found, self.criteria.publisher or "",
                               silent=self.known.facts.silent)
        # the last sentence that asks, after sentences that set the scene, when it says what (not « Comment s'y
        # prendre ? »); its vector is embedded once, for whichever step below needs it
        request = None if query.borrowed else request_after_scene(question)
        request = request if request and len(analyse(request)) >= 2 else None
        request_vector = functools.cache(lambda: self.retriever.kb.embeddings.embed_query(request))
        if query.looks_outside and request and self.intents:
            # « Le conseil municipal ne se réunit que début mai. On peut encore déposer le 10 mai ? »: the scene
            # before the request is no sign that the base does not cover what the request asks
            guess = self.intents.guess(request_vector())
            if guess is not None and guess.surely_in_scope:
                query = dataclasses.replace(query, looks_outside=False)
        if query.intent is Intent.CALL_FACT and not query.borrowed:
            query = self._with_every_request(query)
        if query.intent is Intent.HOW_TO and request:  # the how-to is what the request asks; the scene only helps
            query = query.with_vector(_leaning(request_vector(), query.vector))
        # a phrase of the call asked about, unless ideas are asked in so many words (« Des idées pour « … » ? »)
        phrase = None if query.intent is Intent.IDEAS and EXPLICIT_IDEAS.search(fold(question)) else \
            quoted_phrase(question)
        if phrase and self.criteria.id and self.call_phrases.in_call(phrase):
            query = dataclasses.replace(query, call_phrase=phrase, about_call=True)
        return query

    def _with_every_request(self, query: Query) -> Query:
        """« Où est-ce qu'il se dépose, et avant quand ? »: each request's fact of the call, in the question's order
        (by the call pack's patterns, else by closeness to its example questions)."""
        pieces = requests(query.question)
        if len(pieces) < 2:
            return query
        facts: list[CallFact] = []
        for piece in pieces:
            fact = self.known.facts.match(piece)
            if fact is None and self.recogniser:
                found = self.recogniser.nearest(self.retriever.kb.embeddings.embed_query(piece))
                if found and found.score >= SIMILAR_MIN and found.margin > 0:  # a request beside one on the call
                    fact = found.fact
            if isinstance(fact, CallFact) and fact not in facts:
                facts.append(fact)
        if len(facts) < 2:  # the requests name two facts: those (the scene before them may have named another)
            return query
        return dataclasses.replace(query, fact=facts[0], also=tuple(facts[1:]))

    # -- steps ----------------------------------------------------------------------------------------------
    def _retrieve(self, query: Query, axis: str | None) -> list[Passage]:
        vector = list(query.vector)
        if query.intent is Intent.OWN_DOCUMENTS:  # answered from the user's documents, when there are some
            own = self.retriever.search(query.text, filters=Filters(axis=axis, kind=Kind.LOCAL.value), vector=vector)
            if own:
                return own
        if query.about_call and self.criteria.id:  # « le 4e axe c'est quoi déjà ? »: from the call's own text
            call = self.retriever.search(query.text, filters=Filters(axis=axis, doc_id=self.criteria.id), vector=vector)
            if call:
                return call
        found = self.retriever.search(query.text, filters=Filters(axis=axis), vector=vector)
        fiche = next((s.fiche for s in query.subjects if s.fiche), None)
        if fiche and query.intent in (Intent.OTHER, Intent.HOW_TO):  # « PSFP : pour quel âge ? »: from its fiche
            found = self.retriever.search(query.text, filters=Filters(axis=axis, doc_id=fiche), vector=vector) or found
        elif query.intent is Intent.HOW_TO and not query.subjects:
            # « comment associer les bailleurs sociaux ? »: the reference's section on that actor, named in so many
            # words, comes first (its « Comment les mobiliser »)
            actor = [p for p in self.retriever.search(query.text, k=8, filters=Filters(kind=Kind.REFERENCE.value),
                                                      vector=vector) if _heading_named(p, fold(query.text))]
            found = actor[:2] + [p for p in found if p.chunk_ids not in {a.chunk_ids for a in actor[:2]}]
        return found

    def _in_scope(self, query: Query, passages: list[Passage]) -> bool:
        verdict = self.scope.judge(query.text, max((p.lexical for p in passages), default=0.0), list(query.vector),
                                   known=self.retriever.kb.lexical.knows,
                                   user_similarity=max((p.similarity for p in passages if p.kind == Kind.LOCAL.value),
                                                       default=0.0))
        if query.other_call and query.intent is not Intent.IDEAS:
            return False  # another funder's call: its date or rules are not in this base
        if query.fact is not None and query.fact_closeness >= CLOSE_TO_EXAMPLE:
            return True  # worded like a question on the call that its facts answer
        if query.borrowed and query.ordinal and isinstance(query.fact, CallFact):
            return True  # « et la troisième ? » after a question on one of the call's finalités: the next one
        if query.guess is not None and query.guess.surely_in_scope and passages and (
                query.intent not in SUBJECT_DECIDES_SCOPE or query.intent is Intent.IDEAS and (query.ages or query.axes)):
            return True  # ideas for an age group or an axis: what the catalogue is organised by
        covered = _covered_subject(query)
        if query.looks_outside and not covered and not verdict.near_user_document \
                and verdict.score < self.scope.threshold + CLEARLY_COVERED_MARGIN:
            return False  # like the questions the base does not cover (and no document of the user is close)
        if covered and query.borrowed and _asks_a_detail(query):
            return True  # « TAPAJ c'est quoi ? » then « ok et un gamin de 14 ans il peut y aller ? »: its public
        named = covered if query.intent in SUBJECT_DECIDES_SCOPE else bool(query.subjects)
        recognised = query.intent in INTENT_ANSWERS_FROM_DATA or named or query.about_call \
            or _names_an_actor(query, passages)
        words = query.unmatched_words()
        unknown = unknown_share(without_need_lead(words) if query.stated_need else words, self.retriever.kb.lexical.knows)
        if query.fact is not None and query.fact_closeness < LIKE_AN_EXAMPLE and verdict.score < 0 \
                and len(analyse(words)) >= 2 and unknown > 0:
            # a pattern's word (« délai », « aides ») in a question unlike any asked on the call, with words the base
            # never uses (« acte de naissance »); « On est une commune de 3000 habitants, on peut répondre ? » is kept
            recognised = False
        if query.intent in SUBJECT_DECIDES_SCOPE and query.subjects and not named and not verdict.near_user_document \
                and query.guess is not None and query.guess.label == "out_of_scope":
            # a how-to whose only subjects the glossary merely spells out, that the classifier likens most to the
            # questions the base does not cover (« Le label de l'UNICEF pour les villes, on candidate comment ? »)
            return False
        if recognised and verdict.score >= self.scope.threshold - RECOGNISED_MARGIN \
                and unknown < RECOGNISED_UNKNOWN_MAX:
            return True
        if query.generic_request:  # « Quelles actions proposer pour notre commune ? »: the call is the subject
            return True
        if query.intent is Intent.HOW_TO and query.guess is not None and query.guess.surely_in_scope \
                and query.guess.label == "howto" and passages and unknown == 0:
            return True  # « comment associer les bailleurs sociaux ? »: a how-to in the base's own words
        if (query.bare_topic or query.stated_need) and passages and unknown == 0 and not query.borrowed:
            # « sport ? », « collège ? »: one or two words the base uses, too short for the scope guard; « je
            # voudrais sensibiliser les parents »: a need in words the base uses, diluted by the way it is said
            return True
        return bool(passages) and verdict.in_scope

    def _answer(self, query: Query, passages: list[Passage]) -> Iterator[str | Answer]:
        """Offline: the intent's answerer (extractive when it has nothing). With an LLM: the model answers over the
        offline answer's evidence first (a fact of the call is handed to it), and that answer is the fallback."""
        if query.intent is Intent.IDEAS and not query.call_phrase:
            yield from self._actions(query)
            return
        offline = self._offline(query, passages)
        # a user's document that says otherwise than the call on a fact of the call: shown, never the answer
        found = [] if offline.insufficient_evidence else self.conflicts.find(query, offline, passages)
        offline = self.conflicts.attach(offline, found)
        if self.llm is None or offline.insufficient_evidence:
            yield offline
            return
        contradicting = {f.passage.doc_id for f in found}  # never handed to the model as evidence
        fact = offline.answer.split("\n")[0] if query.intent is Intent.CALL_FACT else ""
        fact, question = re.sub(r"\s*\[\d+\]", "", fact), query.question if not query.borrowed else query.text
        evidence = self.llm.fit(question, [p for p in self._evidence_first(offline, passages)
                                           if p.doc_id not in contradicting], fact)
        text = ""
        try:
            for piece in self.llm.stream_text(question, evidence, fact=fact):
                text += piece
                yield defuse_markup(text)
            # fully cited, or an LLMFailure: never uncited model text
            yield self.conflicts.attach(self.llm.finish(text, evidence), found)
        except LLMFailure as failure:
            yield offline.model_copy(update={"notice": (
                f"Le modèle de langage n'a pas pu répondre ({failure}) : voici la réponse hors ligne, faite "
                "d'extraits cités des documents.")})

    def _evidence_first(self, offline: Answer, passages: list[Passage]) -> list[Passage]:
        """The passages the offline answer cites first, then the retrieved ones, as many as retrieval gives."""
        cited = [p for c in offline.citations for p in self._passages_of(c)]
        seen, ordered = set(), []
        for p in cited + passages:
            if p.chunk_ids not in seen:
                seen.add(p.chunk_ids)
                ordered.append(p)
        return ordered[:max(len(passages), len(cited))]

    def _passages_of(self, citation: Citation) -> list[Passage]:
        found = self.retriever.passage_containing(citation.doc_id, citation.quotes[0] if citation.quotes else
                                                  citation.excerpt[:200])
        return [found] if found is not None else []

    def _offline(self, query: Query, passages: list[Passage]) -> Answer:
        first = self.call_phrases if query.call_phrase else self.answerers.get(query.intent)
        for answerer in (first, self.extractive):
            answer = _last(answerer.stream(query, passages)) if answerer is not None else None
            if answer is not None:
                return answer
        return self._not_covered(passages, query.text)

    def _actions(self, query: Query) -> Iterator[str | Answer]:
        """Ideas per axis from the fiches; an LLM words them for the request, each still citing its fiche."""
        axes = list(query.axes) or self.criteria.axis_ids
        if query.summer:  # « l'été » is a stop word to the lexical index (« été », been)
            query = dataclasses.replace(query, text=f"{query.text} (vacances scolaires d'été)")
        sources = pick_action_sources(query, self.retriever, self.scorer, axes, self.fiche_ages, self.proven,
                                      self.known.glossary)
        offline = compose_actions(sources, self.criteria, ages=query.ages, proven_only=query.proven_only)
        if self.llm is None or not sources.passages:
            yield offline
            return
        request, passage_axes = query.question if not query.borrowed else query.text, [a for a, _ in sources.picks]
        render = lambda kept: build_action_messages(  # noqa: E731
            self.criteria.title, request, [self.criteria.axis(a) for a in axes], kept, passage_axes)
        passages = self.llm.fit(request, sources.passages, render=render, keep_all=True)  # one per axis at least
        text = ""
        try:
            for piece in self.llm.stream_text(query.question, passages, render(passages)):
                text += piece
                yield defuse_markup(text)
            answer = self.llm.finish(text, passages)
            missing = axes_left_out(answer.answer, axes, self.criteria)
            if missing:
                raise LLMFailure(f"sa réponse ne couvrait pas l'axe {', '.join(map(str, missing))}")
        except LLMFailure as failure:
            notice = (f"Le modèle de langage n'a pas pu proposer d'actions ({failure}) : voici les pistes tirées "
                      "des fiches de bonnes pratiques.")
            yield offline.model_copy(update={"notice": notice})
            return
        yield answer

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

    def _not_covered(self, passages: list[Passage], query: str) -> Answer:
        closest = [Citation.of(p, i, excerpt(p, [])) for i, p in enumerate(passages[:3], 1)]
        text = NOT_COVERED
        if closest:
            text += "\n\nSources les plus proches, à consulter si besoin :\n" + "\n".join(
                f"- {c.title} ({c.section})" for c in closest)
        return Answer(answer=text, mode="none" if self.llm is None else self.llm.label, insufficient_evidence=True,
                      closest_sources=closest, retrieval_query=query)

    def _finish(self, answer: Answer, query: Query) -> Answer:
        answer = inert(answer)
        if answer.insufficient_evidence:
            return answer.model_copy(update={"retrieval_query": query.text, "intent": query.intent.value})
        summary = summarize_grounding(answer, self.grounding, from_call_data=query.intent in (Intent.CALL_FACT, Intent.UNSTATED))
        relevant, note = judge_relevance(query, answer, self.criteria)
        summary = AnswerGrounding(**summary.model_dump(), answers_question=relevant, relevance_note=note)
        return answer.model_copy(update={"retrieval_query": query.text, "intent": query.intent.value,
                                         "grounding": summary})


def _covered_subject(query: Query) -> bool:
    """A subject the base treats: one with its own fiche, or any defined term when its definition is asked. An
    acronym only spelled out in the glossary (« HLM », « UNICEF ») does not make « Comment faire expulser un
    locataire HLM ? » a question the base answers."""
    if query.intent is Intent.DEFINITION:
        return bool(query.subjects)
    return any(subject.fiche for subject in query.subjects)


def _asks_a_detail(query: Query) -> bool:
    """Ages, a price, a funder, a duration, a count: what a fiche states of its subject."""
    return bool(query.ages) or bool(query.asked) or query.answer_type in DETAIL_TYPES


def _names_an_actor(query: Query, passages: list[Passage]) -> bool:
    """« Comment mobiliser les bailleurs sociaux ? »: a how-to about an actor that the reference describes in a section
    of its own (its heading named in the question)."""
    folded = fold(query.text)
    return query.intent is Intent.HOW_TO and any(_heading_named(p, folded) for p in passages[:5])


def _heading_named(passage: Passage, folded_question: str) -> bool:
    """Is the passage a section of the reference whose heading the question names (« Bailleurs sociaux »)?"""
    return passage.kind == Kind.REFERENCE.value and bool(passage.section) and name_pattern(
        passage.section.split("(")[0].strip()).search(folded_question) is not None


def _leaning(own, vector) -> np.ndarray:
    """A question's vector leaning towards what its own words ask (twice their weight), unit length."""
    focus = 2 * np.asarray(own) + np.asarray(vector)
    return focus / np.linalg.norm(focus)


def _last(items) -> Answer | None:
    final = None
    for item in items:
        if isinstance(item, Answer):
            final = item
    return final


def inert(answer: Answer) -> Answer:
    """Nothing in an answer (model text, quoted documents) can be fetched or run where it is shown as Markdown."""
    def citation(c: Citation) -> Citation:
        return c.model_copy(update={"title": defuse_markup(c.title), "section": defuse_markup(c.section),
                                    "excerpt": defuse_markup(c.excerpt), "quotes": [defuse_markup(q) for q in c.quotes],
                                    "instructions": [defuse_markup(q) for q in c.instructions],
                                    "added_by": defuse_markup(c.added_by) if c.added_by else c.added_by})

    return answer.model_copy(update={
        "answer": defuse_markup(answer.answer), "notice": defuse_markup(answer.notice) if answer.notice else None,
        "citations": [citation(c) for c in answer.citations],
        "conflicts": [c.model_copy(update={k: defuse_markup(getattr(c, k)) for k in ("title", "document_value", "text")})
                      for c in answer.conflicts],
        "closest_sources": [citation(c) for c in answer.closest_sources]})


def summarize_grounding(answer: Answer, checker: GroundingChecker, from_call_data: bool = False) -> GroundingSummary:
    """How many of the answer's sentences its sources support, weakly support or do not support (the reviewers'
    checker, `assistant.grounding`, run on the answer and its citations).

    `from_call_data`: the answer's lead sentence states a fact of the call pack (or that the call is silent on a
    point), written from the call itself; the call's own data are evidence for it, so only what follows goes
    through the checker."""
    if answer.insufficient_evidence or not answer.answer.strip():
        return GroundingSummary()
    text = without_conflicts(answer.answer)  # the conflicts report what a document says, not a claim of the answer
    if from_call_data:
        lead, _, quotes = text.partition("\n\n")
        summary = checker.check(quotes, answer.citations).summary if quotes.strip() else GroundingSummary()
        return summary.model_copy(update={"supported": summary.supported + 1})
    return checker.check(text, answer.citations).summary
