"""One llama-cpp-python server process on the loopback (for `make test-llm`)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

# absolute: the suite's autouse fixture runs each test in its own folder
SERVER_PYTHON = os.path.abspath(os.environ["AAP_TEST_LLM_PYTHON"]) if os.environ.get("AAP_TEST_LLM_PYTHON") else ""
MODEL = os.path.abspath(os.environ["AAP_TEST_LLM_MODEL"]) if os.environ.get("AAP_TEST_LLM_MODEL") else ""
DATA = os.path.abspath(os.environ["AAP_TEST_LLM_DATA"]) if os.environ.get("AAP_TEST_LLM_DATA") else ""
ALIAS = "qwen-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ModelServer:
    """One llama-cpp-python server process; `base_url` ends with /v1."""

    def __init__(self, log: Path):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [SERVER_PYTHON, "-m", "llama_cpp.server", "--model", MODEL, "--model_alias", ALIAS,
             "--host", "127.0.0.1", "--port", str(self.port), "--n_threads", "2", "--n_ctx", "8192"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"le serveur de modèle s'est arrêté au démarrage (voir {log})")
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        self.stop()
        pytest.fail("le serveur de modèle n'a pas démarré en 180 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
