"""The quick check's word on whether an answer answers (`assistant/answering/relevance.py`), without any model."""

from __future__ import annotations

from pathlib import Path

from assistant.answering.models import Answer, Citation
from assistant.answering.query import AnswerType, Intent, Query, asked_details
from assistant.answering.relevance import judge_relevance
from assistant.criteria import load_criteria

CRITERIA = load_criteria(Path(__file__).resolve().parents[2] / "knowledge" / "calls" / "mildeca-2024")
CITED = [Citation(n=1, doc_id="cjc", title="CJC", section="Description", excerpt="…", score=0.9)]


def yes_no(question: str) -> Query:
    return Query(question=question, text=question, intent=Intent.OTHER, answer_type=AnswerType.YES_NO,
                 asked=asked_details(question))


def test_a_yes_no_question_answered_in_its_own_terms_is_answered():
    free = Answer(answer="La consultation est gratuite pour les usagers. [1]", mode="none", citations=CITED)
    assert judge_relevance(yes_no("c'est payant pour les familles ?"), free, CRITERIA) == (True, None)


def test_a_yes_no_question_answered_beside_the_point_is_flagged():
    beside = Answer(answer="La consultation reçoit aussi l'entourage. [1]", mode="none", citations=CITED)
    relevant, note = judge_relevance(yes_no("c'est payant pour les familles ?"), beside, CRITERIA)
    assert not relevant and "ni oui ni non" in note
