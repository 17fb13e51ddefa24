"""The vectors of every sentence of the store's chunks, computed at ingestion and saved beside the store.

Answers rank the sentences of the retrieved passages, and the grounding checker compares a text with them: both
need their vectors. Embedded on first sight, they made the first question on a topic cost seconds; here they are
embedded once, when their chunk is ingested, and looked up by the hash of their text.

- What is indexed, per chunk: the sentences answers score (`sentence_scoring.candidate_sentences`), the
  Markdown-free forms the checker compares (`sentences.source_sentences`), the propositions of the long ones
  (`clauses.long_clauses`: a short sentence may restate one of them) and the heading it reads them with
  (`sentences.section_heading`), deduplicated across the store.
- The file (`<data>/sentences/<collection>.npz`: sorted 16-byte hashes, float32 vectors, and a header naming the
  embedding model, its dimension and the fingerprint of the chunk ids it covers) is written by the writer that
  changes the store, under its lock, and replaced whole. A file made with another model is ignored and rebuilt.
- Readers reload it when another process has written to the store (`ChunkStore.seen_generation`, as the BM25 index
  does). A sentence the file does not hold (a store ingested before this index existed, an answer's own sentence)
  is embedded on the fly and kept in a bounded in-memory cache, as before.

>>> index = SentenceVectors(embeddings, Path("data/sentences/aap.npz"), store)   # doctest: +SKIP
>>> index.vectors(["Les dossiers sont à déposer avant le 30 avril 2024."]).shape   # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .clauses import long_clauses
from .sentence_scoring import candidate_sentences
from .sentences import section_heading, source_sentences

if TYPE_CHECKING:
    from .documents import Chunk
    from .embeddings import NamedEmbeddings
    from .store import ChunkStore

# Bump when `indexed_sentences` changes: a file of another version is brought up to date by the next ingestion.
VERSION = 4
KEY = "S16"


def sentence_key(sentence: str) -> bytes:
    return hashlib.blake2b(sentence.encode("utf-8"), digest_size=16).digest()


def indexed_sentences(text: str, section: str = "") -> list[str]:
    """Every form in which answers and the grounding checker look up a chunk's sentences (and its heading)."""
    heading = section_heading(section)
    compared = [s for s, _ in source_sentences(text)]
    return list(dict.fromkeys(candidate_sentences(text) + compared + [c for s in compared for c in long_clauses(s)]
                              + ([heading] if heading else [])))


