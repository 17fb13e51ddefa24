"""BM25 over the store's chunks, with French analysis. Chroma is the source of truth: the index is derived from
it, saved beside it with the fingerprint of the chunk ids it was built from, and rebuilt whenever they differ
(after an ingestion, or after a crash between the two writes), so both always answer over the same chunks."""

from __future__ import annotations

import bisect
import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from .documents import Chunk
from .text_fr import analyse

MIN_FAMILY_PREFIX = 5  # shorter stems ("bafa", "cee") must match exactly


def fingerprint(ids: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for chunk_id in sorted(ids):
        digest.update(chunk_id.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class ChunkInfo:
    """What a filter needs to know of a chunk, kept in memory beside the index."""

    id: str
    doc_id: str
    kind: str
    axes: tuple[str, ...]


class LexicalIndex:
    def __init__(self, infos: list[ChunkInfo], bm25: bm25s.BM25 | None, fp: str):
        self.infos, self._bm25, self.fingerprint = infos, bm25, fp
        self._vocab: list[str] | None = None

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> "LexicalIndex":
        infos = [ChunkInfo(c.id, c.doc_id, c.kind.value, tuple(c.axes)) for c in chunks]
        bm25 = None
        if chunks:
            bm25 = bm25s.BM25(k1=1.2, b=0.75)
            bm25.index([analyse(c.indexed_text) or ["_"] for c in chunks], show_progress=False)
        return cls(infos, bm25, fingerprint([c.id for c in chunks]))

    def __len__(self) -> int:
        return len(self.infos)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best `k` chunks with a positive score; `allowed` masks chunks out."""
        if self._bm25 is None or k <= 0:
            return []
        tokens = [t for t in analyse(query) if t in self._bm25.vocab_dict]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.infos[i].id, float(scores[i])) for i in top if scores[i] > 0]

    def knows(self, stem: str) -> bool:
        """Whether any chunk uses this analysed (stemmed, folded) word, or a longer word of the same family
        ("candidat" for "candidater", which the base writes "candidature")."""
        if self._bm25 is None:
            return False
        if stem in self._bm25.vocab_dict:
            return True
        if len(stem) < MIN_FAMILY_PREFIX:
            return False
        vocab = self._sorted_vocab()
        i = bisect.bisect_left(vocab, stem)
        return i < len(vocab) and vocab[i].startswith(stem)

    def _sorted_vocab(self) -> list[str]:
        if self._vocab is None:
            self._vocab = sorted(self._bm25.vocab_dict)
        return self._vocab

    def mask(self, *, axis: str | None = None, kind: str | None = None, doc_id: str | None = None) -> np.ndarray | None:
        if not (axis or kind or doc_id):
            return None
        return np.array([(not axis or axis in info.axes) and (not kind or info.kind == kind)
                         and (not doc_id or info.doc_id == doc_id) for info in self.infos], dtype=bool)

    # -- persistence ---------------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"), show_progress=False)
        (tmp / "chunks.json").write_text(json.dumps(
            {"fingerprint": self.fingerprint, "chunks": [[i.id, i.doc_id, i.kind, list(i.axes)] for i in self.infos]}),
            encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)  # the saved index is replaced whole or not at all

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex | None":
        try:
            data = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
            infos = [ChunkInfo(i, d, k, tuple(a)) for i, d, k, a in data["chunks"]]
            bm25 = bm25s.BM25.load(str(folder / "bm25")) if infos else None
            return cls(infos, bm25, data["fingerprint"])
        except (OSError, ValueError, KeyError):
            return None

