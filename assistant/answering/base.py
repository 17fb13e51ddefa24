"""What every answerer shares: the protocol, and numbering the passages an answer quotes.

An answerer takes the understood question and the passages retrieved for it, and yields partial texts (LLM modes)
then one `Answer`. The service picks one by the question's intent; none of them re-reads the raw question.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from ..retrieval import Passage
from .instructions import is_instruction_like
from .models import Answer, Citation
from .query import Query

EXCERPT_CHARS = 900
URL = re.compile(r"https?://\S+")
# a line of a fiche's « Sources : » list, or a bibliographic reference (« Titre, Éditeur, 2024, https://… »)
# or a piece of the « Sources : » line cut at a title's full stop (« Cap, pas cap de dire non (fiche programme),
# Sirena CPS (Santé publique France), sirena-cps.fr ; »: it ends with a bare site name)
REFERENCE_LINE = re.compile(r"^\s*Sources?\s*:|\bhttps?://|\(\s*\w+\.(?:fr|org|com|eu|gouv\.fr)\s*[,;)]|"
                            r"^[^.]{0,160},\s*(?:19|20)\d{2}\s*[,.]?\s*$|"
                            r"[,;]\s*(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:fr|org|com|eu|net|int)\s*[;,.]?\s*$")
INTERNAL_ID = re.compile(r"`([a-z0-9][a-z0-9-]*)`")


class Answerer(Protocol):
    def stream(self, query: Query, passages: list[Passage]) -> Iterator[str | Answer]:
        """Partial texts (LLM modes), then the final `Answer`."""


def excerpt(passage: Passage, quotes: list[str]) -> str:
    """The passage, cut around its first quoted sentence when it is long."""
    text = passage.text
    if len(text) <= EXCERPT_CHARS:
        return text
    first = text.find(quotes[0]) if quotes else -1
    start = max(0, first - 200) if first >= 0 else 0
    cut = text[start:start + EXCERPT_CHARS]
    return ("… " if start else "") + cut.strip() + (" …" if start + EXCERPT_CHARS < len(text) else "")


class Citations:
    """Numbers passages in order of first use (`[n]`), with the sentences the answer takes from each."""

    def __init__(self):
        self._passages: list[Passage] = []
        self._quotes: dict[int, list[str]] = {}

    def cite(self, passage: Passage, quote: str | None = None) -> int:
        key = next((i for i, p in enumerate(self._passages) if p.chunk_ids == passage.chunk_ids), None)
        if key is None:
            self._passages.append(passage)
            key = len(self._passages) - 1
        if quote and quote not in self._quotes.setdefault(key, []):
            self._quotes[key].append(quote)
        return key + 1

    def __len__(self) -> int:
        return len(self._passages)

    def all(self) -> list[Citation]:
        return [Citation.of(p, i + 1, excerpt(p, self._quotes.get(i, [])), self._quotes.get(i, []))
                for i, p in enumerate(self._passages)]


def is_answer_sentence(sentence: str) -> bool:
    """Not a reference line, a bare address or a list of sources, nor an order addressed to the assistant (text
    from documents is data): those are never said as an answer."""
    stripped = sentence.strip()
    return (bool(stripped) and not REFERENCE_LINE.search(stripped) and not URL.fullmatch(stripped)
            and not is_instruction_like(stripped))


def readable(sentence: str, titles: dict[str, str]) -> str:
    """Internal ids of fiches (« voir `cofinancements` ») read as the fiche's title."""
    return INTERNAL_ID.sub(lambda m: f"« {titles[m.group(1)]} »" if m.group(1) in titles else m.group(1), sentence)
