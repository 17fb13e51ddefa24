"""What lets the checker recognise a faithful paraphrase, without any model: the domain's synonyms, a passage's lists
and their counts, the call's own data, and a date given as another limit of the same day (a nuance)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.criteria import load_criteria
from assistant.errors import ConfigurationError
from assistant.grounding.call_data import call_counts, criteria_statements, fact_statements
from assistant.grounding.compare import compare_details
from assistant.grounding.details import extract_details
from assistant.grounding.structure import listed_counts, passage_sentences
from assistant.grounding.synonyms import Synonyms, load_synonyms

ROOT = Path(__file__).resolve().parents[2]
MILDECA = ROOT / "knowledge" / "calls" / "mildeca-2024"
TEST_CALL = ROOT / "tests" / "data" / "knowledge" / "calls" / "test-call"
CRITERIA = load_criteria(MILDECA)
AXES = """Le projet doit comporter au moins 1 action concrète dans chacun des axes suivants :

- concevoir un projet de prévention ;
- protéger les plus jeunes ;
- lutter contre l'attractivité des réseaux criminels ;
- proposer des alternatives au trafic.

Ces axes ne sont pas exclusifs d'autres mesures."""


def compare(claim: str, passage: str, counts=None):
    return compare_details(extract_details(claim, CRITERIA, claim=True), extract_details(passage, CRITERIA), set(),
                           {}, None, counts)


# -- synonyms ---------------------------------------------------------------------------------------------------
def test_the_call_pack_lists_the_domain_synonyms_and_a_sentence_is_read_in_the_calls_wording():
    synonyms = load_synonyms(MILDECA)
    text, swaps = synonyms.rewrite("Le dossier se dépose uniquement en ligne ; la MILDECA apporte un soutien.")
    assert text == "Le dossier se dépose uniquement dématérialisé ; la MILDECA apporte un accompagnement."
    assert swaps == [("en ligne", "dématérialisé"), ("soutien", "accompagnement")]
    rewritten, _ = synonyms.rewrite("Les collectivités du bloc communal peuvent candidater.")
    assert rewritten == "Les communes et intercommunalités peuvent déposer un dossier de candidature."
    assert synonyms.rewrite("La ligne de bus dessert le quartier.") == ("La ligne de bus dessert le quartier.", [])


