"""A model call that its deadline really stops, and the French name of what went wrong.

`future.cancel()` cannot stop a request already running: the model went on generating and the process lived on
until the worker thread ended. Here the call is streamed by a daemon thread that reads it chunk by chunk; once the
caller gives up (deadline, or it stopped reading), the thread closes the stream at the next chunk, which closes
the HTTP response, so a streaming server stops generating. While the server sends nothing (prompt processing), the
HTTP client's own timeout (the same number of seconds, set by `make_chat_model`) ends the read. Being a daemon,
the thread never keeps a CLI that gave up alive.

>>> text = collect(model, messages, timeout_s=15).content   # doctest: +SKIP
"""

from __future__ import annotations

import operator
import queue
import threading
import time
from collections.abc import Iterator
from functools import reduce
from typing import Any

from langchain_core.runnables import Runnable

from .errors import AapError

_DONE = object()


class LLMFailure(AapError):
    """The model timed out, raised, or returned nothing usable; the message is French. Callers fall back to the
    offline answer or plan with a notice that names it. `cause`: the provider's exception, when there was one."""

    def __init__(self, message: str, cause: BaseException | None = None):
        super().__init__(message)
        self.cause = cause


class LLMTimeout(LLMFailure):
    """The deadline passed; the stream was closed."""


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a provider error (openai, httpx, ollama, mistral), None when it is not an HTTP answer."""
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def error_text(exc: BaseException) -> str:
    """What the server said (the body of an HTTP error when the client kept it), for matching, never shown raw."""
    body = getattr(exc, "body", None)
    return f"{exc} {body if body is not None else ''}"


def describe_error(exc: BaseException) -> str:
    """A provider error in plain French: the cause, never an exception class."""
    import httpx  # every provider client here is built on httpx

    name = type(exc).__name__
    if isinstance(exc, (TimeoutError, httpx.TimeoutException)) or name in {"APITimeoutError", "ReadTimeout"}:
        return "délai dépassé"
    status = http_status(exc)
    if status is not None:
        return f"le serveur du modèle a répondu par une erreur HTTP {status}"
    # by class name along the chain: clients wrap the transport's error in their own (langchain-openai's
    # OpenAIConnectionError over openai's APIConnectionError over a RemoteProtocolError of the httpx copy it ships)
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    if names & {"RemoteProtocolError", "ReadError"}:
        return "la connexion au serveur du modèle a été coupée pendant la réponse"
    if any(isinstance(e, ConnectionError) for e in chain) or \
            names & {"ConnectError", "APIConnectionError", "OpenAIConnectionError"}:
        return "le serveur du modèle est injoignable"
    return "le modèle a renvoyé une réponse inattendue"


def _chain(exc: BaseException, depth: int = 6) -> list[BaseException]:
    """The exception and those it was raised from or during, nearest first."""
    found: list[BaseException] = []
    while exc is not None and len(found) < depth and exc not in found:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__
    return found


def stream_chunks(runnable: Runnable, messages: Any, timeout_s: float) -> Iterator[Any]:
    """The chunks of `runnable.stream(messages)` as they come; LLMFailure past `timeout_s` overall or on an error.
    Leaving the loop early (or the deadline) closes the stream."""
    pieces: queue.Queue = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        stream = runnable.stream(messages)
        try:
            for chunk in stream:
                if stop.is_set():
                    return
                pieces.put(chunk)
            pieces.put(_DONE)
        except BaseException as exc:  # handed to the caller, which names it in French
            pieces.put(exc)
        finally:
            stream.close()  # a response not read to its end: the HTTP connection is closed, not reused

    threading.Thread(target=produce, name="llm-call", daemon=True).start()
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                item = pieces.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise LLMTimeout(f"délai dépassé ({timeout_s:g} s)") from None
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise LLMFailure(describe_error(item), cause=item) from item
            yield item
    finally:
        stop.set()


def collect(runnable: Runnable, messages: Any, timeout_s: float) -> Any:
    """The whole streamed message (chunks added up: text and tool calls), within the deadline."""
    chunks = list(stream_chunks(runnable, messages, timeout_s))
    if not chunks:
        raise LLMFailure("le modèle a renvoyé une réponse vide")
    if all(hasattr(c, "__add__") and not isinstance(c, dict) for c in chunks):
        return reduce(operator.add, chunks)
    return chunks[-1]  # a runnable that yields whole outputs (a parsed structure)
