"""What may be said as an answer sentence (`assistant/answering/base.is_answer_sentence`): never a piece of a fiche's
« Sources : » line, a bibliographic reference or a bare address; ordinary sentences, even naming a site, are."""

from __future__ import annotations

import pytest

from assistant.answering.base import is_answer_sentence
from assistant.answering.extractive import asked_detail_bonus, carries, states_its_public
from assistant.answering.query import AnswerType, asked_details


@pytest.mark.parametrize("line", [
    "Sources : Appel à projet - REAAP, Caf de Paris, 2024.",
    "Appel à projet - REAAP, Caf de Paris, 2024",
    "https://www.drogues.gouv.fr/appels-a-projets",
    # a piece of the sources line cut at a title's full stop: it ends with a bare site name
    "Cap, pas cap de dire non (fiche programme), Sirena CPS (Santé publique France), sirena-cps.fr ;",
])
def test_reference_lines_are_never_answer_sentences(line):
    assert not is_answer_sentence(line)


@pytest.mark.parametrize("sentence", [
    "Les CJC sont le plus souvent rattachées à un CSAPA.",
    "Le dossier se dépose sur demarches-simplifiees.fr.",  # a site named in a sentence, not a reference line
    "L'appel s'adresse aux communes et aux intercommunalités.",
])
def test_ordinary_sentences_are_answer_sentences(sentence):
    assert is_answer_sentence(sentence)


@pytest.mark.parametrize("question, carrying, not_carrying", [
    ("c'est payé combien ?", "une indemnité d'environ 15 € par demi-journée.", "des jeunes de 16 et 17 ans."),
    ("Combien de séances faut-il prévoir ?", "Le programme compte douze séances d'une heure.",
     "Il concerne 12 à 14 ans."),
    ("Il y a combien d'ateliers ?", "Huit ateliers sont proposés aux parents.", "Un atelier dure 2 heures."),
])
def test_a_how_many_question_prefers_the_sentence_with_what_it_counts(question, carrying, not_carrying):
    assert asked_detail_bonus(asked_details(question), carrying) > 0
    assert asked_detail_bonus(asked_details(question), not_carrying) == 0


@pytest.mark.parametrize("question, carrying, not_carrying", [
    ("C'est payant pour les familles ?", "La consultation est gratuite pour les usagers.",
     "Diffuser une procédure simple pour proposer la CJC à une famille."),
    ("Le programme a-t-il été évalué ?", "La version française a été évaluée par Santé publique France en 2019.",
     "Le programme est destiné aux collégiens de 6e et de 5e."),
    ("Et ça marche vraiment ?", "Les résultats de suivi sont encourageants sur 42 sites.",
     "Dresser l'inventaire des lieux à partir du diagnostic."),
    ("c'est qui qui finance ?", "Le professionnel est employé par une structure conventionnée avec la CAF.",
     "Le concept vient de Suède."),
    ("Combien coûte un chantier éducatif ?", "Coût : les sources consultées ne donnent pas de coût type.",
     "Un chantier éducatif confie à un petit groupe de jeunes des travaux courts et rémunérés."),
])
def test_a_question_on_price_or_evaluation_favours_the_sentence_that_answers_it(question, carrying, not_carrying):
    asked = asked_details(question)
    assert asked_detail_bonus(asked, carrying) > asked_detail_bonus(asked, not_carrying) == 0


def test_for_whom_it_works_is_not_a_question_on_its_evaluation():
    assert not asked_details("ça marche pour des gamins de 13 ans ?").evidence
    assert asked_details("ça marche vraiment ?").evidence
    assert not asked_details("Quelles sont les étapes ?")


def test_an_age_range_holding_the_asked_ages_states_the_public():
    assert states_its_public("Les 12-15 ans, cœur du guet, ne relèvent pas de ce dispositif.", (14, 14))
    assert not states_its_public("Les 16-25 ans y sont accueillis.", (14, 14))
    assert states_its_public("Public visé : jeunes de 16 à 25 ans.", None)
    assert not states_its_public("Les 12-15 ans ne relèvent pas de ce dispositif.", None)


def test_a_rhythm_is_not_how_long_it_lasts():
    assert not carries(AnswerType.HOW_LONG, "La mission dure au moins 24 heures par semaine.", None)
    assert carries(AnswerType.HOW_LONG, "Un engagement volontaire de 6 à 12 mois.", None)


