"""The LLM mode against a real model server (`make test-llm`): llama-cpp-python's server with a small Qwen model.

Slow (a plan round takes minutes on 2 cores): run by `make test-llm` only, never by `make test`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from langchain_core.messages import HumanMessage

from assistant import Assistant
from assistant.config import Settings
from assistant.llm import make_chat_model
from assistant.llm_call import LLMTimeout, collect
from assistant.llm_structured import MethodMemory
from assistant.plans.planner import Planner
from assistant.loaders import load_practices

from model_server import ALIAS, ModelServer

pytestmark = pytest.mark.llm_server
ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "examples" / "profiles"


def llm_settings(base: Assistant, url: str, **extra):
    return base.settings.model_copy(update={"llm_provider": "openai", "llm_model": ALIAS, "llm_base_url": url,
                                            "llm_timeout_s": 240.0, **extra})


def server_is_free(url: str) -> float:
    """Seconds a one-token request takes: the server answers it at once only when it generates nothing else."""
    start = time.monotonic()
    response = httpx.post(f"{url}/chat/completions", timeout=120, json={
        "model": ALIAS, "max_tokens": 1, "messages": [{"role": "user", "content": "Bonjour"}]})
    response.raise_for_status()
    return time.monotonic() - start


def test_an_answer_cites_valid_passages(kb_assistant, model_server):
    assistant = Assistant(llm_settings(kb_assistant, model_server.base_url), kb_assistant.kb,
                          kb_assistant.criteria)
    answer = assistant.ask("Qui peut candidater à cet appel à projets ?")
    assert answer.mode.startswith("openai"), answer.notice
    assert answer.citations and all(1 <= c.n <= kb_assistant.settings.top_k for c in answer.citations)
    assert all(f"[{c.n}]" in answer.answer for c in answer.citations)


def test_a_question_the_sources_do_not_cover_is_refused(kb_assistant, model_server):
    assistant = Assistant(llm_settings(kb_assistant, model_server.base_url), kb_assistant.kb,
                          kb_assistant.criteria)
    answer = assistant.ask("Quel est le cours de l'action Airbus aujourd'hui ?")
    assert answer.insufficient_evidence and not answer.citations


def test_a_plan_comes_through_the_negotiated_method(kb_assistant, model_server, tmp_path):
    """llama-cpp-python's server refuses json_schema (HTTP 500): tool calling is negotiated and remembered. A round
    takes 2 to 11 min on 2 cores: the deadline is generous, and a round that outlives it is a named fallback."""
    settings = llm_settings(kb_assistant, model_server.base_url, llm_timeout_s=900.0)
    memory = MethodMemory(tmp_path / "methods.json")
    planner = Planner(kb_assistant.criteria, load_practices(settings.knowledge_dir), kb_assistant.kb,
                      make_chat_model(settings, max_tokens=settings.llm_max_tokens_plan), timeout_s=900.0,
                      label="openai · test", memory=memory)
    plan = planner.draft(PROFILE / "petite-ville.yaml")
    caller = planner.llm.caller
    assert memory.get(caller.key) == "tool_calling" and (tmp_path / "methods.json").is_file(), plan.notice
    assert plan.mode == "openai · test" or "catalogue" in (plan.notice or ""), plan.notice
    if plan.mode == "openai · test":  # every model action has a fiche source
        assert all(a.sources for a in plan.actions if a.origin == "llm")


def test_a_timeout_stops_the_stream_and_the_server(model_server):
    model = make_chat_model(Settings(_env_file=None, llm_provider="openai", llm_model=ALIAS,
                                     llm_base_url=model_server.base_url, llm_timeout_s=15.0), max_tokens=3000)
    story = [HumanMessage("Écris une très longue histoire, en au moins 3000 mots, sur une commune qui lutte contre "
                          "les trafics. Ne t'arrête pas.")]
    start = time.monotonic()
    with pytest.raises(LLMTimeout):
        collect(model, story, timeout_s=15.0)
    assert time.monotonic() - start < 16.0
    time.sleep(1.0)  # the server notices the closed connection at its next token
    assert server_is_free(model_server.base_url) < 10.0  # it is not still writing the story


def test_the_cli_returns_at_once_after_its_timeout(kb_assistant, model_server):
    question = "Décris en détail, axe par axe, toutes les actions possibles selon l'appel."
    env = {**os.environ, "AAP_DATA_DIR": str(kb_assistant.settings.data_dir)}

    def run(**settings) -> tuple[float, str]:
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "--json", question], env={**env, **settings},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return time.monotonic() - start, done.stdout

    offline_s, _ = run(AAP_LLM_PROVIDER="none")  # loading the embedding model and the store, answering offline
    llm_s, out = run(AAP_LLM_PROVIDER="openai", AAP_LLM_MODEL=ALIAS, AAP_LLM_BASE_URL=model_server.base_url,
                     AAP_LLM_TIMEOUT_S="15", AAP_LLM_MAX_TOKENS_ANSWER="3000")
    if "délai dépassé" in out:  # the model was cut: the CLI returned at once, not when the model would have ended
        assert llm_s - offline_s < 16.0 + 2.0, (llm_s, offline_s)
    else:
        assert '"mode": "openai' in out and llm_s - offline_s < 16.0


def test_a_killed_server_gives_a_french_fallback(kb_assistant, tmp_path):
    server = ModelServer(tmp_path / "killed.log")
    try:
        assistant = Assistant(llm_settings(kb_assistant, server.base_url), kb_assistant.kb,
                              kb_assistant.criteria)
        killer = subprocess.Popen([sys.executable, "-c", f"import os,time,signal; time.sleep(4); "
                                                         f"os.kill({server.proc.pid}, signal.SIGKILL)"])
        answer = assistant.ask("Quels acteurs faut-il mobiliser selon l'appel ?")
        killer.wait()
        assert answer.mode == "none" and answer.citations
        assert answer.notice and ("coupée" in answer.notice or "injoignable" in answer.notice), answer.notice
        assert "Error" not in answer.notice and "Exception" not in answer.notice
    finally:
        server.stop()
