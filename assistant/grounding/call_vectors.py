"""The vectors of the call's data sentences (`call_data`), computed at ingestion and kept beside the store.

The checker compares every sentence with the call's data: embedded on first use, they made the first check of a
process cost seconds. `aap ingest` now embeds them with the base and saves them in `<data>/sentences/call-<id>.npz`,
keyed by the embedding model and each sentence's text, so that a warm process never embeds them; a sentence the file
lacks (the call pack edited since the last ingestion) is embedded once and the file rewritten.

>>> index = CallDataVectors(embeddings, Path("data/sentences/call-mildeca-2024.npz"))   # doctest: +SKIP
>>> index.ensure(["L'appel compte quatre axes d'intervention."])                        # doctest: +SKIP
1
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..embeddings import NamedEmbeddings


class CallDataVectors:
    def __init__(self, embeddings: NamedEmbeddings, path: Path | None = None):
        """`path`: the saved vectors (None: kept in memory only)."""
        self.embeddings, self.path = embeddings, Path(path) if path else None
        self._known: dict[str, np.ndarray] | None = None
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        return hashlib.blake2b(f"{self.embeddings.name}\n{text}".encode(), digest_size=16).hexdigest()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text, from the file; any text it lacks is embedded now and saved."""
        texts = list(texts)
        self.ensure(texts)
        known = self._known or {}
        if not texts:
            return np.zeros((0, int(self.embeddings.dimension)), dtype=np.float32)
        return np.stack([known[self._key(t)] for t in texts])

    def ensure(self, texts: Sequence[str], index=None) -> int:
        """Embed and save the texts the file lacks (what ingestion does: `texts` are the whole call data, the file
        keeps those only); `index`: the base's sentence index, whose vectors are taken for the texts it holds. How
        many were embedded."""
        with self._lock:
            if self._known is None:
                self._known = self._load()
            keys = {self._key(t): t for t in texts}
            missing = {k: t for k, t in keys.items() if k not in self._known}
            if not missing:
                return 0
            held = {k: t for k, t in missing.items() if index is not None and t in index}
            if held:
                self._known.update(zip(held, index.vectors(list(held.values()))))
            todo = {k: t for k, t in missing.items() if k not in held}
            if todo:
                vectors = np.asarray(self.embeddings.embed_documents(list(todo.values())), dtype=np.float32)
                self._known.update(zip(todo, vectors))
            self._save({k: self._known[k] for k in keys})
            return len(todo)

    def _load(self) -> dict[str, np.ndarray]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, matrix = data["keys"].tolist(), data["vectors"].astype(np.float32)
        except (OSError, ValueError, KeyError, EOFError):
            return {}  # unreadable: embedded again, then rewritten
        if matrix.shape != (len(keys), int(self.embeddings.dimension)):
            return {}
        return dict(zip(keys, matrix))

    def _save(self, vectors: dict[str, np.ndarray]) -> None:
        if self.path is None or not vectors:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.npz")
            np.savez(temporary, keys=np.array(list(vectors)), vectors=np.stack(list(vectors.values())))
            os.replace(temporary, self.path)  # replaced whole or not at all
        except OSError:
            pass  # a read-only data folder: the vectors stay in memory for this process
