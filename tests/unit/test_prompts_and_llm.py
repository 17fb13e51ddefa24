import re
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.llm import make_chat_model
from assistant.prompts import PROMPTS_DIR, PromptError, load_prompt


@pytest.mark.parametrize("name", [p.stem for p in PROMPTS_DIR.glob("*.md")])
def test_every_prompt_loads_and_renders(name):
    prompt = load_prompt(name)
    values = {v: [] if v in {"passages", "history", "axes"} else "x" for v in prompt.variables}
    system, user = prompt.render(**values)
    assert system and user


def test_a_missing_variable_is_an_error():
    with pytest.raises(PromptError, match="manquantes"):
        load_prompt("answer").render(question="q")


@pytest.mark.parametrize("provider, extra, cls", [
    ("ollama", {}, "ChatOllama"),
    ("openai", {"llm_model": "albert-large", "llm_base_url": "https://albert.example.invalid/v1"}, "ChatOpenAI"),
    ("mistral", {"llm_api_key": "k"}, "ChatMistralAI"),
])
def test_the_factory_builds_each_provider_without_calling_it(provider, extra, cls):
    model = make_chat_model(Settings(llm_provider=provider, _env_file=None, **extra))
    assert type(model).__name__ == cls


def test_offline_mode_has_no_model():
    assert make_chat_model(Settings(_env_file=None)) is None


def _passages(n: int):
    from assistant.retrieval import Passage

    return [Passage(chunk_ids=(f"c{i}",), doc_id=f"d{i}", title="t", section="s", kind="appel",
                    text="Le dossier se dépose avant le 30 avril 2024.", similarity=0.8, score=0.1) for i in range(n)]


@pytest.mark.parametrize("text, reason", [
    ("Les documents disponibles ne permettent pas de répondre à cette question.", "ne permettaient pas de répondre"),
    ("Avant le 30 avril 2024 [1]. Les documents disponibles ne permettent pas de répondre à cette question.",
     "tout en citant des passages"),
    ("La date limite est fixée par l'appel et il faut déposer le dossier en ligne.", "ne citait aucun passage"),
    ("Avant le 30 avril 2024 [1].\n\n- Une action de prévention au collège avec les parents et les éducateurs du "
     "quartier, chaque semaine.", "1 partie(s) de sa réponse ne citait aucun passage"),
    ("Avant le 30 avril 2024 [7].", "ne citait aucun passage"),
])
def test_model_text_that_is_not_fully_cited_is_refused_with_its_reason(text, reason):
    from assistant.answering.generative import LLMAnswerer
    from assistant.llm import LLMFailure

    with pytest.raises(LLMFailure, match=re.escape(reason)):
        LLMAnswerer(model=None, call_title="x", timeout_s=1, label="m").finish(text, _passages(2))


def test_headings_lead_ins_and_cited_items_need_nothing_more():
    from assistant.answering.generative import LLMAnswerer

    text = ("### Axe 1 — Concevoir le projet\nVoici les actions que les fiches proposent pour cet axe :\n"
            "- Installer un groupe thématique au sein du conseil local de prévention [1]\n"
            "### Axe 2 — Protéger\nAucune fiche ne correspond à cet axe pour cette question.")
    answer = LLMAnswerer(model=None, call_title="x", timeout_s=1, label="m").finish(text, _passages(2))
    assert [c.n for c in answer.citations] == [1] and not answer.insufficient_evidence


def test_passages_are_shortened_then_fewer_to_leave_room_for_the_answer():
    from assistant.answering.generative import LLMAnswerer, build_messages
    from assistant.tokens import answer_budget, messages_tokens

    long = [p.model_copy(update={"text": ("Une phrase du passage qui parle de prévention. " * 60).strip()})
            for p in _passages(8)]
    answerer = LLMAnswerer(model=None, call_title="x", timeout_s=1, label="m", context_tokens=2048)
    kept = answerer.fit("Quelle est la date limite ?", long)
    assert 1 <= len(kept) < 8 and all(len(p.text) < len(long[0].text) for p in kept)
    assert messages_tokens(build_messages("x", "Quelle est la date limite ?", kept)) <= answer_budget(2048)
    assert [p.doc_id for p in kept] == [p.doc_id for p in long[:len(kept)]]  # the best ones, in order
    roomy = LLMAnswerer(model=None, call_title="x", timeout_s=1, label="m", context_tokens=65536)
    assert roomy.fit("Quelle est la date limite ?", long) == long
