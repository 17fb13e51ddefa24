"""What ingestion handles: a loaded document (text + metadata) and the chunks cut from it."""

from __future__ import annotations

import hashlib
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


# Part of every document's hash: bump it when chunking changes, so the next ingestion re-cuts every document.
CHUNKING_VERSION = "3"


class Kind(str, Enum):
    """Where a passage comes from; shown to users, hence French values."""

    CALL = "appel"
    PRACTICE = "pratique"
    REFERENCE = "référence"
    LOCAL = "document local"


class SourceDocument(BaseModel):
    """A document ready to be chunked: Markdown-ish text (`#` headings) and what to know about it."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    kind: Kind
    text: str
    source: str = Field(description="File name (user files) or path relative to the knowledge folder.")
    axes: tuple[str, ...] = ()
    finalites: tuple[str, ...] = ()
    from_knowledge: bool = True
    added_by: str = Field("", description="Who added a user's document (« anonyme » without login).")
    added_at: str = Field("", description="When a user's document was added (ISO 8601, UTC).")
    segments: tuple[tuple[str, str], ...] | None = Field(
        None, description="(section, passage) pairs already cut from `text` (`chunking.segments`), or None.")

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that ends up in the store changes."""
        added = [self.added_by, self.added_at] if self.added_by or self.added_at else []  # knowledge hashes unchanged
        payload = "\x1f".join([CHUNKING_VERSION, self.doc_id, self.title, self.kind.value, self.source, ",".join(self.axes),
                               ",".join(self.finalites), self.text, *added])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


class Chunk(BaseModel):
    """One passage of a document, as stored in Chroma and in the BM25 index."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    doc_id: str
    title: str
    section: str
    kind: Kind
    source: str
    position: int
    axes: tuple[str, ...] = ()
    finalites: tuple[str, ...] = ()
    from_knowledge: bool = True
    doc_hash: str = ""
    added_by: str = ""
    added_at: str = ""

    @staticmethod
    def make_id(doc_id: str, section: str, text: str) -> str:
        """Stable id: the same passage of the same document always gets the same id."""
        return hashlib.sha256(f"{doc_id}\x1f{section}\x1f{text}".encode("utf-8")).hexdigest()[:32]

    @property
    def indexed_text(self) -> str:
        """What is embedded and indexed: the document title and section give context the passage itself lacks."""
        return f"{self.title}\n{self.section}\n{self.text}"

    def to_metadata(self) -> dict[str, str | int | bool]:
        """Chroma metadata: scalars only, so lists become `|a|b|` strings plus one boolean flag per value."""
        meta: dict[str, str | int | bool] = {
            "doc_id": self.doc_id, "title": self.title, "section": self.section, "kind": self.kind.value,
            "source": self.source, "position": self.position, "axes": "|" + "|".join(self.axes) + "|",
            "finalites": "|" + "|".join(self.finalites) + "|", "from_knowledge": self.from_knowledge,
            "doc_hash": self.doc_hash,
        }
        if self.added_by or self.added_at:  # a user's document: who added it, and when
            meta.update(added_by=self.added_by, added_at=self.added_at)
        for axis in self.axes:
            meta[f"axis_{axis}"] = True
        return meta

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict) -> "Chunk":
        split = lambda value: tuple(v for v in str(value or "").split("|") if v)  # noqa: E731
        return cls(
            id=chunk_id, text=text, doc_id=meta["doc_id"], title=meta.get("title", ""), section=meta.get("section", ""),
            kind=Kind(meta.get("kind", Kind.LOCAL.value)), source=meta.get("source", ""),
            position=int(meta.get("position", 0)), axes=split(meta.get("axes")), finalites=split(meta.get("finalites")),
            from_knowledge=bool(meta.get("from_knowledge", True)), doc_hash=meta.get("doc_hash", ""),
            added_by=str(meta.get("added_by", "")), added_at=str(meta.get("added_at", "")),
        )
