"""The text side of grounding, without any model: sentences, claims, details, names, negation."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.criteria import load_criteria
from assistant.grounding.claims import claims_of
from assistant.grounding.compare import compare_details, compare_names
from assistant.grounding.details import extract_details, negation_conflict
from assistant.grounding.entities import EntityLexicon
from assistant.loaders import load_knowledge
from assistant.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = load_criteria(ROOT / "knowledge" / "calls" / "mildeca-2024")


@pytest.fixture(scope="module")
def lexicon() -> EntityLexicon:
    docs = load_knowledge(ROOT / "knowledge")
    return EntityLexicon.build(CRITERIA, [(d.title, d.text) for d in docs])


# -- sentences --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("M. Dupont, maire, a signé. Mme Durand aussi.", ["M. Dupont, maire, a signé.", "Mme Durand aussi."]),
    ("Selon l'art. 5 de la loi n° 2021-646, le taux est de 1.5 %. Ensuite on voit.",
     ["Selon l'art. 5 de la loi n° 2021-646, le taux est de 1.5 %.", "Ensuite on voit."]),
    ("Voici :\n- premier point ;\n- second point.\n1) un\na) trois", ["Voici :", "premier point ;", "second point.",
                                                                        "un", "trois"]),
    ("Des clubs, des associations, etc. Les bailleurs suivent.", ["Des clubs, des associations, etc.",
                                                                   "Les bailleurs suivent."]),
    ("Voir les clubs, etc. Marseille en compte.", ["Voir les clubs, etc. Marseille en compte."]),
    ("Il a dit « non. » Puis il est parti.", ["Il a dit « non. »", "Puis il est parti."]),
    ("Dépôt avant le 30 avril 2024. Le 1er octobre 2021, le CJPM entre en vigueur.",
     ["Dépôt avant le 30 avril 2024.", "Le 1er octobre 2021, le CJPM entre en vigueur."]),
])
def test_french_sentences_survive_abbreviations_numbers_and_lists(text, expected):
    assert split_sentences(text) == expected


def test_claims_drop_headings_and_list_introductions_and_keep_their_citations():
    text = ("## Dépôt\nLe dossier se dépose avant le 30 avril 2024 [1].\n\nÀ retenir :\n"
            "- **PSFP** : un cycle de 14 séances [2, 3].\n- Oui.")
    claims = claims_of(text)
    assert [(c.text, c.cited) for c in claims] == [
        ("Le dossier se dépose avant le 30 avril 2024.", (1,)),
        ("**PSFP** : un cycle de 14 séances.", (2, 3)),
    ]
    assert claims[1].plain == "PSFP : un cycle de 14 séances."
    assert claims[1].without_label == "un cycle de 14 séances."


# -- details ----------------------------------------------------------------------------------------------------
def test_dates_in_french_and_numeric_forms_are_the_same_date():
    words, digits = extract_details("avant le 30 avril 2024"), extract_details("avant le 30/04/2024")
    assert words.dates == digits.dates == {(30, 4, 2024)}
    assert compare_details(extract_details("le 30/04/2024"), words, set(), {}) == []
    [mismatch] = compare_details(extract_details("avant le 30 mai 2024"), words, set(), {})
    assert mismatch.kind == "date" and "30 mai 2024" in mismatch.message and "30 avril 2024" in mismatch.message


def test_amounts_are_compared_by_value_whatever_their_notation():
    source = extract_details("2 M€ issus du Fonds de concours et 150 000 € sur deux ans")
    assert compare_details(extract_details("2 millions d'euros et 150 000 euros"), source, set(), {}) == []
    [mismatch] = compare_details(extract_details("5 M€ issus du Fonds de concours"), source, set(), {})
    assert mismatch.kind == "montant"


def test_ages_compare_as_ranges_and_spelled_numbers_as_digits():
    source = extract_details("pour des jeunes de 11 à 18 ans, pendant deux heures")
    assert compare_details(extract_details("pour les 11-18 ans, pendant 2 heures"), source, set(), {}) == []
    assert [m.kind for m in compare_details(extract_details("pour les 18-25 ans"), source, set(), {})] == ["âge"]
    assert [m.kind for m in compare_details(extract_details("pendant trois heures"), source, set(), {})] == ["nombre"]


@pytest.mark.parametrize("claim, passage, expected", [
    ("Ces axes sont exclusifs d'autres mesures.", "Ces axes ne sont pas exclusifs d’autres mesures.", "removed"),
    ("Ces axes ne sont pas exclusifs d'autres mesures.", "Ces axes ne sont pas exclusifs d’autres mesures.", None),
    ("Le maire ne dispose d'aucune compétence propre.", "Le maire dispose d'une compétence propre.", "added"),
    ("Tabado porte sur le cannabis et les trafics.", "Il ne porte ni sur le cannabis ni sur les trafics.", "removed"),
    # a negation elsewhere in the passage does not count against the sentence
    ("L'évaluation montre un effet net sur la consommation d'alcool.",
     "Évaluation montrant un effet net sur la consommation d'alcool ; aucune donnée sur les trafics n'a été trouvée.",
     None),
    ("Ces jeunes sont attirés non seulement par l'argent.", "Ils sont attirés non seulement par l'argent.", None),
    # « sans » denies the words right after it, not the rest of the clause
    ("DARE est un programme dont l'effet a été démontré.", "DARE : programme américain sans effet démontré.", "removed"),
    ("Les CJC reçoivent les jeunes qui s'interrogent sur les écrans et les jeux vidéo.",
     "Elles reçoivent les jeunes qui s'interrogent sur des pratiques sans produit comme les jeux vidéo ou les écrans.",
     None),
    ("Les moins de 16 ans ne relèvent pas de la PSAD.", "Jeunes de moins de 16 ans : hors PSAD, ils relèvent du PRE.",
     None),
])
def test_negation_is_compared_clause_by_clause(claim, passage, expected):
    assert negation_conflict(claim, passage) == expected


def test_axis_numbers_must_match_the_call_wording():
    swapped = extract_details("Le troisième axe consiste à protéger les plus jeunes.", CRITERIA, claim=True)
    assert swapped.axes_numbered == {"attractivite"} and swapped.axes_named == {"protection"}
    [mismatch] = compare_details(swapped, extract_details("protéger les plus jeunes", CRITERIA), {"protection"},
                                 {a.id: a.short for a in CRITERIA.axes})
    assert mismatch.kind == "axe"
    right = extract_details("Le deuxième axe consiste à protéger les plus jeunes.", CRITERIA, claim=True)
    assert compare_details(right, extract_details("protéger les plus jeunes", CRITERIA), {"protection"}, {}) == []
    # without the word « axe », the same words are no reference to an axis
    assert not extract_details("Il faut protéger les plus jeunes.", CRITERIA, claim=True).axes


# -- names --------------------------------------------------------------------------------------------------------
def test_actors_acronyms_programmes_and_places_are_required(lexicon):
    required = lexicon.required("La PJJ et la gendarmerie travaillent avec Primavera à Sarcelles.")
    assert set(required) == {"actor:pjj", "actor:gendarmerie", "prog:primavera", "name:sarcelle"}
    assert lexicon.required("La commune réunit les associations.") == {}  # too common to prove anything


def test_a_name_is_offered_in_any_of_its_forms(lexicon):
    offered = lexicon.offered("Protection judiciaire de la jeunesse\nLes séjours VVV et la police nationale (PN).")
    assert not compare_names(lexicon.required("La PJJ oriente vers Ville Vie Vacances."), offered)
    [mismatch] = compare_names(lexicon.required("La gendarmerie oriente vers Ville Vie Vacances."), offered)
    assert mismatch.kind == "nom" and "gendarmerie" in mismatch.message
