"""One factory for the chat model. Each provider's SDK is imported only in its own branch."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from langchain_core.language_models import BaseChatModel

from .config import Settings
from .errors import ConfigurationError
from .llm_call import LLMFailure, describe_error

__all__ = ["LLMFailure", "make_chat_model", "model_label", "message_text", "within_deadline", "server_key"]

T = TypeVar("T")


def within_deadline(pool: Executor, call: Callable[[], T], timeout_s: float) -> T:
    """`call()` run in `pool`, waited for at most `timeout_s`; a timeout or any provider error is an LLMFailure.
    It cannot stop a running request: model calls go through `llm_call.collect`/`stream_chunks` instead."""
    future = pool.submit(call)
    try:
        return future.result(timeout=timeout_s)
    except FutureTimeout as exc:
        future.cancel()
        raise LLMFailure(f"délai dépassé ({timeout_s:g} s)") from exc
    except Exception as exc:  # provider errors of every kind become one French failure
        raise LLMFailure(describe_error(exc), cause=exc) from exc


def make_chat_model(settings: Settings, max_tokens: int | None = None) -> BaseChatModel | None:
    """The configured chat model, or None in the offline mode (`AAP_LLM_PROVIDER=none`).

    `max_tokens`: the most the model may write (default: an answer's, `AAP_LLM_MAX_TOKENS_ANSWER`). The HTTP
    client's timeout is the call's deadline, so a silent server is cut too; no retry (a retry would double it)."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    limit = max_tokens or settings.llm_max_tokens_answer
    common = dict(temperature=settings.llm_temperature)
    match settings.llm_provider:
        case "none":
            return None
        case "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=settings.llm_model or "llama3.1", base_url=settings.llm_base_url or None,
                              client_kwargs={"timeout": settings.llm_timeout_s}, num_predict=limit,
                              num_ctx=settings.llm_context_tokens, **common)
        case "openai":
            from langchain_openai import ChatOpenAI

            if not settings.llm_model:
                raise ConfigurationError("AAP_LLM_MODEL est requis avec AAP_LLM_PROVIDER=openai.")
            # `max_tokens` as such: LangChain would rename it `max_completion_tokens`, which llama.cpp-based
            # servers ignore (the model then writes up to its context size)
            return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url or None, api_key=key or "none",
                              timeout=settings.llm_timeout_s, max_retries=0, extra_body={"max_tokens": limit}, **common)
        case "mistral":
            from langchain_mistralai import ChatMistralAI

            if not key:
                raise ConfigurationError("AAP_LLM_API_KEY est requis avec AAP_LLM_PROVIDER=mistral.")
            return ChatMistralAI(model=settings.llm_model or "mistral-small-latest", api_key=key,
                                 endpoint=settings.llm_base_url or None, timeout=max(1, round(settings.llm_timeout_s)),
                                 max_retries=0, max_tokens=limit, **common)
    raise ConfigurationError(f"Fournisseur de modèle inconnu : {settings.llm_provider}")


def server_key(model: BaseChatModel) -> str:
    """Which server and model a chat model talks to (to remember what that server accepts)."""
    base = (getattr(model, "openai_api_base", None) or getattr(model, "base_url", None)
            or getattr(model, "endpoint", None) or "")
    name = getattr(model, "model_name", None) or getattr(model, "model", None) or ""
    return f"{type(model).__name__} {base} {name}"


def model_label(settings: Settings) -> str:
    return "hors ligne" if settings.llm_provider == "none" else f"{settings.llm_provider} · {settings.llm_model or '?'}"


def message_text(message) -> str:
    """The text of a chat message or chunk (content may be a string or a list of parts)."""
    content = getattr(message, "content", message)
    if isinstance(content, list):
        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")