def test_yes_or_no_answers_the_first_clause_of_an_alternative_question():
    from assistant.answering.facts import main_alternative
    assert main_alternative("notre communaute de communes peut candidater, ou c'est reserve aux communes ?") == \
        "notre communaute de communes peut candidater"
    assert main_alternative("y a-t-il un appui, ou bien seulement de l'argent ?") == "y a-t-il un appui"
    assert main_alternative("par courrier ou en ligne ?") == "par courrier ou en ligne ?"


def test_a_public_named_by_its_school_level_spans_its_ages():
    from assistant.answering.actions import fiche_ages, fits_ages
    public = "collégiens et lycéens absentéistes ; jeunes de 16 à 18 ans sans solution ; décrocheurs jusqu'à 25 ans"
    assert fiche_ages(public) == (11, 25) and fits_ages((15, 15), fiche_ages(public))
    assert fiche_ages("collégiens (5e à 3e en priorité), jeunes des structures de quartier") == (11, 15)
    assert fiche_ages("jeunes de 16 à 25 ans sans emploi") == (16, 25)
    assert fiche_ages("parents d'enfants et d'adolescents du territoire") is None


def test_a_sentence_naming_a_programme_for_other_ages_is_no_idea_for_these_ages():
    from pathlib import Path
    from assistant.answering.actions import fiche_ages, names_a_programme_for_other_ages
    from assistant.glossary import Glossary
    glossary = Glossary.from_knowledge(Path(__file__).resolve().parents[2] / "knowledge")
    ages = {s.fiche: fiche_ages(s.public or "") for s in glossary.subjects if s.fiche}
    sentence = "Les plates-formes coordonnent les missions locales, le CIO, l'E2C et l'EPIDE."
    assert names_a_programme_for_other_ages(sentence, (11, 15), glossary, ages)
    assert not names_a_programme_for_other_ages(sentence, (16, 25), glossary, ages)
    assert not names_a_programme_for_other_ages("Former les animateurs du collège.", (11, 15), glossary, ages)


def test_a_list_item_leading_an_answer_reads_as_a_sentence():
    from assistant.answering.extractive import as_sentence, compose
    assert as_sentence("aide annuelle de l'État de 21 246,52 € par poste ;") == \
        "Aide annuelle de l'État de 21 246,52 € par poste."
    assert as_sentence("Le PSFP compte 14 séances.") == "Le PSFP compte 14 séances."
    assert compose([("médiateurs âgés d'au moins 26 ans ;", 1), ("convention de trois ans ;", 2)]).startswith(
        "Médiateurs âgés d'au moins 26 ans. [1]\n\n- convention de trois ans ; [2]")


def test_what_the_young_are_paid_comes_before_what_it_costs():
    asked = asked_details("Combien touchent les jeunes ?")
    assert asked.pay
    paid = "Les jeunes reçoivent une indemnité d'environ 15 € par demi-journée."
    cost = "Coût : l'exemple de Laval (66 405 € pour 811 jeunes en 2021) donne un ordre de grandeur."
    assert asked_detail_bonus(asked, paid) > asked_detail_bonus(asked, cost) > 0


def test_a_count_of_the_calls_list_that_the_question_gets_wrong_is_set_right_first():
    from pathlib import Path

    from assistant.answering.facts import _count_corrected
    from assistant.call_facts import load_call_facts
    from assistant.criteria import load_criteria

    call = Path(__file__).resolve().parents[2] / "knowledge" / "calls" / "mildeca-2024"
    criteria, facts = load_criteria(call), load_call_facts(call)
    axes = next(f for f in facts.facts if f.lists_axes)
    finalites = next(f for f in facts.facts if f.lists_finalites)
    assert _count_corrected(axes.answer, "les cinq axes obligatoires c'est quoi ?", axes, criteria) \
        .startswith("Attention, pas cinq : l'appel compte quatre axes")
    assert _count_corrected(finalites.answer, "les 3 finalites ?", finalites, criteria).startswith("Attention, pas trois")
    # the right count, or no count, changes nothing
    assert _count_corrected(axes.answer, "les 4 axes ?", axes, criteria) == axes.answer
    assert _count_corrected(axes.answer, "les axes ?", axes, criteria) == axes.answer