def test_a_call_without_synonyms_has_none_and_a_broken_file_is_refused_in_french(tmp_path):
    assert load_synonyms(TEST_CALL).rewrite("en ligne") == ("en ligne", [])
    (tmp_path / "synonyms.yaml").write_text("groups:\n  - [seul]\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="synonymes invalides"):
        load_synonyms(tmp_path)
    assert Synonyms(groups=[["a b", "c"]]).rewrite("C et c.")[0] == "a b et a b."


# -- lists and counts -------------------------------------------------------------------------------------------
def test_a_list_item_is_read_with_its_lead_in_and_a_list_counts_its_items():
    found = passage_sentences(AXES)
    lead = "Le projet doit comporter au moins 1 action concrète dans chacun des axes suivants :"
    assert [l for _, _, l in found] == [None, lead, lead, lead, lead, None]
    assert listed_counts(AXES) == {(4, "axe")}


@pytest.mark.parametrize("claim", ["Les quatre axes ne sont pas exclusifs d'autres mesures.",
                                   "Il faut une action dans chacun des 4 grands axes."])
def test_a_count_the_passage_lists_is_given_with_where_it_comes_from(claim):
    found = compare(claim, "Ces axes ne sont pas exclusifs d'autres mesures.", {(4, "axe"): "le passage en énumère 4"})
    assert [(m.kind, m.blocking) for m in found] == [("compte", False)]
    assert "le passage en énumère 4" in found[0].message


def test_a_wrong_count_stays_a_mismatch():
    counts = {(4, "axe"): "le passage en énumère 4"}
    [wrong] = compare("Les cinq axes ne sont pas exclusifs d'autres mesures.", "Ces axes ne sont pas exclusifs.", counts)
    assert wrong.blocking and "5" in wrong.message
    [other] = compare("L'appel vise cinq axes.", "L'appel vise cinq finalités et quatre axes.")
    assert other.blocking and "le passage en compte 4" in other.message


# -- dates as limits --------------------------------------------------------------------------------------------
def test_until_for_before_the_same_day_is_a_nuance_after_is_a_contradiction():
    [nuance] = compare("Les dossiers se déposent jusqu'au 30 avril 2024.", "Dépôt avant le 30 avril 2024.")
    assert nuance.kind == "nuance" and not nuance.blocking
    assert "jusqu'au 30 avril 2024" in nuance.message and "avant le 30 avril 2024" in nuance.message
    [after] = compare("Les dossiers se déposent après le 30 avril 2024.", "Dépôt avant le 30 avril 2024.")
    assert after.kind == "date" and after.blocking
    assert compare("Les dossiers se déposent au plus tard avant le 30/04/2024.", "Dépôt avant le 30 avril 2024.") == []
    [other_day] = compare("Les dossiers se déposent jusqu'au 30 mai 2024.", "Dépôt avant le 30 avril 2024.")
    assert other_day.blocking and "30 mai 2024" in other_day.message


@pytest.mark.parametrize("claim, words", [("L'appel s'adresse à toutes les communes.", "toutes les"),
                                          ("Seules les communes peuvent candidater.", "seules")])
def test_a_scope_the_passage_does_not_give_is_a_mismatch(claim, words):
    [scope] = compare(claim, "L'appel s'adresse aux communes et aux intercommunalités.")
    assert scope.kind == "portée" and words in scope.message.lower()
    assert compare("Un plan peut viser une seule finalité ou plusieurs.", "Une ou plusieurs finalités.") == []


def test_an_obligation_the_passage_does_not_make_is_a_mismatch():
    [must] = compare("Un plan d'actions doit obligatoirement viser plusieurs finalités.",
                     "Chaque plan d'actions vise une ou plusieurs des finalités.")
    assert must.kind == "portée" and "obligatoirement" in must.message and "obligatoire" in must.message
    assert compare("Le projet doit obligatoirement comporter une action par axe.",
                   "Le projet doit comporter au moins une action concrète dans chaque axe.") == []


@pytest.mark.parametrize("claim, passage", [
    ("Le programme s'adresse aux jeunes âgés entre 11 et 14 ans.", "Le programme vise les 11-14 ans."),
    ("Vingt-cinq communes ont rejoint le réseau.", "25 communes ont rejoint le réseau."),
    ("Chaque axe compte au moins une action, et les plénières traitent uniquement de données anonymisées.",
     "Une action au moins dans chacun des axes ; les plénières ne traitent que de données anonymisées."),
])
def test_ages_spelt_numbers_and_scopes_said_in_other_words_agree(claim, passage):
    assert compare(claim, passage) == []


def test_other_ages_and_numbers_stay_mismatches():
    assert [m.kind for m in compare("Le programme s'adresse aux jeunes âgés entre 12 et 15 ans.",
                                    "Le programme vise les 11-14 ans.")] == ["âge"]
    assert [m.kind for m in compare("Trente-cinq communes ont rejoint le réseau.", "25 communes ont rejoint le réseau.")
            ] == ["nombre"]


# -- the call's data --------------------------------------------------------------------------------------------
def test_the_calls_data_are_sentences_taken_from_the_call_pack_of_any_call():
    other = load_criteria(TEST_CALL)
    texts = [s.text for s in criteria_statements(other)]
    assert "L'appel s'adresse aux communes et aux syndicats mixtes." in texts
    assert "Les dossiers sont à déposer avant le 15 septembre 2025." in texts
    assert "L'appel compte trois axes d'intervention." in texts
    assert not any("MILDECA" in t or "30 avril" in t for t in texts)
    assert call_counts(other)[(3, "axe")] == "l'appel compte 3 axes"
    assert "L'appel compte quatre axes d'intervention." in [s.text for s in criteria_statements(CRITERIA)]


def test_a_facts_answer_loses_its_yes_or_no_and_keeps_its_quotes():
    [statement] = fact_statements({"Non : le dépôt est uniquement dématérialisé.": ["DÉPÔT (uniquement dématérialisé)"]})
    assert statement.text == "Le dépôt est uniquement dématérialisé."
    assert statement.evidence == "« DÉPÔT (uniquement dématérialisé) »"
