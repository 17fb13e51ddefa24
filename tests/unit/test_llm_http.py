"""The LLM's HTTP path with LangChain's real clients against a stub server on the loopback (`tests/llm_replay.py`):
what each provider is sent (method, token limit, context size, streaming)."""

from __future__ import annotations

import json
import time

import pytest
from langchain_core.messages import HumanMessage

from assistant.config import Settings
from assistant.criteria import load_criteria
from assistant.llm import make_chat_model
from assistant.llm_call import LLMFailure, LLMTimeout, collect, stream_chunks
from assistant.llm_structured import MethodMemory
from assistant.loaders import load_practices
from assistant.plans.generative import PlanDraft
from assistant.plans.planner import Planner
from llm_replay import ReplayServer

PROFILE = {
    "name": "Commune de Saint-Vérand", "kind": "commune", "population": 14000, "qpv_count": 1,
    "context": "Un point de deal près du collège ; des élèves de 4e sollicités.", "problems": ["point de deal"],
    "target_ages": "11-15", "existing_partners": ["CLSPD", "Éducation nationale"],
    "priority_finalites": ["prevenir_entree"],
}
QUESTION = [HumanMessage("Qui peut candidater ?")]


def settings(provider: str, url: str, **extra) -> Settings:
    return Settings(_env_file=None, llm_provider=provider, llm_model="qwen-test", llm_base_url=url,
                    llm_api_key="k", **extra)


def planner(model, criteria, practices, memory: MethodMemory, **extra) -> Planner:
    return Planner(criteria, practices, kb=None, model=model, timeout_s=30.0, label="openai · qwen-test",
                   memory=memory, **extra)


# -- what each provider is sent (the stub has no recording: it answers 400 and keeps the request) ------------------
def test_ollama_is_sent_its_context_size_token_limit_and_schema(criteria, practices):
    with ReplayServer([]) as stub:
        config = settings("ollama", stub.base_url.removesuffix("/v1"), llm_context_tokens=4096)
        model = make_chat_model(config, max_tokens=config.llm_max_tokens_plan)
        plan = planner(model, criteria, practices, MethodMemory(), structured="json_schema").draft(PROFILE)
    body = stub.bodies[0]
    assert body["options"]["num_ctx"] == 4096 and body["options"]["num_predict"] == 3000
    assert body["format"] == PlanDraft.model_json_schema() and body["stream"] is True
    assert plan.mode == "catalogue" and "erreur HTTP 400" in plan.notice


@pytest.mark.parametrize("structured, key, expected", [
    ("json_schema", "response_format", {"type": "json_schema"}),
    ("json_mode", "response_format", {"type": "json_object"}),
    ("tool_calling", "tool_choice", "any"),
])
def test_mistral_is_sent_the_method_and_its_token_limit(criteria, practices, structured, key, expected):
    with ReplayServer([]) as stub:
        config = settings("mistral", stub.base_url)
        model = make_chat_model(config, max_tokens=config.llm_max_tokens_plan)
        planner(model, criteria, practices, MethodMemory(), structured=structured).draft(PROFILE)
    body = stub.bodies[0]
    sent = body[key]
    assert (sent["type"] == expected["type"]) if isinstance(expected, dict) else sent == expected
    assert body["max_tokens"] == 3000 and body["stream"] is True


def test_an_answer_is_limited_to_the_answer_tokens():
    with ReplayServer([]) as stub:
        model = make_chat_model(settings("openai", stub.base_url, llm_max_tokens_answer=321))
        with pytest.raises(LLMFailure, match="erreur HTTP 400"):
            collect(model, QUESTION, timeout_s=10)
    assert stub.bodies[0]["max_tokens"] == 321 and stub.bodies[0]["stream"] is True



def made_up_stream(words: int, pause_s: float) -> dict:
    """An OpenAI-style event stream written here (not recorded): one word per event, `pause_s` apart."""
    def event(delta: dict, finish: str | None = None) -> str:
        return "data: " + json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "qwen-test",
                                      "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}) + "\n\n"
    chunks = [[0.0, event({"role": "assistant", "content": ""})]]
    chunks += [[pause_s, event({"content": f"mot{i} "})] for i in range(words)]
    chunks += [[0.0, event({}, "stop")], [0.0, "data: [DONE]\n\n"]]
    return {"name": "made-up", "request": {"stream": True, "response_format": None, "tools": [], "tool_choice": None},
            "response": {"status": 200, "headers": {"content-type": "text/event-stream"}, "chunks": chunks}}


def test_a_timeout_hangs_up_the_http_stream_at_once():
    with ReplayServer([made_up_stream(words=200, pause_s=0.05)], speed=1.0) as stub:
        model = make_chat_model(settings("openai", stub.base_url, llm_timeout_s=1.0))
        start = time.monotonic()
        with pytest.raises(LLMTimeout, match=r"délai dépassé \(1 s\)"):
            collect(model, QUESTION, timeout_s=1.0)
        returned = time.monotonic()
        time.sleep(0.6)
    assert returned - start < 1.3
    assert stub.hangups and stub.hangups[0] - returned < 0.5 and not stub.finished  # the server saw the hang-up


def test_a_stream_read_to_its_end_is_the_answer():
    with ReplayServer([made_up_stream(words=12, pause_s=0.0)]) as stub:
        model = make_chat_model(settings("openai", stub.base_url))
        text = "".join(chunk.content for chunk in stream_chunks(model, QUESTION, timeout_s=10))
    assert text == "".join(f"mot{i} " for i in range(12)) and stub.finished and not stub.hangups


def test_a_dropped_stream_wrapped_by_the_client_is_named_a_cut_connection():
    """Seen with a killed llama-cpp-python server: the OpenAI client raises its own error from httpx's."""
    import httpx
    import openai

    from assistant.llm_call import describe_error

    try:
        try:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        except httpx.RemoteProtocolError as dropped:
            raise openai.APIError("incomplete response", request=httpx.Request("POST", "http://x"), body=None) \
                from dropped
    except openai.APIError as wrapped:
        assert describe_error(wrapped) == "la connexion au serveur du modèle a été coupée pendant la réponse"
