"""What the campaigns share: a private workspace, an Assistant over it, a chat model that echoes its prompt,
and the detectors of outside content that a viewer would fetch or run."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from assistant.offline import enforce_offline

enforce_offline()

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
SMALL_KNOWLEDGE = ROOT / "tests" / "data" / "knowledge"

# What a Markdown/HTML viewer would fetch or run: images, frames, scripts, styles, inline links to a scheme, tags
# (an event handler or a CSS url() is inert outside a tag, so the tag is what counts; `\\[` is escaped).
FETCHABLE = re.compile(
    r"(?<!\\)!\[[^\]\n]*(?<!\\)\]\s*\(|(?<!\\)\]\(\s*<?\s*(?:https?:|//|javascript:|data:|vbscript:)"
    r"|<\s*(?:javascript|vbscript|data):"
    r"|<\s*/?\s*(?:img|image|iframe|frame|script|link|object|embed|video|audio|source|svg|style|meta|base|form|input"
    r"|a|math|body|html|details|marquee|picture|track|applet|xml)\b",
    re.I,
)


def fetchable(text: str | None) -> list[str]:
    return [m.group(0) for m in FETCHABLE.finditer(text or "")]


# Two fiches per axis (as the UI tests): enough for the catalogue to draft a plan, quick to index.
MEDIUM_FICHES = ["clspd-cispd", "diagnostic-partage", "paej", "psfp", "theatre-forum-temoignages", "recrutement-reseaux-sociaux",
                 "prevention-specialisee", "reoccuper-apres-demantelement"]


def settings_for(root: Path, knowledge: str = "small", **extra):
    """Settings over a private data folder. Knowledge: `small` (the test call, 4 documents), `medium` (the real call,
    its references and 8 fiches: plans can be drafted) or `full` (the real knowledge folder)."""
    from assistant import Settings

    root.mkdir(parents=True, exist_ok=True)
    if knowledge == "full":
        return Settings(data_dir=root / "data", _env_file=None, **extra)
    if knowledge == "medium":
        folder = root / "knowledge"
        if not folder.exists():
            shutil.copytree(KNOWLEDGE, folder, ignore=shutil.ignore_patterns("practices"))
            (folder / "practices").mkdir()
            for fiche in MEDIUM_FICHES:
                shutil.copy(KNOWLEDGE / "practices" / f"{fiche}.md", folder / "practices")
        return Settings(data_dir=root / "data", knowledge_dir=folder, _env_file=None, **extra)
    folder = root / "knowledge"
    if not folder.exists():
        shutil.copytree(SMALL_KNOWLEDGE, folder)
        shutil.copy(KNOWLEDGE / "scope.yaml", folder / "scope.yaml")
    return Settings(data_dir=root / "data", knowledge_dir=folder, call_id="test-call", _env_file=None, **extra)


def knowledge_env(settings) -> dict[str, str]:
    """The environment that makes a CLI subprocess use these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AAP_")}
    env.update(AAP_DATA_DIR=str(settings.data_dir), AAP_KNOWLEDGE_DIR=str(settings.knowledge_dir),
               AAP_CALL_ID=settings.call_id, AAP_LLM_PROVIDER="none")
    return env


class EchoChatModel(BaseChatModel):
    """A LangChain chat model that answers with its whole prompt, and keeps every prompt it was given."""

    calls: list = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "echo"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.calls.append([(m.type, str(m.content)) for m in messages])
        text = "\n\n".join(str(m.content) for m in messages)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def with_llm(assistant, model: BaseChatModel, provider: str = "openai"):
    """The same store and knowledge, answered by `model` as if `provider` were configured."""
    from assistant import Assistant

    settings = assistant.settings.model_copy(update={"llm_provider": provider, "llm_model": "echo"})
    return Assistant(settings, assistant.kb, assistant.criteria, chat_model=model)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
