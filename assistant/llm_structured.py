"""Structured output that negotiates with the server.

Servers differ in what they accept: OpenAI takes `response_format: json_schema`, llama.cpp's server may answer it
with an HTTP error and take tool calling, others only JSON mode or plain text. With `AAP_LLM_STRUCTURED=auto` the
methods are tried in that order (`METHODS`); a method the server refuses (an HTTP error that names it, before any
output) moves to the next one, and what worked is remembered for that server and model (in memory, and in a small
JSON file in the data folder). A fixed method is used alone.

>>> caller = StructuredCaller(model, PlanDraft, "auto", MethodMemory(path))     # doctest: +SKIP
>>> output = caller.ask(messages, timeout_s=120)   # a dict, or None when the model wrote no JSON  # doctest: +SKIP
>>> caller.method, caller.refused                                                 # doctest: +SKIP
('tool_calling', ['json_schema'])
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable
from pydantic import BaseModel

from .llm_call import LLMFailure, LLMTimeout, collect, error_text, http_status

METHODS = ("json_schema", "tool_calling", "json_mode", "text")
PROVIDERS = {"ChatOpenAI": "openai", "ChatOllama": "ollama", "ChatMistralAI": "mistral"}
# What a server's refusal of each method names (its HTTP error text); "not supported" alone is not enough.
REFUSAL_WORDS = {
    "json_schema": ("json_schema", "response_format", "schema", "grammar"),
    "tool_calling": ("tool", "function"),
    "json_mode": ("json_object", "response_format", "format", "grammar"),
    "text": (),
}


def provider_of(model: BaseChatModel) -> str | None:
    """openai, ollama or mistral for those LangChain clients (and their subclasses); None for any other model."""
    for cls in type(model).__mro__:
        if cls.__name__ in PROVIDERS:
            return PROVIDERS[cls.__name__]
    return None


def bind_method(model: BaseChatModel, provider: str | None, method: str, schema: type[BaseModel]) -> Runnable:
    """The model set up to answer with `schema` by `method`, in the form its provider's API expects."""
    name = schema.__name__
    json_schema = schema.model_json_schema()
    match method, provider:
        case "text", _:
            return model
        case "native", _:  # another chat model: LangChain's own structured output, if it has one
            return model.with_structured_output(schema, include_raw=True)
        case "json_schema", "ollama":
            return model.bind(format=json_schema)
        case "json_schema", _:
            return model.bind(response_format={"type": "json_schema",
                                               "json_schema": {"name": name, "schema": json_schema}})
        case "tool_calling", "ollama":  # Ollama has no tool_choice: the prompt and the single tool lead the model
            return model.bind_tools([schema])
        case "tool_calling", "mistral":
            return model.bind_tools([schema], tool_choice="any")
        case "tool_calling", _:
            return model.bind_tools([schema], tool_choice=name)
        case "json_mode", "ollama":
            return model.bind(format="json")
        case "json_mode", _:
            return model.bind(response_format={"type": "json_object"})
    raise ValueError(f"méthode de sortie structurée inconnue : {method}")


def extract_json(text: str) -> dict | None:
    """The JSON object in a model's text (bare, or in a ```json fence); None when there is none."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    candidates = [fenced.group(1)] if fenced else []
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        candidates.append(text[start:end + 1])
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def parse_output(result: Any) -> dict | None:
    """The object the model wrote: a tool call's arguments, LangChain's parsed structure, or JSON in the text."""
    from .llm import message_text

    if isinstance(result, dict) and ("raw" in result or "parsed" in result):  # `with_structured_output(include_raw)`
        parsed = result.get("parsed")
        if isinstance(parsed, BaseModel):
            return parsed.model_dump()
        result = result.get("raw")
        if result is None:
            return None
    for call in getattr(result, "tool_calls", None) or []:
        if isinstance(call.get("args"), dict) and call["args"]:
            return call["args"]
    for call in getattr(result, "invalid_tool_calls", None) or []:  # arguments that are not clean JSON
        found = extract_json(str(call.get("args") or ""))
        if found is not None:
            return found
    return extract_json(message_text(result))


def is_refusal(failure: LLMFailure, method: str) -> bool:
    """The server refused the method itself (an HTTP error naming it), not the request as a whole."""
    if failure.cause is None or method == "text":
        return False
    status = http_status(failure.cause)
    if status is None or not 400 <= status < 600:
        return False
    said = error_text(failure.cause).lower()
    return any(word in said for word in REFUSAL_WORDS.get(method, ()))


class MethodMemory:
    """What worked for each server and model, in memory and, when `path` is given, in that JSON file.
    The file is written only when a method first works (not on every call) and a broken file is ignored."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._lock = threading.Lock()
        self._known: dict[str, str] = {}
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                self._known = {k: v for k, v in loaded.items() if v in METHODS} if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._known = {}

    def get(self, key: str) -> str | None:
        return self._known.get(key)

    def remember(self, key: str, method: str) -> None:
        with self._lock:
            if self._known.get(key) == method:
                return
            self._known[key] = method
            if self.path is not None:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self.path.write_text(json.dumps(self._known, ensure_ascii=False, indent=1), encoding="utf-8")
                except OSError:
                    pass  # remembering is an optimisation: a read-only data folder keeps it in memory only


class StructuredCaller:
    """One structured call, negotiated. `method` and `refused` tell what happened on the last call."""

    def __init__(self, model: BaseChatModel, schema: type[BaseModel], setting: str = "auto",
                 memory: MethodMemory | None = None):
        from .llm import server_key

        self.model, self.schema, self.setting = model, schema, setting
        self.provider = provider_of(model)
        self.memory = memory or MethodMemory()
        self.key = server_key(model)
        self.method: str | None = None
        self.refused: list[str] = []

    def candidates(self) -> list[str]:
        if self.provider is None:  # a chat model of no known API: its own structured output, else JSON in the text
            return ["native", "text"] if self.setting == "auto" else ["text" if self.setting == "text" else "native"]
        if self.setting != "auto":
            return [self.setting]
        known = self.memory.get(self.key)
        return list(METHODS[METHODS.index(known):]) if known in METHODS else list(METHODS)

    def ask(self, messages: list, timeout_s: float) -> dict | None:
        """The model's object; None when it answered something else. LLMFailure when no method gave an answer;
        a refusal of every method is named (« méthode json_schema refusée par le serveur… »)."""
        self.refused = []
        deadline = time.monotonic() + timeout_s
        for method in self.candidates():
            try:
                runnable = bind_method(self.model, self.provider, method, self.schema)
            except (NotImplementedError, AttributeError, TypeError, ValueError):
                continue  # this model has no such method (e.g. no structured output): the next one
            try:
                result = collect(runnable, messages, max(deadline - time.monotonic(), 0.001))
            except LLMTimeout as failure:  # the whole negotiation had `timeout_s`
                raise LLMTimeout(self._named(f"délai dépassé ({timeout_s:g} s)")) from failure
            except LLMFailure as failure:
                if not is_refusal(failure, method):
                    raise LLMFailure(self._named(str(failure)), cause=failure.cause) from failure
                self.refused.append(method)
                continue
            self.method = method
            if self.provider is not None:
                self.memory.remember(self.key, method)
            return parse_output(result)
        raise LLMFailure(self._named("aucune méthode de sortie structurée acceptée"))

    def _named(self, why: str) -> str:
        if not self.refused:
            return why
        refused = ", ".join(self.refused)
        return f"méthode {refused} refusée par le serveur ; {why}"
