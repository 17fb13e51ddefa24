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
