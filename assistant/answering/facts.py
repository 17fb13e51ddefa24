"""Facts of the call, answered from the call pack: the direct answer first, then the call's own words, cited.

« Qui peut candidater ? » → « L'appel s'adresse aux communes et aux intercommunalités. [1] » followed by the
quote. What the call does not say (« Faut-il un CLSPD ? ») is an answer too: say so, then what the fiches know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..call_facts import FRENCH_NUMBERS, CallFact, CallFacts, Quote, UnstatedFact, render
from ..criteria import CallCriteria
from ..documents import Kind
from ..retrieval import HybridRetriever, Passage
from ..sentences import split_sentences
from ..text_fr import fold
from .base import Citations, is_answer_sentence, readable
from .extractive import SentenceScorer, select_sentences
from .models import Answer
from .query import AnswerType, Query

KNOWLEDGE_SENTENCES = 3
RANKS = {1: "première", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième", 6: "sixième", 7: "septième"}
NOTHING_MORE = "Les fiches de la base de connaissances ne donnent pas d'autre information sur ce point."


# « Notre communauté de communes peut candidater, ou c'est réservé aux communes ? »: yes or no answers the first clause
ALTERNATIVE = re.compile(r",\s*ou (?:bien |alors )?(?=\w)")


def main_alternative(folded_question: str) -> str:
    """The first clause of an alternative question (« P, ou Q ? »), which a yes or a no answers; else the question."""
    return ALTERNATIVE.split(folded_question, maxsplit=1)[0]


class CallFactAnswerer:
    def __init__(self, criteria: CallCriteria, facts: CallFacts, retriever: HybridRetriever):
        self.criteria, self.facts, self.retriever = criteria, facts, retriever

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[Answer]:
        fact: CallFact = query.fact
        sentence, extra = fact.answer, None
        if len(query.axes) == 1 and fact.lists_axes:  # « Le 4e axe, c'est quoi l'intitulé ? »
            axis = self.criteria.axis(query.axes[0])
            sentence = f"L'axe {axis.number} de l'appel est « {axis.label} »."
        ranked = _ranked_finalite(query, fact, self.criteria)
        if ranked:  # « la troisième finalité ? »
            rank, label = ranked
            sentence = f"La {RANKS.get(rank, f'n° {rank}')} finalité de l'appel : {label}."
        elif query.answer_type is AnswerType.YES_NO:
            folded = fold(query.question)
            option = fact.polar_answer(main_alternative(folded))
            if option is None or not option.when:  # the first clause says nothing the options know
                option = fact.polar_answer(folded)
            if option is not None:
                sentence, extra = option.answer, option.extra_quote
        sentence = _count_corrected(sentence, fold(query.question), fact, self.criteria)
        quotes = list(fact.quotes) + (list(self.facts.get(extra).quotes) if extra and self.facts.get(extra) else [])
        if ranked and self.retriever.passage_containing(self.criteria.id, ranked[1]) is not None:
            quotes = [Quote(text=ranked[1]), *quotes]  # the finalité's own words, when the call has them verbatim
        also = [other for other in query.also if other is not fact]  # the question's other requests, answered after
        quotes += [quote for other in also for quote in other.quotes if quote not in quotes]
        citations = Citations()
        lines = []
        for quote in quotes:
            passage = self.retriever.passage_containing(self.criteria.id, quote.text)
            if passage is not None:
                lines.append((quote.text, citations.cite(passage, quote.text)))
        marks = "".join(f"[{n}]" for n in dict.fromkeys(n for _, n in lines[:1]))
        text = " ".join([render(sentence, self.criteria), *(render(other.answer, self.criteria) for other in also)])
        sentences = split_sentences(text)
        if not also and len(lines) > 1 and len(sentences) == len(lines):  # « Résume l'appel »: a quote per sentence
            text = " ".join(f"{sentence} [{n}]" for sentence, (_, n) in zip(sentences, lines))
        else:
            text = f"{text} {marks}".strip()
        if lines:
            text += "\n\n" + "\n".join(f"- Texte de l'appel : « {q.rstrip(' .;')} » [{n}]" for q, n in lines)
        yield Answer(answer=text, mode="none", citations=citations.all())


def _ranked_finalite(query: Query, fact: CallFact, criteria: CallCriteria) -> tuple[int, str] | None:
    """(rank, label) of the finalité the question asks by its rank (-1: the last), when the fact lists them."""
    finalites = criteria.finalites
    if not (query.ordinal and fact.lists_finalites and query.ordinal <= len(finalites)):
        return None
    rank = query.ordinal if query.ordinal > 0 else len(finalites)
    return rank, finalites[rank - 1].label


WORD_NUMBERS = {word: number for number, word in FRENCH_NUMBERS.items()}


def _count_corrected(sentence: str, folded_question: str, fact: CallFact, criteria: CallCriteria) -> str:
    """« Les cinq axes obligatoires, c'est quoi ? »: the question's count set right before the call's list."""
    for listed, noun, count in ((fact.lists_axes, "axes", len(criteria.axes)),
                                (fact.lists_finalites, "finalites", len(criteria.finalites))):
        said = re.search(rf"\b(\d+|{'|'.join(WORD_NUMBERS)})\s+(?:\w+\s+)?{noun}\b", folded_question)
        if listed and said:
            number = int(said.group(1)) if said.group(1).isdigit() else WORD_NUMBERS[said.group(1)]
            said_instead = render(sentence, criteria)
            if number != count and said_instead:
                return f"Attention, pas {FRENCH_NUMBERS.get(number, number)} : " \
                       f"{said_instead[0].lower()}{said_instead[1:]}"
    return sentence


class UnstatedAnswerer:
    """The call is silent on it: say so, then the fiches' sentences on the subject (a fiche is not the call)."""

    def __init__(self, criteria: CallCriteria, retriever: HybridRetriever, scorer: SentenceScorer,
                 titles: dict[str, str]):
        self.criteria, self.retriever, self.scorer, self.titles = criteria, retriever, scorer, titles

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[Answer]:
        fact: UnstatedFact = query.fact
        citations = Citations()
        text = fact.answer
        if fact.quote:
            passage = self.retriever.passage_containing(self.criteria.id, fact.quote)
            if passage is not None:
                text += f" [{citations.cite(passage, fact.quote)}]"
        # the fact's own search words say what the fiches should be asked (« lauréats 2024, enveloppe »)
        wanted = f"{fact.search} ({query.text})"
        vector = self.retriever.kb.embeddings.embed_query(wanted)
        found = [p for p in self.retriever.search(wanted, k=6, vector=vector) if p.kind != Kind.CALL.value]
        scored = [s for s in self.scorer.score(wanted, vector, found) if is_answer_sentence(s.text)]
        chosen = select_sentences(scored, found)[:KNOWLEDGE_SENTENCES]
        if chosen:
            text += "\n\nCe qu'en disent les fiches de la base de connaissances (qui ne sont pas le texte de l'appel) :\n"
            text += "\n".join(f"- {readable(s.text, self.titles)} [{citations.cite(found[s.passage_index], s.text)}]"
                              for s in chosen)
        else:
            text += f"\n\n{NOTHING_MORE}"
        yield Answer(answer=text, mode="none", citations=citations.all())
