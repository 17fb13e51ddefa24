"""A FAQ's question and its answer read as one claim, and a qualifier hardened from the passage's (issue 14, session
15), without any model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.criteria import load_criteria
from assistant.grounding.claims import claims_of, faq_statement
from assistant.grounding.compare import compare_details
from assistant.grounding.details import extract_details

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = load_criteria(ROOT / "knowledge" / "calls" / "mildeca-2024")
LABELS = {a.id: a.short for a in CRITERIA.axes}


def mismatches(claim: str, passage: str) -> list[str]:
    unit = extract_details(passage, CRITERIA)
    found = compare_details(extract_details(claim, CRITERIA, claim=True), unit, unit.axes, LABELS)
    return [m.message for m in found if m.blocking]


def test_a_question_and_its_answer_are_one_claim_stated_as_the_answer():
    [claim] = claims_of("Qui peut candidater ? Les communes et les intercommunalités. [1]")
    assert claim.text == "Qui peut candidater ? Les communes et les intercommunalités."
    assert claim.plain == "Les communes et les intercommunalités peut candidater." and claim.cited == (1,)
    [topic] = claims_of("Combien d'actions ? Au moins une par axe.")
    assert topic.plain == "Actions : Au moins une par axe."
    # a question with nothing after it claims nothing of its own, and two statements stay two
    assert [c.plain for c in claims_of("Le dépôt se fait en ligne. Quand ? Avant le 30 avril 2024.")] == \
        ["Le dépôt se fait en ligne.", "Avant le 30 avril 2024."]


@pytest.mark.parametrize("question, answer, statement", [
    ("La MILDECA finance-t-elle les projets ?", "Oui.", "La MILDECA finance les projets : Oui."),
    ("Dépôt ?", "En ligne uniquement.", "Dépôt : En ligne uniquement."),
    ("Avec qui travailler ?", "Les bailleurs sociaux.", "Travailler : Les bailleurs sociaux."),
    ("Quand ?", "Avant le 30 avril.", "Avant le 30 avril."),
])
def test_a_faq_line_as_a_statement(question, answer, statement):
    assert faq_statement(question, answer) == statement


@pytest.mark.parametrize("claim, passage, agrees", [
    ("Les jeunes sont toujours embauchés par une association.", "Les jeunes sont souvent embauchés par une association.",
     False),
    ("Les jeunes sont souvent embauchés par une association.", "Les jeunes sont souvent embauchés par une association.",
     True),
    ("Chaque spectateur doit monter sur scène.", "Les spectateurs peuvent monter sur scène.", False),
    ("Les spectateurs peuvent monter sur scène.", "Les spectateurs peuvent monter sur scène.", True),
    ("Le projet doit comporter une action par axe.", "Le projet doit comporter au moins une action par axe.", True),
    # a qualifier denied is none
    ("Les jeunes ne sont pas toujours embauchés par une association.",
     "Les jeunes sont souvent embauchés par une association.", True),
])
def test_a_qualifier_hardened_from_the_passage_is_flagged(claim, passage, agrees):
    assert (mismatches(claim, passage) == []) is agrees, mismatches(claim, passage)


def test_a_slides_telegraphic_line_names_no_axis_by_its_punctuation_and_aap_is_spelt_out():
    from assistant.grounding.compare import spelt_out

    assert not extract_details("Min. 1 action / axe ; 4 axes.", CRITERIA, claim=True).axes_numbered
    assert extract_details("Axe n°2 : protéger les plus jeunes.", CRITERIA, claim=True).axes_numbered == {
        CRITERIA.axes[1].id}
    assert spelt_out("AAP", "Appel à projets national MILDECA 2024")
    assert not spelt_out("ETP", "un emploi à temps partiel")
