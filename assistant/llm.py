"""One factory for the chat model. Each provider's SDK is imported only in its own branch."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from langchain_core.language_models import BaseChatModel

from .config import Settings
from .errors import AapError, ConfigurationError

T = TypeVar("T")


class LLMFailure(AapError):
    """The model timed out, raised, or returned nothing usable; the message is French. Callers fall back to the
    offline answer or plan with a notice that names it."""


def within_deadline(pool: Executor, call: Callable[[], T], timeout_s: float) -> T:
    """`call()` run in `pool`, waited for at most `timeout_s`; a timeout or any provider error is an LLMFailure."""
    future = pool.submit(call)
    try:
        return future.result(timeout=timeout_s)
    except FutureTimeout as exc:
        future.cancel()
        raise LLMFailure(f"le modèle n'a pas répondu en {timeout_s:g} s") from exc
    except Exception as exc:  # provider errors of every kind become one French failure
        raise LLMFailure(f"le modèle a renvoyé une erreur ({type(exc).__name__})") from exc


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None in the offline mode (`AAP_LLM_PROVIDER=none`)."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    common = dict(temperature=settings.llm_temperature)
    match settings.llm_provider:
        case "none":
            return None
        case "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=settings.llm_model or "llama3.1", base_url=settings.llm_base_url or None,
                              client_kwargs={"timeout": settings.llm_timeout_s}, **common)
        case "openai":
            from langchain_openai import ChatOpenAI

            if not settings.llm_model:
                raise ConfigurationError("AAP_LLM_MODEL est requis avec AAP_LLM_PROVIDER=openai.")
            return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url or None, api_key=key or "none",
                              timeout=settings.llm_timeout_s, max_retries=1, **common)
        case "mistral":
            from langchain_mistralai import ChatMistralAI

            if not key:
                raise ConfigurationError("AAP_LLM_API_KEY est requis avec AAP_LLM_PROVIDER=mistral.")
            return ChatMistralAI(model=settings.llm_model or "mistral-small-latest", api_key=key,
                                 endpoint=settings.llm_base_url or None, timeout=int(settings.llm_timeout_s),
                                 max_retries=1, **common)
    raise ConfigurationError(f"Fournisseur de modèle inconnu : {settings.llm_provider}")


def model_label(settings: Settings) -> str:
    return "hors ligne" if settings.llm_provider == "none" else f"{settings.llm_provider} · {settings.llm_model or '?'}"


def message_text(message) -> str:
    """The text of a chat message or chunk (content may be a string or a list of parts)."""
    content = getattr(message, "content", message)
    if isinstance(content, list):
        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")
