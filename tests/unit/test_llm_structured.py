"""The structured-output negotiation's pieces: what counts as a server refusing a method, and the memory of what
worked (the HTTP path itself is tested on recorded exchanges in test_llm_http.py)."""

from __future__ import annotations

import httpx
import pytest

from assistant.llm_call import LLMFailure, describe_error
from assistant.llm_structured import MethodMemory, is_refusal


def http_error(status: int, text: str) -> httpx.HTTPStatusError:
    request = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")
    return httpx.HTTPStatusError(text, request=request, response=httpx.Response(status, request=request))


@pytest.mark.parametrize("status, text, method, refused", [
    (500, "1 validation error: response_format.type Input should be 'text' or 'json_object'", "json_schema", True),
    (400, "tool_choice 'any' is not supported", "tool_calling", True),
    (500, "CUDA out of memory", "json_schema", False),  # a failure of the server, not of the method
    (400, "response_format is not supported", "tool_calling", False),  # names another method
    (500, "response_format", "text", False),  # plain text is the last resort: never « refused »
])
def test_a_refusal_is_an_http_error_that_names_the_method(status, text, method, refused):
    failure = LLMFailure(describe_error(http_error(status, text)), cause=http_error(status, text))
    assert is_refusal(failure, method) is refused
    assert failure.args[0] == f"le serveur du modèle a répondu par une erreur HTTP {status}"


def test_a_timeout_or_a_lost_connection_is_no_refusal():
    assert not is_refusal(LLMFailure("délai dépassé (15 s)"), "json_schema")
    lost = httpx.ConnectError("connection refused")
    assert not is_refusal(LLMFailure(describe_error(lost), cause=lost), "json_schema")
    assert describe_error(lost) == "le serveur du modèle est injoignable"


def test_what_worked_is_remembered_on_disk_and_a_broken_file_is_ignored(tmp_path):
    path = tmp_path / "llm_methods.json"
    MethodMemory(path).remember("ChatOpenAI http://127.0.0.1:8081/v1 qwen", "tool_calling")
    assert MethodMemory(path).get("ChatOpenAI http://127.0.0.1:8081/v1 qwen") == "tool_calling"
    path.write_text("{pas du json", encoding="utf-8")
    assert MethodMemory(path).get("ChatOpenAI http://127.0.0.1:8081/v1 qwen") is None
    path.write_text('{"k": "rm -rf"}', encoding="utf-8")  # only known methods are read back
    assert MethodMemory(path).get("k") is None
