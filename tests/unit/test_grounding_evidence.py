"""The checker's eighth session (issue 14): a contradiction needs positive evidence of a different value, and a detail
check that does not understand a word abstains rather than rejects. Without any model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.criteria import load_criteria
from assistant.grounding.compare import compare_details
from assistant.grounding.details import extract_details, negation_conflict
from assistant.grounding.structure import stated_counts

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = load_criteria(ROOT / "knowledge" / "calls" / "mildeca-2024")


def kinds(claim: str, passage: str, counts=None) -> list[str]:
    found = compare_details(extract_details(claim, CRITERIA, claim=True), extract_details(passage, CRITERIA), set(),
                            {}, None, counts)
    return [m.kind for m in found if m.blocking]


# -- negation --------------------------------------------------------------------------------------------------
EXCLUSIVE = "Ces axes ne sont pas exclusifs d’autres mesures qui pourraient être jugées pertinentes au vu du contexte local."


def test_a_denied_restriction_said_as_an_addition_agrees_in_any_spelling():
    assert negation_conflict("D'autres mesures peuvent s'ajouter aux axes selon le contexte local.", EXCLUSIVE) is None
    assert negation_conflict("D’autres mesures peuvent s’y ajouter selon le contexte local.", EXCLUSIVE) is None
    assert negation_conflict("Ces axes sont exclusifs de toute autre mesure au vu du contexte local.",
                             EXCLUSIVE) == "removed"


def test_an_absence_is_a_denial():
    passage = "Trois principes : la libre adhésion du jeune et l'absence de mandat nominatif."
    assert negation_conflict("Les éducateurs interviennent sur mandat nominatif.", passage) == "removed"
    assert negation_conflict("Les éducateurs interviennent sans mandat nominatif.", passage) is None


def test_without_x_no_y_states_a_condition_not_two_denials():
    passage = "L'accord des parents est indispensable : le dispositif place la famille au centre."
    assert negation_conflict("Sans l'accord des parents, pas de parcours : la famille est au centre.", passage) is None
    # « sans X ni Y » and « sans aucun X » deny X only, and stay denials
    civic = "Le service civique est ouvert aux 16-25 ans, sans diplôme ni expérience exigés."
    assert negation_conflict("Le service civique exige un diplôme et une expérience.", civic) == "removed"


def test_a_denied_single_word_is_too_thin_to_be_restated():
    passage = "Il finance des activités éducatives pour des jeunes des quartiers, en difficulté ou sans activité."
    assert negation_conflict("Il finance des activités éducatives pour les jeunes des quartiers.", passage) is None


def test_a_denial_is_contradicted_only_by_what_the_passage_affirms():
    passage = "Ces jeunes, parfois sans aucun passé judiciaire, sont attirés par l’argent."
    assert negation_conflict("Certains de ces jeunes n'ont aucun antécédent judiciaire.", passage) is None
    assert negation_conflict("Le programme n'est pas gratuit.", "Le programme, financé par l'ARS, est gratuit.") == "added"


# -- scope -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("claim", [
    "Le phénomène reste circonscrit aux quartiers prioritaires.",
    "Il suffit d'une action concrète dans l'un des axes.",
])
def test_a_restriction_said_in_other_words_must_be_in_the_passage(claim):
    passage = "Le phénomène touche notamment les quartiers prioritaires, mais aussi des petites villes ; au moins une " \
              "action concrète dans chacun des axes."
    assert kinds(claim, passage) == ["portée"]
    assert kinds(claim, passage.replace("notamment", "uniquement").replace("au moins", "seulement")) == []


# -- numbers ---------------------------------------------------------------------------------------------------
def test_a_proportion_in_words_around_its_subject_is_a_proportion():
    passage = "Objectif : qu'au moins 30 % des 13-18 ans bénéficient d'interventions CPS."
    assert kinds("Au moins trois jeunes de 13 à 18 ans sur dix doivent bénéficier d'interventions CPS.", passage) == []
    assert kinds("Au moins cinq jeunes de 13 à 18 ans sur dix doivent bénéficier d'interventions CPS.",
                 passage) == ["proportion"]


def test_a_widened_proportion_covers_the_values_its_words_allow_and_no_other():
    passage = "trafic présent dans 79 % des communes ; 37 % des achats passent par internet ; 23 % des adolescents."
    assert kinds("Le trafic est présent dans près de huit communes sur dix.", passage) == []
    assert kinds("Moins d'un quart des adolescents connaissent les CJC.", passage) == []
    assert kinds("Plus de la moitié des achats passent par internet.", "37 % des achats passent par internet.") == [
        "proportion"]


def test_a_multiplier_needs_two_values_of_the_passage_in_that_ratio():
    passage = "48,5 % des fumeurs des établissements participants, contre 24,2 % de l'ensemble des fumeurs."
    assert kinds("La part était deux fois plus élevée dans les établissements participants.", passage) == []
    assert kinds("La part était trois fois plus élevée dans les établissements participants.", passage) == ["nombre"]


def test_an_approximate_number_may_stand_for_an_amount():
    passage = "contre une indemnité d'environ 15 € par demi-journée."
    assert kinds("Une indemnité d'une quinzaine d'euros la demi-journée.", passage) == []
    assert kinds("Une indemnité d'une cinquantaine d'euros la demi-journée.", passage) == ["nombre"]


def test_both_of_them_counts_what_the_sentence_names():
    passage = "Un accompagnement financier et méthodologique aux communes ou aux intercommunalités."
    assert kinds("Communes et intercommunalités peuvent toutes deux en bénéficier.", passage) == []
    assert "nombre" in kinds("Les communes peuvent candidater tous les deux ans.", passage)


def test_items_before_the_verb_that_counts_them_establish_the_count():
    claim = "Réduire l'attrait des réseaux, et offrir des alternatives au trafic, sont deux des axes de l'appel."
    counted = stated_counts(claim, lambda part: extract_details(part, claim=True).counted)
    assert counted == {(2, "axe"): "la phrase en énumère 2"}
    assert stated_counts("Réduire l'attrait des réseaux sont trois des axes.",
                         lambda part: extract_details(part, claim=True).counted) == {}


# -- finalités -------------------------------------------------------------------------------------------------
def test_a_subject_the_call_words_under_another_finalite_is_a_mismatch_whatever_the_passage():
    from assistant.grounding.finalites import finalite_mismatch

    wrong = finalite_mismatch("Soutenir les parents relève de la finalité « lutter contre l'image positive des "
                              "réseaux ».", CRITERIA)
    assert wrong and "prévenir l'entrée" in wrong
    assert finalite_mismatch("Soutenir les parents relève de la finalité « prévenir l'entrée dans les réseaux ».",
                             CRITERIA) is None
    # one word of another finalité's wording (« lien ») is not enough to place the subject
    assert finalite_mismatch("Lien avec l'appel : la MDA sert la finalité « mieux détecter les jeunes susceptibles "
                             "de basculer ».", CRITERIA) is None
