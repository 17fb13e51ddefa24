"""ui/http_errors.py on a bare FastAPI app (FastAPI's own 404, 405, 422 and Gradio-like refusals): French bodies,
same statuses and shapes; the app's French refusals pass unchanged. The real server: tests/ui/test_served_guards.py."""

from __future__ import annotations

from fastapi import FastAPI, Form, HTTPException
from fastapi.responses import JSONResponse
from starlette.testclient import TestClient

from ui.http_errors import INTERNAL, FrenchHttpErrors, french_detail
from ui.errors import QUEUE_FULL

ENGLISH_WORDS = ("Not Found", "Method Not Allowed", "Field required", "not allowed", "Internal Server Error",
                 "Invalid", "null")


def _client() -> TestClient:
    app = FastAPI()

    @app.post("/login")
    def login(username: str = Form(...), password: str = Form(...)):
        return {"ok": True}

    @app.get("/gradio_api/file={path:path}")
    def file(path: str):
        raise HTTPException(403, f"File not allowed: {path}.")

    @app.post("/gradio_api/queue/join")
    def join():
        raise HTTPException(400, QUEUE_FULL)  # the app's own refusal, already French

    @app.post("/gradio_api/api/ask")
    def api():
        return JSONResponse({"error": None}, status_code=500)  # Gradio with show_error off

    @app.get("/boom")
    def boom():
        raise KeyError("fn_index")

    return TestClient(FrenchHttpErrors(app), raise_server_exceptions=False)


def test_fastapi_and_gradio_errors_are_french_with_their_status():
    client = _client()
    answers = {
        "404": client.get("/nulle-part"), "405": client.delete("/login"), "422": client.post("/login", data={}),
        "403": client.get("/gradio_api/file=/etc/passwd"), "500": client.post("/gradio_api/api/ask"),
        "500 exception": client.get("/boom"),
    }
    assert {k: a.status_code for k, a in answers.items()} == {"404": 404, "405": 405, "422": 422, "403": 403,
                                                              "500": 500, "500 exception": 500}
    for name, answer in answers.items():
        assert not any(word in answer.text for word in ENGLISH_WORDS), (name, answer.text)
    assert answers["404"].json() == {"detail": "Adresse introuvable dans l'application."}
    assert answers["405"].json()["detail"] == "Cette adresse n'accepte pas cette méthode (DELETE)."
    assert answers["405"].headers["allow"] == "POST"  # the header that says which methods are accepted stays
    assert answers["422"].json()["detail"] == "Requête invalide : champs manquants : username, password."
    assert answers["403"].json()["detail"].startswith("Fichier non disponible")
    assert answers["500"].json() == {"error": INTERNAL}  # same key: gradio_client reads `error`
    assert answers["500 exception"].text == INTERNAL


def test_the_apps_own_french_refusal_passes_unchanged():
    refused = _client().post("/gradio_api/queue/join")
    assert refused.status_code == 400 and refused.json() == {"detail": QUEUE_FULL}


def test_a_malformed_json_body_and_a_bad_field_are_named():
    malformed = [{"type": "json_invalid", "loc": ["body", 1], "msg": "JSON decode error"}]
    assert french_detail(422, b'{"detail": %s}' % str(malformed).replace("'", '"').encode(), True) == (
        "Requête invalide : le corps n'est pas un JSON valide.")
    wrong = b'{"detail": [{"type": "int_parsing", "loc": ["body", "fn_index"], "msg": "Input should be"}]}'
    assert french_detail(422, wrong, True) == "Requête invalide : champ mal formé : fn_index."
    assert french_detail(404, b"", False) == "Adresse introuvable dans l'application."
    assert french_detail(400, "Déjà français.".encode(), False) is None
