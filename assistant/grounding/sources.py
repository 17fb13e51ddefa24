"""The passages a text cites, whatever form they come in: retrieval `Passage`s, an answer's `Citation`s, or dicts
(an `aap ask --json` output read back)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InvalidInput


@dataclass(frozen=True, eq=False)
class Source:
    doc_id: str
    title: str
    section: str
    text: str
    axes: tuple[str, ...] = ()
    n: int | None = None  # the number a text's [n] marks use for it

    @classmethod
    def from_passage(cls, passage, n: int | None = None) -> "Source":
        return cls(doc_id=passage.doc_id, title=passage.title, section=passage.section, text=passage.text,
                   axes=tuple(passage.axes), n=n)


def _from_mapping(item: dict, n: int) -> Source:
    text = item.get("text") or item.get("excerpt") or ""
    quotes = [q for q in item.get("quotes") or [] if q not in text]
    if not text and not quotes:
        raise InvalidInput(f"Le passage n° {n} n'a pas de texte (champ « text » ou « excerpt »).")
    return Source(doc_id=str(item.get("doc_id", "")), title=str(item.get("title", "")),
                  section=str(item.get("section", "")), text="\n\n".join([text, *quotes]).strip(),
                  axes=tuple(item.get("axes") or ()), n=int(item.get("n") or n))


def to_sources(passages: Sequence) -> list[Source]:
    """Number them as a text's `[n]` marks do: a citation keeps its own `n`, anything else is numbered from 1."""
    sources = []
    for i, item in enumerate(passages, 1):
        if isinstance(item, Source):
            sources.append(item if item.n is not None else Source(**{**item.__dict__, "n": i}))
        elif hasattr(item, "model_dump"):
            data = item.model_dump()
            sources.append(Source.from_passage(item, n=i) if "text" in data and "chunk_ids" in data
                           else _from_mapping(data, i))
        elif isinstance(item, dict):
            sources.append(_from_mapping(item, i))
        else:
            raise InvalidInput(f"Passage n° {i} illisible : attendu un passage ou une citation.")
    return sources