@dataclass(frozen=True)
class _Saved:
    """One state of the index: sorted keys and their vectors, as read from (or written to) the file."""

    keys: np.ndarray  # (n,) S16, sorted
    matrix: np.ndarray  # (n, dimension) float32
    fingerprint: str = ""  # of the chunk ids the index was filled from ("" : unknown)
    version: int = VERSION

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, found) for `keys`."""
        if not len(self.keys):
            return np.zeros(len(keys), dtype=np.intp), np.zeros(len(keys), dtype=bool)
        rows = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return rows, self.keys[rows] == keys


@dataclass
class SentenceSync:
    """What bringing the index in step with the store did."""

    added: int = 0
    removed: int = 0
    total: int = 0


class SentenceVectors:
    def __init__(self, embeddings: "NamedEmbeddings", path: Path | None = None, store: "ChunkStore | None" = None,
                 cache_size: int = 20_000):
        """`path`: the saved index (None: memory only, every sentence embedded on first sight); `store`: followed,
        so that the index is reloaded when another process has written to it."""
        self.embeddings, self.path, self.store = embeddings, Path(path) if path else None, store
        self.dimension = int(embeddings.dimension)
        self._saved = self._empty()
        self._generation: str | None = None
        self._following = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._caching = threading.Lock()

    # -- reading -------------------------------------------------------------------------------------------
    def vectors(self, sentences: Sequence[str]) -> np.ndarray:
        """The vectors of `sentences` (one row each, L2-normalised): from the index, else embedded now."""
        sentences = list(sentences)
        if not sentences:
            return np.zeros((0, self.dimension), dtype=np.float32)
        saved = self._current()
        rows, found = saved.find(np.array([sentence_key(s) for s in sentences], dtype=KEY))
        out = np.empty((len(sentences), self.dimension), dtype=np.float32)
        out[found] = saved.matrix[rows[found]]
        if not found.all():
            missing = [s for s, hit in zip(sentences, found) if not hit]
            out[~found] = self._embedded(missing)
        return out

    def __len__(self) -> int:
        return len(self._current().keys)

    def __contains__(self, sentence: str) -> bool:
        return bool(self._current().find(np.array([sentence_key(sentence)], dtype=KEY))[1][0])

    def in_step(self, fingerprint: str) -> bool:
        """Whether the saved index was filled from exactly these chunks, by this version."""
        saved = self._current()
        return saved.fingerprint == fingerprint and saved.version == VERSION

    def _current(self) -> _Saved:
        """The index as saved by the last writer, reloaded when another process has written to the store."""
        if self.path is None:
            return self._saved
        generation = ""  # without a store to follow: read once
        if self.store is not None:
            self.store.follow_other_writers()
            generation = self.store.seen_generation
        if generation != self._generation:
            with self._following:
                if generation != self._generation:
                    self._saved, self._generation = self._load(), generation
        return self._saved

    def _embedded(self, sentences: list[str]) -> np.ndarray:
        """Sentences the index does not hold: embedded once, then kept in a bounded in-memory cache."""
        unique = list(dict.fromkeys(sentences))
        with self._caching:
            known = {s: self._cache[s] for s in unique if s in self._cache}
        missing = [s for s in unique if s not in known]
        known.update(zip(missing, self._embed(missing)))
        with self._caching:
            for sentence in unique:
                self._cache[sentence] = known[sentence]
                self._cache.move_to_end(sentence)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return np.stack([known[s] for s in sentences])

    def _embed(self, sentences: list[str], progress=None) -> np.ndarray:
        if not sentences:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if progress is None:
            vectors = self.embeddings.embed_documents(sentences)
        else:
            vectors = self.embeddings.embed_documents_with_progress(sentences, progress)
        return np.asarray(vectors, dtype=np.float32).reshape(len(sentences), self.dimension)

    # -- writing (by the store's writer, under its lock) -----------------------------------------------------
    def missing(self, chunks: Iterable["Chunk"], fresh: bool = False) -> list[str]:
        """The sentences of `chunks` the index does not hold yet (all of them when `fresh`: a rebuild), shortest
        first (batches of similar lengths)."""
        saved = self._empty() if fresh else self._current()
        wanted = list(dict.fromkeys(s for c in chunks for s in indexed_sentences(c.text, c.section)))
        if not wanted:
            return []
        _, found = saved.find(np.array([sentence_key(s) for s in wanted], dtype=KEY))
        return sorted((s for s, hit in zip(wanted, found) if not hit), key=len)

    def sync(self, chunks: Sequence["Chunk"], fingerprint: str, computed: dict[str, np.ndarray] | None = None,
             fresh: bool = False, progress=None) -> SentenceSync:
        """Make the index hold the sentences of `chunks` (the whole store, whose ids have `fingerprint`), and those
        only: vectors already `computed` (by the ingestion, with the chunks') are used, any still missing are
        embedded, those of chunks no longer in the store are dropped. Saved at once. `fresh`: nothing of the old
        index is kept (a rebuild, perhaps with another model)."""
        old = self._empty() if fresh else self._current()
        computed = computed or {}
        wanted = list(dict.fromkeys(s for c in chunks for s in indexed_sentences(c.text, c.section)))
        keys = np.array([sentence_key(s) for s in wanted], dtype=KEY)
        rows, found = old.find(keys)
        matrix = np.empty((len(wanted), self.dimension), dtype=np.float32)
        matrix[found] = old.matrix[rows[found]]
        todo = [i for i, hit in enumerate(found) if not hit and wanted[i] not in computed]
        for i, sentence in enumerate(wanted):
            if not found[i] and sentence in computed:
                matrix[i] = computed[sentence]
        if todo:
            matrix[todo] = self._embed([wanted[i] for i in todo], progress)
        order = np.argsort(keys, kind="stable")
        keys, matrix = keys[order], matrix[order]
        if len(keys) > 1 and (keys[1:] == keys[:-1]).any():  # two sentences, one hash: never seen, but never silent
            raise RuntimeError("collision d'empreintes dans l'index des phrases")
        new = _Saved(keys, matrix, fingerprint)
        report = SentenceSync(added=int((~found).sum()), removed=len(old.keys) - int(found.sum()),
                              total=len(keys))
        self._save(new)
        self._saved = new
        self.mark_seen()
        return report

    def mark_seen(self) -> None:
        """After the writer's own write: the index in memory is the one saved, whatever the new generation."""
        self._generation = self.store.seen_generation if self.store is not None else ""

    # -- persistence ---------------------------------------------------------------------------------------
    def _empty(self) -> _Saved:
        return _Saved(np.zeros(0, dtype=KEY), np.zeros((0, self.dimension), dtype=np.float32))

    def _header(self, saved: _Saved) -> dict:
        return {"model": self.embeddings.name, "dimension": self.dimension, "fingerprint": saved.fingerprint,
                "version": saved.version}

    def _save(self, saved: _Saved) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, header=np.array(json.dumps(self._header(saved))), keys=saved.keys, vectors=saved.matrix)
        os.replace(tmp, self.path)  # replaced whole or not at all

    def _load(self) -> _Saved:
        """The saved index; empty when there is none, it is unreadable or it was made with another model."""
        try:
            with np.load(self.path, allow_pickle=False) as data:
                header = json.loads(str(data["header"]))
                if header.get("model") != self.embeddings.name or int(header.get("dimension", 0)) != self.dimension:
                    return self._empty()
                keys = data["keys"].astype(KEY)
                matrix = data["vectors"].astype(np.float32)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return self._empty()
        if matrix.shape != (len(keys), self.dimension):
            return self._empty()
        return _Saved(keys, matrix, str(header.get("fingerprint", "")), int(header.get("version", 0)))
