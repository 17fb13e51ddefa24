"""A real model server for `make test-llm`: llama-cpp-python's server on the loopback, 2 threads, n_ctx 8192.

`make test-llm` sets AAP_TEST_LLM_PYTHON (the server's venv) and AAP_TEST_LLM_MODEL (the GGUF file); without them
these tests are skipped (read at import, because the suite's autouse fixture clears every AAP_ variable).
AAP_TEST_LLM_DATA: an already ingested data folder to use instead of ingesting the knowledge base again.
"""

from __future__ import annotations

import pytest

from model_server import DATA, MODEL, SERVER_PYTHON, ModelServer


def pytest_collection_modifyitems(config, items):
    if SERVER_PYTHON and MODEL:
        return
    skip = pytest.mark.skip(reason="pas de serveur de modèle réel (make test-llm)")
    for item in items:
        if "llm_server" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def model_server(tmp_path_factory):
    server = ModelServer(tmp_path_factory.getbasetemp() / "llm-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kb_assistant(request):
    """An Assistant over the real knowledge base: the given ingested folder, or the suite's own ingestion."""
    if not DATA:
        return request.getfixturevalue("knowledge_assistant")
    from assistant import Assistant, Settings

    return Assistant.from_settings(Settings(data_dir=DATA, _env_file=None))
