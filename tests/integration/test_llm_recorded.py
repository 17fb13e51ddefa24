"""The LLM mode on a real model server's own responses, replayed on the loopback (`tests/llm_replay.py`).

The recordings in `tests/data/llm_recordings/` are what llama-cpp-python's server (0.3.36, Qwen2.5-Coder-1.5B-Instruct
Q4_K_M, 2 threads, n_ctx 8192) answered to this app, through `RecordingProxy`: its HTTP 500 refusing `json_schema`,
streamed tool calls of a plan and its repair rounds, a plan stream that the client cut at its deadline, streamed
answers. LangChain's real OpenAI client reads them here, so the HTTP path is tested on real responses, not only on
fake chat models. `make test-llm` runs the same paths against the live server.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.llm import make_chat_model
from assistant.llm_structured import MethodMemory
from assistant.loaders import load_practices
from assistant.plans.planner import Planner
from llm_replay import ReplayServer

PROFILES = Path(__file__).resolve().parents[2] / "examples" / "profiles"


def llm_settings(base: Assistant, url: str, **extra):
    return base.settings.model_copy(update={"llm_provider": "openai", "llm_model": "qwen-test", "llm_base_url": url,
                                            "llm_timeout_s": 30.0, **extra})


def replayed_answer(knowledge_assistant, recording: str, question: str, **settings):
    """The assistant's answer with the model served by one recording; the stub, to check what it was asked."""
    with ReplayServer([recording]) as stub:
        assistant = Assistant(llm_settings(knowledge_assistant, stub.base_url, **settings), knowledge_assistant.kb,
                              knowledge_assistant.criteria)
        return stub, assistant.ask(question)


WHO_MAY_APPLY = "Qui peut candidater à cet appel à projets ?"


@pytest.mark.parametrize("recording, why", [
    ("answer_uncited", "ne citait aucun passage"),  # « Les communes et aux intercommunalités. », no [n]
    ("answer_refused", "ne permettaient pas de répondre"),  # an uncited sentence, then the refusal sentence
])
def test_a_real_answer_that_cannot_be_shown_gives_the_offline_answer_and_says_why(knowledge_assistant, recording,
                                                                                   why):
    stub, answer = replayed_answer(knowledge_assistant, recording, WHO_MAY_APPLY)
    assert not stub.mismatches and stub.requests[0]["stream"] and stub.requests[0]["max_tokens"] == 800
    assert answer.mode == "none" and why in answer.notice
    assert answer.answer.startswith("L'appel s'adresse aux communes et aux intercommunalités") and answer.citations


def test_an_answer_cut_by_the_token_limit_is_named_and_replaced_by_the_offline_answer(knowledge_assistant):
    """Recorded with AAP_LLM_MAX_TOKENS_ANSWER=24: the server stopped at 24 tokens (finish_reason « length »)."""
    stub, answer = replayed_answer(knowledge_assistant, "answer_cut_by_max_tokens",
                                   "Quels acteurs faut-il mobiliser selon l'appel ?", llm_max_tokens_answer=24)
    assert not stub.mismatches and stub.requests[0]["max_tokens"] == 24
    assert answer.mode == "none" and "coupée à la limite de jetons" in answer.notice
    assert answer.answer.startswith("L'appel demande de mobiliser") and answer.citations


def test_a_real_answer_with_citations_is_the_models(knowledge_assistant):
    stub, answer = replayed_answer(knowledge_assistant, "answer_cited", "Jusqu'à quand peut-on déposer le dossier ?")
    assert not stub.mismatches
    assert answer.mode.startswith("openai"), answer.notice
    assert "30 avril" in answer.answer and answer.citations
    assert all(f"[{c.n}]" in answer.answer for c in answer.citations)


def plan_with(knowledge_assistant, stub: ReplayServer, memory: MethodMemory, profile: str, timeout_s: float):
    settings = llm_settings(knowledge_assistant, stub.base_url, llm_timeout_s=timeout_s)
    planner = Planner(knowledge_assistant.criteria, load_practices(settings.knowledge_dir), knowledge_assistant.kb,
                      make_chat_model(settings, max_tokens=settings.llm_max_tokens_plan), timeout_s=timeout_s,
                      label="openai · qwen-test", memory=memory)
    return planner, planner.draft(PROFILES / f"{profile}.yaml")


def test_a_correction_cut_at_the_deadline_keeps_the_models_action_and_names_the_cause(knowledge_assistant, tmp_path):
    """Recorded: json_schema refused (HTTP 500); a tool call with one action (axis pilotage, fiche sources); its
    correction outlived the 600 s deadline and was cut. Replayed at 25 times the pace with a 20 s deadline: the
    first answer (15.7 s) comes, the correction (24 s) is hung up on at 20 s."""
    names = ["plan_json_schema_refused", "plan_petite_ville_1", "plan_petite_ville_2_cut"]
    memory = MethodMemory(tmp_path / "methods.json")
    with ReplayServer(names, speed=25.0) as stub:
        planner, plan = plan_with(knowledge_assistant, stub, memory, "petite-ville", timeout_s=20.0)
        time.sleep(0.5)
    assert not stub.mismatches, stub.mismatches
    assert [r["response_format"] for r in stub.requests] == ["json_schema", None, None]
    assert [r["tool_choice"] for r in stub.requests[1:]] == ["PlanDraft", "PlanDraft"]
    assert memory.get(planner.llm.caller.key) == "tool_calling" and (tmp_path / "methods.json").is_file()
    # the refusal and the first round were sent to their end; the correction's stream was closed, not read on
    assert len(stub.finished) == 2 and len(stub.hangups) == 1 and stub.hangups[0] > stub.finished[1]
    assert plan.mode == "openai · qwen-test"
    model_actions = [a for a in plan.actions if a.origin == "llm"]
    assert [a.axis for a in model_actions] == ["pilotage"] and all(a.sources for a in model_actions)
    assert {a.axis for a in plan.actions} == set(knowledge_assistant.criteria.axis_ids)
    assert "la correction n° 1 a échoué (délai dépassé (20 s))" in plan.notice and "complété(s)" in plan.notice
    assert "Error" not in plan.notice and "Exception" not in plan.notice


def test_plans_that_never_validate_give_the_catalogue_plan_with_the_reason(knowledge_assistant, tmp_path):
    """Recorded: the three rounds of another profile (tool calling, remembered from the first test's server), none
    valid. The catalogue plan is returned, and says why."""
    names = ["plan_json_schema_refused", "plan_grande_ville_1", "plan_grande_ville_2", "plan_grande_ville_3"]
    with ReplayServer(names, speed=2000.0) as stub:
        _, plan = plan_with(knowledge_assistant, stub, MethodMemory(), "grande-ville", timeout_s=30.0)
    assert not stub.mismatches, stub.mismatches
    assert [r["tool_choice"] for r in stub.requests] == [None, "PlanDraft", "PlanDraft", "PlanDraft"]
    assert [r["roles"] for r in stub.requests[1:]] == [["system", "user"], ["system", "user", "user"],
                                                      ["system", "user", "user"]]  # two corrections asked
    assert plan.mode == "catalogue" and "après 2 corrections" in plan.notice
    assert {a.axis for a in plan.actions} == set(knowledge_assistant.criteria.axis_ids)
