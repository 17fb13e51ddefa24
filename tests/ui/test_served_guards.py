"""`aap serve` in a subprocess, probed over HTTP as an outsider or a colleague would (issue 15, findings 4 to 7):
no outbound connection on a visitor's request, roles, nothing of an upload left behind, French refusals, a brake on
wrong logins. The server runs under the network guard (hardening/netguard.py): every connect() or name lookup that
would leave the loopback is refused and logged.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hardening.common import settings_for
from hardening.server import Served
from hardening.webapp import Visitor

pytestmark = pytest.mark.integration

ACCOUNTS = "alix:éditeur:a1;benoit:éditeur:b2;camille:lecteur:c3"
NOTE = "# Note du CLSPD\n\nLe conseil se réunit le premier mardi du mois à la maison des associations.\n".encode()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    settings = settings_for(root)
    stale = settings.data_dir / "ui-temp" / "999999-ancien"  # left by a server that is no longer running
    stale.mkdir(parents=True)
    (stale / "vieux.pdf").write_bytes(b"%PDF-1.4")
    server = Served(settings, root, {"AAP_USERS": ACCOUNTS, "AAP_MAX_UPLOAD_MB": "1"})
    with server:
        yield server, settings
    print(server.output.read_text(encoding="utf-8")[-3000:])


def _signed_in(served, user: str, password: str) -> Visitor:
    visitor = Visitor(served[0].url)
    assert visitor.login(user, password).status_code == 200
    return visitor


@pytest.mark.parametrize("target", [
    "http://1.1.1.1/x.png", "https://example.org/x.png", "http%3A//1.1.1.1/x.png", "HTTPS://example.org/x",
    "ftp://example.org/x", "//example.org/x.png",
])
@pytest.mark.parametrize("route", ["/gradio_api/file=", "/gradio_api/proxy="])
def test_no_url_is_fetched_for_a_visitor(served, route, target):
    server = served[0]
    before = len(server.attempts())  # attempts of earlier cases fail those cases, not this one
    anonymous = Visitor(server.url)
    answers = [anonymous.http.get(route + target)]
    assert server.attempts()[before:] == []  # no connect() or DNS lookup left the loopback
    signed_in = _signed_in(served, "camille", "c3")  # past Gradio's login check, too
    answers.append(signed_in.http.get(route + target))
    assert server.attempts()[before:] == []
    assert [a.status_code for a in answers] == [403, 403] and "adresse extérieure" in answers[1].text
    anonymous.close(), signed_in.close()


def test_the_upload_folder_is_private_and_cleaned_at_start(served):
    server, settings = served
    root = settings.data_dir / "ui-temp"
    assert not (root / "999999-ancien").exists()
    own = [p for p in root.iterdir() if p.name.startswith(f"{server.process.pid}-")]
    assert len(own) == 1
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700 and stat.S_IMODE(os.stat(own[0]).st_mode) == 0o700


def _rows(table: dict, doc_id: str) -> list[list]:
    return [row for row in table["data"] if row[0] == doc_id]


def _left_in_upload_folders(settings, name: str) -> list[Path]:
    return [p for p in (settings.data_dir / "ui-temp").rglob(name) if p.is_file()]


def _files_in_upload_folders(settings) -> set[Path]:
    """Every file of the upload folders (Gradio 6 left an empty `tmp…` there for each file an event received)."""
    return {p for p in (settings.data_dir / "ui-temp").rglob("*") if p.is_file()}


def test_an_upload_leaves_nothing_that_downloads(served):
    before = _files_in_upload_folders(served[1])
    editor = _signed_in(served, "alix", "a1")
    path = editor.uploaded_path("note-clspd.md", NOTE)
    assert editor.get_file(path).status_code == 200  # waiting in Gradio's folder, it downloads: what must end
    outcome = editor.add_files([editor.file_data(path, "note-clspd.md")])
    assert outcome["success"], outcome
    assert "Ajouté(s) :** note\\-clspd.md" in outcome["status"], outcome
    assert [row[4] for row in _rows(outcome["table"], "local-note-clspd")] == ["ajouté par alix"]
    assert editor.get_file(path).status_code != 200 and not Path(path).exists()  # ingested: the original is gone
    assert _left_in_upload_folders(served[1], "note-clspd.md") == []
    removed = editor.click("aap-remove", ["local-note-clspd"])
    assert removed["success"] and "retiré (" in removed["by_id"]["aap-upload-status"], removed
    assert _rows(removed["by_id"]["aap-documents"], "local-note-clspd") == []
    assert editor.get_file(path).status_code != 200 and _left_in_upload_folders(served[1], "note-clspd.md") == []
    assert _files_in_upload_folders(served[1]) - before == set()  # not even an empty file
    editor.close()


def test_a_reader_cannot_add_or_remove_and_an_upload_of_the_same_name_is_refused(served):
    before = _files_in_upload_folders(served[1])
    alix, benoit, camille = (_signed_in(served, *account) for account in (("alix", "a1"), ("benoit", "b2"),
                                                                          ("camille", "c3")))
    path = alix.uploaded_path("diagnostic.md", NOTE)
    added = alix.add_files([alix.file_data(path, "diagnostic.md")])
    assert "Ajouté(s) :** diagnostic.md" in added["status"], added

    other = NOTE.replace(b"premier mardi", b"dernier jeudi")
    path = benoit.uploaded_path("diagnostic.md", other)
    refused = benoit.add_files([benoit.file_data(path, "diagnostic.md")])
    assert refused["success"], refused  # an editor's request is queued; the worker refuses the file
    status = refused["status"]
    assert "Refusé" in status and "déjà été ajouté par « alix »" in status and "Ajouté" not in status, status
    assert not Path(path).exists()  # refused, and not kept either
    assert [row[4] for row in _rows(refused["table"], "local-diagnostic")] == ["ajouté par alix"]  # not replaced

    path = camille.uploaded_path("lecture.md", NOTE)
    refused = camille.add_files([camille.file_data(path, "lecture.md")])
    assert not refused["success"] and "lecture seule" in refused["error"], refused
    assert not Path(path).exists()
    refused = camille.click("aap-remove", ["local-diagnostic"])
    assert not refused["success"] and "Vous ne pouvez pas retirer" in refused["output"]["error"], refused
    removed = alix.click("aap-remove", ["local-diagnostic"])["by_id"]["aap-upload-status"]
    assert "retiré (" in removed, removed  # alix's, still there
    assert _files_in_upload_folders(served[1]) - before == set()  # refused uploads leave nothing either
    for visitor in (alix, benoit, camille):
        visitor.close()


def test_a_file_over_the_limit_is_refused_in_french(served):
    before = _files_in_upload_folders(served[1])
    editor = _signed_in(served, "alix", "a1")
    refused = editor.upload("gros.txt", b"x" * (1024 * 1024 + 10))
    assert refused.status_code == 413 and refused.text == "Fichier trop volumineux : 1 Mo au plus par fichier."
    assert _files_in_upload_folders(served[1]) - before == set()
    editor.close()


def test_the_errors_of_the_apps_routes_are_french(served):
    """FastAPI's and Gradio's own refusals (404, 405, 422, a file that is not served, a malformed upload, an unknown
    event) were English; signed in or not, an HTTP client now reads French, with the same status."""
    english = ("Not Found", "Method Not Allowed", "Field required", "not allowed", "Internal Server Error",
               "Invalid content type", "JSON decode error")
    visitor, editor = Visitor(served[0].url), _signed_in(served, "alix", "a1")
    answers = {
        "404": visitor.http.get("/nulle-part"), "405": visitor.http.delete("/login"),
        "422": visitor.http.post("/login", data={}),
        "403": editor.get_file("/etc/passwd"), "400": editor.http.post("/gradio_api/upload", content=b"x"),
        "422 json": editor.http.post("/gradio_api/queue/join", content=b"{x",
                                     headers={"content-type": "application/json"}),
        "500": editor.http.post("/gradio_api/queue/join", json={"data": [], "fn_index": 9999, "session_hash": "s"}),
    }
    assert {name: a.status_code for name, a in answers.items()} == {
        "404": 404, "405": 405, "422": 422, "403": 403, "400": 400, "422 json": 422, "500": 500}
    for name, answer in answers.items():
        assert not any(word in answer.text for word in english), (name, answer.text)
    assert answers["422"].json()["detail"] == "Requête invalide : champs manquants : username, password."
    assert answers["403"].json()["detail"].startswith("Fichier non disponible")
    assert "erreur interne" in answers["500"].text.lower()
    visitor.close()
    editor.close()


def test_wrong_logins_are_answered_in_french_then_slowed_down(served):  # last: it locks this client out
    visitor = Visitor(served[0].url)
    answers = [visitor.login("alix", f"faux{i}") for i in range(5)]
    assert {a.status_code for a in answers} == {400} and answers[0].json()["detail"] == "Identifiants incorrects."
    locked = visitor.login("alix", "a1")  # even the right password waits
    assert locked.status_code == 429 and "réessayez dans" in locked.json()["detail"]
    visitor.close()
