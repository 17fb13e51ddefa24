"""Campaign 4b, short: 3 simulated users ask while 2 editors add a one-line text without punctuation and a
PDF each through the Documents tab, as the page does (add, then follow the progress). No errors, every file added,
the server connects nowhere. Latency is measured by the full campaign (`python -m hardening uploads`), not here."""

from __future__ import annotations

import pytest

from hardening import uploads

pytestmark = pytest.mark.integration


def test_users_keep_getting_answers_while_editors_upload(tmp_path):
    result = uploads.run(tmp_path, users=3, minutes=0.25, editors=2, files=2, text_bytes=50_000, pdf_pages=4,
                         knowledge="small", log=lambda *_: None)
    assert result["calls"] >= 3 and result["errors"] == 0, result
    sent = result["uploads"]
    assert sent["files"] == 4 and sent["added"] == 4, sent
    assert result["during_uploads"]["calls"] >= 1  # users were answered while a file was being ingested
    assert result["server_outbound_attempts"] == 0


def test_an_editor_reads_its_own_file_in_the_status_not_the_previous_one():
    """The status shows the visitor's last three requests: the campaign used to take the previous file's « ✓ Ajouté »,
    still shown, for the next file's (a 30-page PDF « added » in 2 s)."""
    from ui.format import md_literal, upload_report

    previous = upload_report(["note-0-sans-ponctuation.md"], [], "1 fichier(s) ajouté(s) : 230 passage(s).")
    waiting = previous + "\n\n" + md_literal("Ajout en cours : 1 fichier, encodage 12/400 passages et phrases.")
    assert uploads.outcome_of(waiting, "rapport-0.pdf") is None
    done = previous + "\n\n" + upload_report(["rapport-0.pdf"], [], "1 fichier(s) ajouté(s) : 40 passage(s).")
    assert uploads.outcome_of(done, "rapport-0.pdf") == "ajouté"
    refused = previous + "\n\n" + upload_report([], ["« rapport-0.pdf » n'a pas été ajouté : fichier vide."], "")
    assert uploads.outcome_of(refused, "rapport-0.pdf") == "refusé"
    failed = previous + "\n\n**✗** " + md_literal("Échec de l'ajout (1 fichier) : la base est occupée.")
    assert uploads.outcome_of(failed, "rapport-0.pdf") == "refusé"
    assert uploads.outcome_of(failed, "compte-rendu.md", failures_before=1) is None


def test_a_capped_campaign_lists_the_running_upload_as_unfinished_and_counts_its_window(tmp_path):
    recorder = uploads.UploadRecorder()
    done, running = tmp_path / "fait.md", tmp_path / "en-cours.md"
    done.write_text("a", encoding="utf-8")
    running.write_text("bb", encoding="utf-8")
    recorder.begin(done, 10.0)
    recorder.add(file=done.name, bytes=1, start=10.0, seconds=5.0, outcome="ajouté", status="")
    recorder.begin(running, 15.0)
    sent, unfinished = recorder.snapshot(now=100.0)
    assert [u["file"] for u in sent] == ["fait.md"]
    assert unfinished == [{"file": "en-cours.md", "bytes": 2, "start": 15.0, "seconds": 85.0, "outcome": "inachevé",
                           "status": ""}]
    assert uploads.upload_windows(sent + unfinished) == [(10.0, 15.0), (15.0, 100.0)]
