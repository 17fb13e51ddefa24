"""Counts and denials a reviewer says in other words than the passage (issue 14, session 14), without any model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.criteria import load_criteria
from assistant.grounding.compare import compare_details
from assistant.grounding.details import extract_details, negation_conflict

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = load_criteria(ROOT / "knowledge" / "calls" / "mildeca-2024")
LABELS = {a.id: a.short for a in CRITERIA.axes}


def mismatches(claim: str, passage: str) -> list:
    unit = extract_details(passage, CRITERIA)
    found = compare_details(extract_details(claim, CRITERIA, claim=True), unit, unit.axes, LABELS)
    return [m.message for m in found if m.blocking]


@pytest.mark.parametrize("claim, passage, agrees", [
    ("Le tableau de bord est actualisé quatre fois par an.", "Tenir un tableau de bord mis à jour chaque trimestre.",
     True),
    ("Le tableau de bord est actualisé six fois par an.", "Tenir un tableau de bord mis à jour chaque trimestre.",
     False),
    ("Un programme de vingt-quatre mois.", "Un programme de deux ans financé par la MILDECA.", True),
    ("Un programme de dix-huit mois.", "Un programme de deux ans financé par la MILDECA.", False),
    ("Plus de huit mille actions ont été recensées.", "Plus de 8 300 actions ont été recensées en 2016.", True),
    ("Plus de dix mille actions ont été recensées.", "Plus de 8 300 actions ont été recensées en 2016.", False),
    ("Une enveloppe d'un demi-million d'euros.", "Une enveloppe nationale de 500 000 € annoncée au lancement.", True),
    ("L'abattement porte sur trois dixièmes de la TFPB.", "Un abattement de 30 % sur la TFPB.", True),
    ("L'abattement porte sur deux cinquièmes de la TFPB.", "Un abattement de 30 % sur la TFPB.", False),
    ("Le réseau existe depuis la fin des années 1990.", "Les REAAP existent depuis 1999.", True),
    ("Le réseau existe depuis la fin des années 1980.", "Les REAAP existent depuis 1999.", False),
    ("L'enveloppe a baissé de 13 M€ en un an.", "87,4 M€ en 2024, 74,4 M€ en 2025.", True),
])
def test_a_count_said_otherwise(claim, passage, agrees):
    assert (mismatches(claim, passage) == []) is agrees, mismatches(claim, passage)


def test_ne_que_restricts_and_exclure_denies():
    passage = "L'accord des parents est indispensable : le dispositif place la famille au centre."
    assert negation_conflict("Le PRE ne peut accompagner un enfant qu'avec l'accord de ses parents.", passage) is None
    framed = "Inscrire le principe dans la note de cadrage : pas d'intervention fondée sur la peur, le choc ou la honte."
    assert negation_conflict("La note de cadrage exclura toute intervention fondée sur la peur.", framed) is None
    assert negation_conflict("La note de cadrage prévoit une intervention fondée sur la peur.", framed) == "removed"


def test_a_denied_obligation_is_none():
    claim = extract_details("Solliciter le référent même lorsqu'aucune ESSP n'est obligatoire.", CRITERIA, claim=True)
    assert "must" not in claim.scope
    assert "must" in extract_details("Une ESSP est obligatoire pour ce projet.", CRITERIA, claim=True).scope


def test_a_small_number_after_plus_de_or_moins_de_is_a_limit_not_a_rounding():
    assert mismatches("La peine est aggravée si le mineur a moins de 16 ans.", "Un mineur de moins de 15 ans.")
    assert mismatches("Des médiateurs âgés d'au moins 25 ans.", "Des médiateurs âgés de 26 ans et plus.")


@pytest.mark.parametrize("claim, agrees", [
    ("La fiche pose trois conditions, avoir 26 ans, être sans emploi et résider en quartier prioritaire.", True),
    ("Trois leviers : la parentalité ; les idées reçues ; l'image positive.", True),
    ("La fiche pose quatre conditions, avoir 26 ans, être sans emploi et résider en quartier prioritaire.", False),
    ("La fiche pose trois conditions, dont l'âge.", False),  # no list after it: the passage must count them
])
def test_a_count_of_the_items_the_sentence_lists_itself(claim, agrees):
    passage = "Les adultes-relais ont au moins 26 ans, sont sans emploi et résident en quartier prioritaire."
    assert (mismatches(claim, passage) == []) is agrees
