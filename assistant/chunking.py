"""Split a document by its Markdown headings, then by size with overlap, on paragraph and sentence boundaries.

>>> from assistant.documents import SourceDocument, Kind
>>> doc = SourceDocument(doc_id="d", title="T", kind=Kind.LOCAL, text="# T\\n## A\\nUn texte.", source="d.md")
>>> [(c.section, c.text) for c in split_document(doc)]
[('T > A', 'Un texte.')]
"""

from __future__ import annotations

import re

from .documents import Chunk, SourceDocument

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
SENTENCE_END = re.compile(r"(?<!^\d[.)])(?<!^\d\d[.)])(?<=[.!?…;:])\s+(?=[«A-ZÀ-ÖØ-Þ0-9\-•*])", re.M)

DEFAULT_MAX_CHARS = 1000
DEFAULT_OVERLAP_CHARS = 150
MIN_CHARS = 40


def sections(text: str) -> list[tuple[list[str], str]]:
    """(heading path, body) pairs, in document order; text before any heading has an empty path."""
    path: list[tuple[int, str]] = []
    out: list[tuple[list[str], str]] = []
    body: list[str] = []
    in_code = False

    def flush() -> None:
        content = "\n".join(body).strip()
        if content:
            out.append(([title for _, title in path], content))
        body.clear()

    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = None if in_code else HEADING.match(line)
        if match:
            flush()
            level = len(match.group(1))
            # the document's own title (level 1) is not part of a section's name
            path = [(lvl, title) for lvl, title in path if lvl < level] + ([(level, match.group(2).strip())]
                                                                           if level > 1 else [])
        else:
            body.append(line)
    flush()
    return out


LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def _pieces(body: str, max_chars: int) -> list[str]:
    """Paragraphs (a list item is one of its own), sentences of those too long, hard cuts of what still is."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", body):
        lines = para.strip().splitlines()
        items: list[str] = []
        for line in lines:
            if items and not LIST_ITEM.match(line):
                items[-1] += "\n" + line
            else:
                items.append(line)
        for item in items:
            item = item.strip()
            if not item:
                continue
            if len(item) <= max_chars:
                out.append(item)
                continue
            for sentence in SENTENCE_END.split(item):
                while len(sentence) > max_chars:
                    cut = sentence.rfind(" ", 0, max_chars)
                    cut = cut if cut > max_chars // 2 else max_chars
                    out.append(sentence[:cut].strip())
                    sentence = sentence[cut:].strip()
                if sentence:
                    out.append(sentence)
    return out


def split_text(body: str, max_chars: int = DEFAULT_MAX_CHARS, overlap: int = DEFAULT_OVERLAP_CHARS) -> list[str]:
    """Pack pieces into windows of at most `max_chars`; each window repeats the tail of the previous one."""
    windows: list[str] = []
    current: list[str] = []
    for piece in _pieces(body, max_chars):
        candidate = "\n\n".join(current + [piece])
        if current and len(candidate) > max_chars:
            windows.append("\n\n".join(current))
            tail = _overlap_tail(current, overlap)
            current = ([tail] if tail and len(tail) + len(piece) + 2 <= max_chars else []) + [piece]
        else:
            current.append(piece)
    if current:
        windows.append("\n\n".join(current))
    return windows


def _overlap_tail(pieces: list[str], overlap: int) -> str:
    """The last whole sentences of the window, up to `overlap` characters (never a cut word)."""
    if overlap <= 0:
        return ""
    sentences = SENTENCE_END.split(pieces[-1])
    tail: list[str] = []
    for sentence in reversed(sentences):
        if sum(len(s) + 1 for s in tail) + len(sentence) > overlap:
            break
        tail.insert(0, sentence)
    return " ".join(tail)


def split_document(doc: SourceDocument, max_chars: int = DEFAULT_MAX_CHARS,
                   overlap: int = DEFAULT_OVERLAP_CHARS) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for path, body in sections(doc.text):
        section = " > ".join(path) or doc.title
        for window in split_text(body, max_chars, overlap):
            if len(window.strip()) < MIN_CHARS and not _is_only_content(doc, body):
                continue
            chunk_id = Chunk.make_id(doc.doc_id, section, window)
            if chunk_id in seen:  # identical passage twice in one section: once is enough
                continue
            seen.add(chunk_id)
            chunks.append(Chunk(
                id=chunk_id, text=window, doc_id=doc.doc_id, title=doc.title, section=section, kind=doc.kind,
                source=doc.source, position=len(chunks), axes=doc.axes, finalites=doc.finalites,
                from_knowledge=doc.from_knowledge, doc_hash=doc.content_hash, added_by=doc.added_by,
                added_at=doc.added_at,
            ))
    return chunks


def _is_only_content(doc: SourceDocument, body: str) -> bool:
    """A very short document is kept whole rather than dropped."""
    return len(doc.text.strip()) < 4 * MIN_CHARS
