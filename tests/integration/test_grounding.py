"""The grounding checker over the real knowledge base, real Chroma and the real embedding model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.grounding import GroundingReport

pytestmark = pytest.mark.integration
SMALL = Path(__file__).resolve().parents[1] / "data" / "knowledge"


def passage(assistant, doc_id: str, text: str) -> dict:
    """A passage as an answer cites it: the words of a document, with its title and section."""
    chunk = next(c for c in assistant.kb.store.all_chunks()
                 if c.doc_id == doc_id and " ".join(text.split()) in " ".join(c.text.split()))
    return {"doc_id": doc_id, "title": chunk.title, "section": chunk.section, "text": text}


DEPOT = ("mildeca-2024", "Dépôt des dossiers de candidature avant le 30 avril 2024 sur la plateforme démarche simplifiée")
PSFP = ("psfp", "Le principe : un groupe d'une dizaine de familles volontaires se retrouve chaque semaine pendant deux "
                "heures, sur 14 séances pour les versions 6-11 ans et 12-16 ans, 12 séances pour les 3-6 ans.")
AXES = ("mildeca-2024", "Ces axes ne sont pas exclusifs d’autres mesures qui pourraient être jugées pertinentes au vu du "
                        "contexte local.")
ARGENT = ("argent-de-poche", "« Argent de poche » permet à des adolescents de 16 et 17 ans d'effectuer, pendant les "
                             "vacances scolaires, de petites missions au service de la commune, par demi-journées de "
                             "trois heures, contre une indemnité d'environ 15 € par demi-journée.")
PJJ = ("pjj-partenariat", "La **Protection judiciaire de la jeunesse (PJJ)**, direction du ministère de la Justice, met en "
                          "œuvre les décisions des juges des enfants, en assistance éducative comme au pénal, où "
                          "s'applique depuis le 30 septembre 2021 le Code de la justice pénale des mineurs.")
UNPLUGGED = ("unplugged", "Lien avec l'appel : c'est une action de l'axe « protéger les plus jeunes » (finalité « prévenir "
                          "l'entrée »).")


def verdict(assistant, source: tuple[str, str], sentence: str):
    report = assistant.check(f"{sentence} [1]", passages=[passage(assistant, *source)])
    [checked] = report.sentences
    return checked


@pytest.mark.parametrize("source, paraphrase", [
    (DEPOT, "Les candidatures se déposent sur la plateforme Démarches simplifiées, au plus tard avant le 30/04/2024."),
    (PSFP, "Dans le PSFP, une dizaine de familles volontaires se réunissent chaque semaine pendant deux heures, sur "
           "14 séances pour les 6-11 ans et les 12-16 ans."),
    (AXES, "Les axes ne sont pas exclusifs : d'autres mesures jugées pertinentes au vu du contexte local peuvent s'y "
           "ajouter."),
    (ARGENT, "Avec « Argent de poche », des jeunes de 16 et 17 ans font de petites missions pour la commune pendant "
             "les vacances, indemnisées environ 15 € la demi-journée."),
    (PJJ, "Direction du ministère de la Justice, la PJJ exécute les décisions des juges des enfants, en assistance "
          "éducative comme au pénal."),
    (UNPLUGGED, "Unplugged est une action de l'axe « protéger les plus jeunes », au service de la finalité « prévenir "
                "l'entrée »."),
])
def test_a_paraphrase_in_other_words_is_supported_by_its_passage(knowledge_assistant, source, paraphrase):
    checked = verdict(knowledge_assistant, source, paraphrase)
    assert checked.verdict == "supported", checked.reason
    assert checked.passage.doc_id == source[0]
    assert checked.citations[0].correct


@pytest.mark.parametrize("source, negative, detail", [
    (DEPOT, "Les candidatures se déposent sur la plateforme Démarches simplifiées avant le 30 mai 2024.",
     "30 mai 2024"),
    (ARGENT, "Avec « Argent de poche », des jeunes de 16 et 17 ans font de petites missions pour la commune, "
             "indemnisées environ 25 € la demi-journée.", "25 €"),
    (PSFP, "Dans le PSFP, une dizaine de familles se réunissent chaque semaine, sur 14 séances pour les versions "
           "8-12 ans et 13-17 ans.", "ans"),
    (PJJ, "La gendarmerie met en œuvre les décisions des juges des enfants, en assistance éducative comme au pénal.",
     "gendarmerie"),
    (PSFP, "Dans le programme Primavera, une dizaine de familles volontaires se retrouvent chaque semaine pendant "
           "deux heures, sur 14 séances.", "Primavera"),
    (AXES, "Ces axes sont exclusifs de toute autre mesure, même pertinente au vu du contexte local.", "négative"),
    (PJJ, "La PJJ ne met pas en œuvre les décisions des juges des enfants.", "négative"),
    # the call's statement of its fourth axis (by rank) is now closer than the fiche, and does not name Unplugged
    (UNPLUGGED, "Unplugged est une action du quatrième axe, « proposer des alternatives au trafic ».", "Unplugged"),
], ids=["date", "amount", "age", "actor", "programme", "negation-removed", "negation-added", "axis"])
def test_each_kind_of_hard_negative_is_unsupported_with_the_detail_named(knowledge_assistant, source, negative,
                                                                         detail):
    checked = verdict(knowledge_assistant, source, negative)
    assert checked.verdict == "unsupported", checked.reason
    assert detail in checked.reason
    assert not checked.citations[0].correct  # the passage it cites does not support it either


def test_a_wrong_citation_is_reported_with_the_passage_that_does_support_the_sentence(knowledge_assistant):
    text = ("Le dépôt des dossiers se fait avant le 30 avril 2024 sur la plateforme démarche simplifiée [1]. "
            "Dans le PSFP, une dizaine de familles volontaires se retrouvent chaque semaine pendant deux heures [2].")
    passages = [passage(knowledge_assistant, *PSFP), passage(knowledge_assistant, *DEPOT)]  # the numbers swapped
    report = knowledge_assistant.check(text, passages=passages)
    assert [s.verdict for s in report.sentences] == ["supported", "supported"]
    for sentence, right_doc in zip(report.sentences, ["mildeca-2024", "psfp"]):
        [citation] = sentence.citations
        assert not citation.correct and citation.reason.startswith("Citation erronée")
        assert citation.supporting is not None and citation.supporting.doc_id == right_doc
    assert len(report.wrong_citations) == 2
    fixed = knowledge_assistant.check(text.replace("[1]", "[x]").replace("[2]", "[1]").replace("[x]", "[2]"),
                                      passages=passages)
    assert not fixed.wrong_citations


def test_a_citation_to_a_passage_that_is_not_given_is_wrong(knowledge_assistant):
    report = knowledge_assistant.check("Le dépôt se fait avant le 30 avril 2024 [3].",
                                       passages=[passage(knowledge_assistant, *DEPOT)])
    [citation] = report.sentences[0].citations
    assert not citation.correct and "n° 3" in citation.reason


@pytest.mark.parametrize("question", ["Jusqu'à quand peut-on déposer le dossier ?",
                                      "Le PSFP s'adresse à quelles familles ?",
                                      "Comment fonctionne le dispositif argent de poche ?",
                                      "Quel est le rôle de la PJJ ?",
                                      "Quelles actions proposer pour l'axe 3 ?"])
def test_an_extractive_answer_comes_out_fully_supported(knowledge_assistant, question):
    answer = knowledge_assistant.ask(question)
    assert answer.mode == "none" and not answer.insufficient_evidence
    assert answer.grounding.supported >= 1
    assert answer.grounding.weak == 0 and answer.grounding.unsupported == 0
    report = knowledge_assistant.check(answer.answer, passages=answer.citations)
    counts = {"supported", "weak", "unsupported"}  # whether it answers the question is the answer's own
    assert report.summary.model_dump(include=counts) == answer.grounding.model_dump(include=counts)
    assert not report.wrong_citations


def test_an_answer_that_says_nothing_claims_nothing(knowledge_assistant):
    answer = knowledge_assistant.ask("Quel tarif fixer pour la cantine scolaire selon le quotient familial ?")
    assert answer.insufficient_evidence
    assert answer.grounding.model_dump() == {"supported": 0, "weak": 0, "unsupported": 0, "answers_question": True,
                                             "relevance_note": None}


def test_the_report_json_is_the_documented_shape(knowledge_assistant):
    report = knowledge_assistant.check("## Relecture\nLe dépôt se fait avant le 30 mai 2024. Les dossiers sont "
                                       "déposés sur une plateforme en ligne.")
    data = json.loads(json.dumps(report.model_dump(mode="json")))
    assert set(data) == {"sentences", "summary"}
    assert set(data["summary"]) == {"supported", "weak", "unsupported"}
    first = data["sentences"][0]
    assert {"text", "verdict", "passage", "reason"} <= set(first)
    assert first["verdict"] == "unsupported" and set(first["passage"]) == {"doc_id", "title", "section", "excerpt"}
    assert "30 avril 2024" in first["reason"]  # the closest passage, and what it says instead
    assert GroundingReport.model_validate(data) == report


def test_a_plan_is_checked_action_by_action_against_the_fiches_it_cites(knowledge_assistant):
    plan = {"title": "Plan", "actions": [
        {"axis": "protection", "title": "Soutien aux parents", "sources": ["psfp"],
         "description": "Le PSFP réunit chaque semaine une dizaine de familles volontaires pendant deux heures. "
                        "Un groupe d'une dizaine de familles volontaires se retrouve chaque semaine pendant deux heures, "
                        "sur 14 séances pour les versions 6-11 ans et 12-16 ans."},
        {"axis": "alternatives", "title": "Argent de poche", "sources": ["argent-de-poche"],
         "description": "Des jeunes de 16 et 17 ans font de petites missions pour la commune contre environ 40 € la "
                        "demi-journée."},
    ]}
    report = knowledge_assistant.check_plan(plan)
    assert [(s.action, s.verdict) for s in report.sentences] == [
        ("Soutien aux parents", "supported"), ("Soutien aux parents", "supported"), ("Argent de poche", "unsupported")]
    assert report.sentences[0].passage.doc_id == "psfp"
    assert "40 €" in report.sentences[2].reason
    assert knowledge_assistant.check_plan(json.dumps(plan)) == report  # its JSON reads the same


def test_a_file_that_is_no_plan_nor_answer_is_refused_in_french(knowledge_assistant, tmp_path):
    from assistant.errors import InvalidInput
    from assistant.grounding.inputs import read_check_input

    bad = tmp_path / "x.json"
    bad.write_text('{"foo": 1}', encoding="utf-8")
    with pytest.raises(InvalidInput, match="plan"):
        read_check_input(bad)
    with pytest.raises(InvalidInput, match="vide"):
        knowledge_assistant.check("   ")


def test_aap_check_reads_a_text_and_an_answer_json(tmp_path, monkeypatch):
    shutil.copytree(SMALL, tmp_path / "knowledge")
    monkeypatch.setenv("AAP_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    monkeypatch.setenv("AAP_CALL_ID", "test-call")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest"], catch_exceptions=False).exit_code == 0
    draft = tmp_path / "relecture.md"
    draft.write_text("# Dépôt\n\nLes dossiers sont déposés avant le 15 septembre 2025 sur le guichet de l'Agence de "
                     "test.\n\nLes dossiers sont déposés avant le 15 juin 2025.\n", encoding="utf-8")
    text = runner.invoke(main, ["check", str(draft)], catch_exceptions=False)
    assert text.exit_code == 1  # one sentence is not supported
    assert "✔ appuyée" in text.output and "NON APPUYÉE" in text.output and "15 juin 2025" in text.output
    as_json = runner.invoke(main, ["check", str(draft), "--json"], catch_exceptions=False)
    data = json.loads(as_json.output)
    assert [s["verdict"] for s in data["sentences"]] == ["supported", "unsupported"]
    assert data["summary"] == {"supported": 1, "weak": 0, "unsupported": 1}
    answer = tmp_path / "reponse.json"
    answer.write_text(json.dumps({"answer": "Les dossiers sont déposés avant le 15 septembre 2025 [1].", "citations": [
        {"n": 1, "doc_id": "test-call", "title": "Appel à projets test — Prévention de l'exemple", "section": "Dépôt",
         "excerpt": "Les dossiers sont déposés avant le 15 septembre 2025 sur le guichet de l'Agence de test."}]}),
        encoding="utf-8")
    ok = runner.invoke(main, ["check", str(answer)], catch_exceptions=False)
    assert ok.exit_code == 0 and "Reprise mot pour mot" in ok.output
    missing = runner.invoke(main, ["check", str(tmp_path / "absent.txt")])
    assert missing.exit_code == 2 and "introuvable" in missing.output


def test_aap_check_and_eval_grounding_have_help_with_an_example():
    for args in (["check", "--help"], ["eval", "grounding", "--help"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and "Exemple" in result.output


# -- paraphrases a reviewer writes in their own words (issue 14) --------------------------------------------------
AXES_LIST = "action concrète dans chacun des axes suivants"


@pytest.mark.parametrize("sentence, evidence", [
    ("L'appel s'adresse aux communes et aux intercommunalités.", "données de l'appel"),
    ("Le dossier se dépose uniquement en ligne, sur Démarches simplifiées.", "« en ligne » = « dématérialisé »"),
    ("La MILDECA apporte un soutien financier et méthodologique.", "« soutien » = « accompagnement »"),
    ("Les quatre axes ne sont pas exclusifs d'autres mesures qui pourraient être jugées pertinentes au vu du contexte "
     "local.", "données de l'appel"),
    ("Le projet prévoit au moins une action concrète dans chacun des quatre axes.", "données de l'appel"),
], ids=["applicants", "online", "support", "four-axes", "one-action-per-axis"])
def test_a_faithful_paraphrase_of_the_call_is_supported_and_says_by_what(knowledge_assistant, sentence, evidence):
    [checked] = knowledge_assistant.check(sentence).sentences
    assert checked.verdict == "supported", checked.reason
    assert evidence in checked.reason and checked.passage.doc_id == "mildeca-2024"
    assert checked.passage.excerpt and checked.nuance is None


def test_a_count_is_supported_by_the_list_the_cited_passage_gives(knowledge_assistant):
    chunk = next(c for c in knowledge_assistant.kb.store.all_chunks()
                 if c.doc_id == "mildeca-2024" and AXES_LIST in " ".join(c.text.split()))
    cited = {"doc_id": chunk.doc_id, "title": chunk.title, "section": chunk.section, "text": chunk.text}
    report = knowledge_assistant.check("Le projet comporte au moins 1 action concrète dans chacun des quatre axes "
                                       "suivants de l'appel [1].", passages=[cited])
    [checked] = report.sentences
    assert checked.verdict == "supported", checked.reason
    assert "Nombre : « 4 axes » : le passage en énumère 4" in checked.reason
    assert checked.citations[0].correct


def test_until_the_deadline_is_a_nuance_of_before_it_not_a_wrong_date(knowledge_assistant):
    report = knowledge_assistant.check("Les dossiers peuvent être déposés jusqu'au 30 avril 2024 [1].",
                                       passages=[passage(knowledge_assistant, *DEPOT)])
    [checked] = report.sentences
    assert checked.verdict == "supported", checked.reason
    assert "jusqu'au 30 avril 2024" in checked.nuance and "avant le 30 avril 2024" in checked.nuance
    assert "Nuance" in checked.reason and "(nuance)" in report.summary_fr()
    assert report.summary.model_dump() == {"supported": 1, "weak": 0, "unsupported": 0}  # the documented shape


@pytest.mark.parametrize("sentence, detail", [
    ("Les dossiers peuvent être déposés après le 30 avril 2024.", "après le 30 avril 2024"),
    ("L'appel s'adresse à toutes les communes.", "toutes les"),
    ("L'appel compte cinq axes d'intervention.", "5"),
    ("Les dossiers doivent être déposés avant le 30 mai 2024.", "30 mai 2024"),
], ids=["after", "scope", "count", "date"])
def test_a_false_sentence_about_the_calls_data_stays_caught(knowledge_assistant, sentence, detail):
    [checked] = knowledge_assistant.check(sentence).sentences
    assert checked.verdict == "unsupported", checked.reason
    assert detail in checked.reason


LEVELS = ("evaluation-plan-local", "Trois niveaux sont à distinguer :\n- **le suivi** (ce qui a été fait : séances, "
                                   "participants, partenaires présents) ;\n- **l'évaluation de résultats** (ce qui a "
                                   "changé chez les jeunes, les familles, les professionnels, dans l'espace public) ;")
GBG = ("good-behavior-game", "Le Good Behavior Game (GBG), traduit par « jeu du comportement adapté », n'est pas une "
                             "séance de prévention ajoutée à l'emploi du temps")


def test_a_sentence_that_gathers_the_items_of_a_fiches_list_is_read_with_its_lead_in(knowledge_assistant):
    checked = verdict(knowledge_assistant, LEVELS, "On distingue trois niveaux, dont le suivi de ce qui a été fait et "
                                                   "l'évaluation des résultats.")
    assert checked.verdict == "supported", checked.reason
    assert "avec l'introduction de sa liste" in checked.reason or "lu en entier" in checked.reason
    wrong = verdict(knowledge_assistant, LEVELS, "On distingue cinq niveaux, dont le suivi de ce qui a été fait et "
                                                 "l'évaluation des résultats.")
    assert wrong.verdict == "unsupported" and "5" in wrong.reason


def test_rather_than_restates_a_negation_and_a_removed_one_stays_caught(knowledge_assistant):
    checked = verdict(knowledge_assistant, GBG, "Le GBG est une façon de gérer la classe plutôt qu'une séance de "
                                                "prévention de plus dans l'emploi du temps.")
    assert checked.verdict == "supported", checked.reason
    wrong = verdict(knowledge_assistant, GBG, "Le GBG est une séance de prévention ajoutée à l'emploi du temps.")
    assert wrong.verdict == "unsupported" and "négative" in wrong.reason
