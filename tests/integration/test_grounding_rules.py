"""The checker's name lexicon saved with the store, and the comparison rules of issue 14's seventh session, over the
real knowledge base, real Chroma and the real embedding model."""

from __future__ import annotations

import pytest

from assistant.grounding import lexicon_cache
from assistant.retrieval import HybridRetriever

pytestmark = pytest.mark.integration


def test_ingestion_saves_the_name_lexicon_and_a_new_process_reads_it_instead_of_rebuilding(knowledge_assistant,
                                                                                          monkeypatch):
    assistant = knowledge_assistant
    path = assistant._name_lexicon_path
    key = lexicon_cache.lexicon_key(assistant.kb.lexical.fingerprint, assistant.criteria)
    saved = lexicon_cache.load_lexicon(path, key)
    assert saved is not None and saved == lexicon_cache.build_lexicon(assistant.kb, assistant.criteria)
    assert saved.required("La PJJ et la gendarmerie à Sarcelles.")  # a real lexicon, not an empty one
    assert lexicon_cache.load_lexicon(path, lexicon_cache.lexicon_key("another base", assistant.criteria)) is None

    def rebuilt(*_):
        raise AssertionError("the saved lexicon should have been read")

    monkeypatch.setattr(lexicon_cache, "build_lexicon", rebuilt)
    checker = assistant.grounding_checker(HybridRetriever(assistant.kb))  # what a new process makes
    assert checker.lexicon == saved


def test_a_lexicon_saved_for_another_base_is_rebuilt_and_rewritten(knowledge_assistant, tmp_path):
    assistant = knowledge_assistant
    path = tmp_path / "names.json"
    lexicon_cache.save_lexicon(path, "a key of another base", lexicon_cache.EntityLexicon())
    lexicon, fingerprint = lexicon_cache.name_lexicon(assistant.kb, assistant.criteria, path)
    assert fingerprint == assistant.kb.lexical.fingerprint and lexicon.phrases
    assert lexicon_cache.load_lexicon(path, lexicon_cache.lexicon_key(fingerprint, assistant.criteria)) == lexicon


def cited(assistant, doc_id: str, text: str) -> dict:
    """A passage as an answer cites it: a few words of a document, with its title and section."""
    chunk = next(c for c in assistant.kb.store.all_chunks()
                 if c.doc_id == doc_id and " ".join(text.split()) in " ".join(c.text.split()))
    return {"doc_id": doc_id, "title": chunk.title, "section": chunk.section, "text": text}


THEATRE = ("theatre-forum-temoignages", "prévoit un théâtre-forum en 5e, où les élèves écrivent un spectacle contre "
                                        "l'image du dealer, puis en 3e des ateliers sur la justice dont un procès "
                                        "fictif")
HALLS = ("reappropriation-halls", "au Blosne, à Rennes, environ 150 habitants ont réalisé des mosaïques pour décorer "
                                  "des halls (RésO Villes).")


def test_a_place_the_cited_sentences_paragraph_names_supports_it_and_another_place_stays_caught(knowledge_assistant):
    report = knowledge_assistant.check(
        "À Villeurbanne, les élèves de 5e écrivent un spectacle de théâtre-forum contre l'image du dealer, puis ceux "
        "de 3e suivent des ateliers sur la justice avec un procès fictif [1].",
        passages=[cited(knowledge_assistant, *THEATRE)])
    [checked] = report.sentences
    assert checked.verdict == "supported", checked.reason
    assert "Villeurbanne" in checked.passage.excerpt
    report = knowledge_assistant.check("À Belfort, environ 150 habitants ont réalisé des mosaïques pour décorer des "
                                       "halls d'immeubles [1].", passages=[cited(knowledge_assistant, *HALLS)])
    [wrong] = report.sentences
    assert wrong.verdict == "unsupported" and "Belfort" in wrong.reason


@pytest.mark.parametrize("sentence, detail", [
    ("L'appel à projets national MILDECA 2024 s'adresse aux départements.", "départements"),
    ("Le CISPD est présidé par le préfet du département.", "préfet"),
    ("Créer un environnement protecteur en mobilisant les compétences psychosociales et la parentalité relève de "
     "l'axe « lutter contre l'attractivité des réseaux criminels ».", "le range sous l'axe"),
], ids=["whom", "by-whom", "axis"])
def test_who_does_what_and_which_axis_holds_what_are_checked_against_the_base(knowledge_assistant, sentence, detail):
    [checked] = knowledge_assistant.check(sentence).sentences
    assert checked.verdict == "unsupported", checked.reason
    assert detail in checked.reason


@pytest.mark.parametrize("sentence", [
    "Lutter contre l'attractivité des réseaux criminels et proposer des alternatives au trafic en occupant le terrain "
    "font partie des axes d'intervention.",
    "En 2016, un mineur sur deux reconnu coupable de trafic a été condamné à de l'emprisonnement, avec une partie "
    "ferme pour un sur sept.",
], ids=["axes-listed", "proportions"])
def test_paraphrases_that_list_axes_or_restate_proportions_are_not_rejected(knowledge_assistant, sentence):
    [checked] = knowledge_assistant.check(sentence).sentences
    assert checked.verdict != "unsupported", checked.reason


# -- session 8: a contradiction needs positive evidence; a check that does not understand a word abstains ---------
@pytest.mark.parametrize("sentence", [
    "Les chantiers éducatifs, encadrés par une circulaire du 29 juin 1999, sont portés par des associations de "
    "prévention spécialisée.",
    "Le dispositif argent de poche indemnise les 16-17 ans une quinzaine d'euros par demi-journée.",
    "Sur leurs logements en QPV, les bailleurs bénéficient d'un abattement de TFPB de 30 %.",
], ids=["agent-given", "approximate-amount", "list-item"])
def test_paraphrases_whose_details_the_checker_reads_loosely_are_not_rejected(knowledge_assistant, sentence):
    [checked] = knowledge_assistant.check(sentence).sentences
    assert checked.verdict != "unsupported", checked.reason


def test_a_figure_of_another_item_of_a_list_does_not_support_a_sentence(knowledge_assistant):
    [checked] = knowledge_assistant.check("Sur leurs logements en QPV, les bailleurs bénéficient d'un abattement de "
                                          "TFPB de 50 %.").sentences
    assert checked.verdict == "unsupported" and "50 %" in checked.reason


# -- session 10: a short sentence is compared with the propositions of a long source sentence ---------------------
MDA = ("maisons-des-adolescents", "Quand un professionnel s'inquiète pour un jeune proche d'un point de deal, la MDA "
                                  "peut évaluer sa situation dans son ensemble (scolarité, famille, santé, mal-être) ; "
                                  "elle soutient aussi les parents démunis et les professionnels qui s'inquiètent "
                                  "d'une situation.")


def test_a_sentence_that_restates_one_proposition_of_a_long_sentence_is_supported_by_it(knowledge_assistant):
    report = knowledge_assistant.check("Elle aide aussi les parents démunis et les professionnels qui s'inquiètent "
                                       "[1].", passages=[cited(knowledge_assistant, *MDA)])
    [checked] = report.sentences
    assert checked.verdict == "supported", checked.reason
    assert "par l'une de ses propositions « elle soutient aussi les parents démunis" in checked.reason
    # the negation is read in the whole sentence, the proposition only brings the meaning closer
    [denied] = knowledge_assistant.check("La MDA ne soutient pas les parents démunis [1].",
                                         passages=[cited(knowledge_assistant, *MDA)]).sentences
    assert denied.verdict == "unsupported" and "forme négative" in denied.reason
