"""The ASGI guards in front of Gradio (ui/guards.py, ui/login.py), on a bare Starlette app: no server needed.
The real server is probed in tests/ui/test_served_guards.py."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.guards import FileRouteGuard, names_a_remote
from ui.login import LoginGuard


@pytest.mark.parametrize("target", [
    "http://1.1.1.1/x.png", "https://example.org/x.png", "HTTP://1.1.1.1/x", " http://1.1.1.1/x",
    "http%3A//1.1.1.1/x", "http%253A%252F%252F1.1.1.1", "//example.org/x", "\\\\server\\share\\x",
    "ftp://example.org/x", "file:///etc/passwd", "data:text/plain,x", "%68ttp://example.org",
])
def test_a_url_is_never_a_local_file(target):
    assert names_a_remote(target)


@pytest.mark.parametrize("target", ["/tmp/gradio/abc/note.md", "/tmp/x/100%25 taux.pdf", "C:\\Users\\x.pdf"])
def test_a_local_path_passes(target):
    assert not names_a_remote(target)


def _app(status_code: int = 400) -> Starlette:
    async def login(request):
        form = await request.form()
        if form.get("password") == "bon":
            return JSONResponse({"success": True})
        return JSONResponse({"detail": "Incorrect credentials."}, status_code=400)

    async def upload(request):
        return PlainTextResponse("File size exceeded maximum allowed size of 1048576 bytes.", status_code=413)

    async def file(request):
        return PlainTextResponse("served")

    async def info(request):  # Gradio's answer to a visitor not signed in
        return JSONResponse({"detail": {"error": "Not authenticated", "auth_message": "Identifiez-vous."}}, 401)

    async def other_401(request):
        return JSONResponse({"detail": "jeton refusé"}, 401)

    return Starlette(routes=[Route("/login", login, methods=["POST"]), Route("/gradio_api/upload", upload, methods=["POST"]),
                             Route("/gradio_api/file={path:path}", file), Route("/gradio_api/info", info),
                             Route("/gradio_api/queue/join", info, methods=["POST"]), Route("/autre", other_401)])


def test_logins_are_answered_in_french_and_throttled_per_client():
    clock = [0.0]
    guarded = LoginGuard(FileRouteGuard(_app(), max_mb=1), max_failures=3, window_s=60, lock_s=30, clock=lambda: clock[0])
    client = TestClient(guarded)
    answers = [client.post("/login", data={"username": "a", "password": "faux"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [400] * 3 and answers[0].json()["detail"] == "Identifiants incorrects."
    refused = client.post("/login", data={"username": "a", "password": "bon"})  # locked: not even checked
    assert refused.status_code == 429 and "réessayez dans 30 secondes." in refused.json()["detail"]
    clock[0] = 31
    assert client.post("/login", data={"username": "a", "password": "bon"}).status_code == 200
    other = TestClient(guarded, client=("10.0.0.2", 5000))
    assert other.post("/login", data={"username": "a", "password": "bon"}).status_code == 200


def test_not_signed_in_is_answered_in_french_and_other_answers_pass_unchanged():
    from ui.login import NOT_SIGNED_IN

    client = TestClient(LoginGuard(_app()))
    for answer in (client.get("/gradio_api/info"), client.post("/gradio_api/queue/join", json={})):
        assert answer.status_code == 401 and answer.json() == {"detail": NOT_SIGNED_IN}
        assert "Not authenticated" not in answer.text
    assert client.get("/autre").json() == {"detail": "jeton refusé"}
    assert client.get("/gradio_api/file=/tmp/a.txt").text == "served"


def test_the_file_route_refuses_urls_and_the_upload_limit_is_french():
    client = TestClient(FileRouteGuard(_app(), max_mb=1))
    assert client.get("/gradio_api/file=/tmp/a.txt").text == "served"
    refused = client.get("/gradio_api/file=http://1.1.1.1/x.png")
    assert refused.status_code == 403 and "adresse extérieure" in refused.text
    assert client.get("/gradio_api/proxy=http://1.1.1.1/x").status_code == 403
    too_large = client.post("/gradio_api/upload", content=b"x")
    assert too_large.status_code == 413 and too_large.text == "Fichier trop volumineux : 1 Mo au plus par fichier."


def test_the_upload_folder_is_private_one_per_process_and_discards_only_uploads(tmp_path, monkeypatch):
    import os
    import stat

    from ui.uploads import discard, use_private_temp_dir

    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    stale, running = tmp_path / "data" / "ui-temp" / "999999-x", tmp_path / "data" / "ui-temp" / f"{os.getppid()}-y"
    for folder in (stale, running):
        folder.mkdir(parents=True)
    folder = use_private_temp_dir(tmp_path / "data")
    assert os.environ["GRADIO_TEMP_DIR"] == str(folder) and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not stale.exists() and running.exists()  # another live server's folder stays
    assert use_private_temp_dir(tmp_path / "other") == folder  # a second app of this process shares it

    upload = folder / "abc" / "note.md"
    upload.parent.mkdir()
    upload.write_text("x")
    outside = tmp_path / "note.md"
    outside.write_text("x")
    discard([str(upload), str(outside)], tmp_path / "data")
    assert not upload.exists() and not upload.parent.exists() and folder.exists() and outside.exists()
