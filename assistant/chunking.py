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
    """Paragraphs (a list item is one of its own), sentences of those too long, hard cuts of what still is.

    Linear in the length of `body`: nothing longer than `max_chars` is copied or rescanned piece by piece (a 1 MB
    paragraph without punctuation made this quadratic)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", body):
        items: list[list[str]] = []
        for line in para.strip().splitlines():
            if items and not LIST_ITEM.match(line):
                items[-1].append(line)
            else:
                items.append([line])
        for lines in items:
            item = "\n".join(lines).strip()
            if not item:
                continue
            if len(item) <= max_chars:
                out.append(item)
                continue
            for sentence in SENTENCE_END.split(item):
                out += _hard_cuts(sentence, max_chars)
    return out


def _hard_cuts(sentence: str, max_chars: int) -> list[str]:
    """A sentence cut at the last space before `max_chars` (or at `max_chars` when no space is near), walked with an
    index rather than sliced again and again."""
    out, start, end = [], 0, len(sentence)
    while end - start > max_chars:
        cut = sentence.rfind(" ", start, start + max_chars)
        cut = cut if cut - start > max_chars // 2 else start + max_chars
        out.append(sentence[start:cut].strip())
        start = cut
        while start < end and sentence[start].isspace():
            start += 1
    if start < end:
        out.append(sentence[start:])
    return out


def split_text(body: str, max_chars: int = DEFAULT_MAX_CHARS, overlap: int = DEFAULT_OVERLAP_CHARS) -> list[str]:
    """Pack pieces into windows of at most `max_chars`; each window repeats the tail of the previous one."""
    windows: list[str] = []
    current: list[str] = []
    size = 0  # of "\n\n".join(current), kept as pieces come rather than joined again for each one
    for piece in _pieces(body, max_chars):
        if current and size + 2 + len(piece) > max_chars:
            windows.append("\n\n".join(current))
            tail = _overlap_tail(current, overlap)
            current = ([tail] if tail and len(tail) + len(piece) + 2 <= max_chars else []) + [piece]
            size = sum(map(len, current)) + 2 * (len(current) - 1)
        else:
            size += (2 if current else 0) + len(piece)
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


def segments(text: str, title: str, max_chars: int = DEFAULT_MAX_CHARS,
             overlap: int = DEFAULT_OVERLAP_CHARS) -> tuple[tuple[str, str], ...]:
    """(section name, passage text) pairs of a document's text, in order, without duplicates: the costly part of
    splitting, which user files go through in their parse child, under its time limit (`loaders.load_user_file`)."""
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    only_content = _is_only_content(text)
    for path, body in sections(text):
        section = " > ".join(path) or title
        for window in split_text(body, max_chars, overlap):
            if len(window.strip()) < MIN_CHARS and not only_content:
                continue
            if (section, window) in seen:  # identical passage twice in one section: once is enough
                continue
            seen.add((section, window))
            out.append((section, window))
    return tuple(out)


def split_document(doc: SourceDocument, max_chars: int = DEFAULT_MAX_CHARS,
                   overlap: int = DEFAULT_OVERLAP_CHARS) -> list[Chunk]:
    """The document's chunks; its `segments` when its loader already cut them."""
    pairs = doc.segments if doc.segments is not None else segments(doc.text, doc.title, max_chars, overlap)
    doc_hash = doc.content_hash  # once: it hashes the whole text
    return [Chunk(id=Chunk.make_id(doc.doc_id, section, window), text=window, doc_id=doc.doc_id, title=doc.title,
                  section=section, kind=doc.kind, source=doc.source, position=position, axes=doc.axes,
                  finalites=doc.finalites, from_knowledge=doc.from_knowledge, doc_hash=doc_hash,
                  added_by=doc.added_by, added_at=doc.added_at)
            for position, (section, window) in enumerate(pairs)]


def _is_only_content(text: str) -> bool:
    """A very short document is kept whole rather than dropped."""
    return len(text.strip()) < 4 * MIN_CHARS
