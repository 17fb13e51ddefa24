"""The Chroma collection that holds every chunk with its vector: embedded on disk, or on a Chroma server.

The collection records the embedding model and its dimension; opening it with another model is refused.
Writers take a file lock, so a second writer gets a clear error instead of corrupting the store, and leave a new
generation mark behind them, so other processes reading the same store know their derived indexes are stale.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from .documents import Chunk
from .errors import EmbeddingModelMismatch, StoreLocked, StoreUnavailable

GET_PAGE = 5000
ADD_BATCH = 1000
STAGING_SUFFIX = "-rebuild"  # the collection a rebuild fills before it takes the base's name
VECTORS_LOST_MARK = "vectors.lost"  # left while an unreadable vector index waits for its vectors to be recomputed

log = logging.getLogger(__name__)


@dataclass
class DocState:
    """What the store holds of one document."""

    doc_id: str
    title: str = ""
    kind: str = ""
    source: str = ""
    from_knowledge: bool = True
    added_by: str = ""  # a user's document: who added it, and when (ISO 8601)
    added_at: str = ""
    hashes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    @property
    def doc_hash(self) -> str:
        """The document's hash, or "" when its chunks disagree (an interrupted update)."""
        return next(iter(self.hashes)) if len(self.hashes) == 1 else ""


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # cosine similarity in [-1, 1]


# Vectors are normalised, so every space Chroma offers gives back the cosine. Stores created by the version of
# 2026-11-27 that lost the space setting are "l2" (squared distance = 2 - 2 cos).
_COSINE_FROM_DISTANCE = {"cosine": lambda d: 1.0 - d, "l2": lambda d: 1.0 - d / 2.0, "ip": lambda d: 1.0 - d}


def _space(collection) -> str:
    try:
        space = (collection.configuration or {}).get("hnsw", {}).get("space")
    except Exception:  # noqa: BLE001 - an older or remote configuration without this shape
        space = None
    return space if space in _COSINE_FROM_DISTANCE else (collection.metadata or {}).get("hnsw:space", "l2")


def server_settings(token: str | None, ssl: bool = False, ca_file: Path | None = None):
    """Chroma client settings: no telemetry; with a token, chromadb's token provider sends it as
    `Authorization: Bearer <token>`; with TLS and a private authority, its certificate file."""
    from chromadb.config import Settings as ChromaSettings

    options: dict = {"anonymized_telemetry": False}
    if token:
        options.update(chroma_client_auth_provider="chromadb.auth.token_authn.TokenAuthClientProvider",
                       chroma_client_auth_credentials=token)
    if ssl and ca_file:
        options["chroma_server_ssl_verify"] = str(ca_file)
    return ChromaSettings(**options)


def _refused_access(exc: Exception) -> bool:
    """Chroma's « Forbidden » / « Unauthorized » answer (its exception types differ between versions)."""
    text = f"{type(exc).__name__} {exc}".lower()
    return "autherror" in text or "forbidden" in text or "unauthorized" in text or " 401" in text or " 403" in text


def access_refused(where: str, token: str | None) -> str:
    why = "le jeton AAP_CHROMA_TOKEN est refusé" if token else "il demande un jeton : réglez AAP_CHROMA_TOKEN"
    return f"Le serveur Chroma {where} refuse l'accès ({why})."


class _Mismatched:
    """Stands for a collection built with another embedding model: any use raises the mismatch (a rebuild can
    still read its texts through `collection`)."""

    def __init__(self, mismatch: EmbeddingModelMismatch, collection):
        self.mismatch, self.collection = mismatch, collection

    def __getattr__(self, name):
        raise self.mismatch


class ChunkStore:
    def __init__(self, client, collection_name: str, model_name: str, dimension: int, lock_path: Path,
                 lock_timeout_s: float, description: str, replace_model: bool = False, sqlite_path: Path | None = None):
        self._client = client
        self._sqlite_path = sqlite_path  # the embedded store's database file (None for a Chroma server)
        self._name = collection_name
        self.model_name, self.dimension = model_name, dimension
        self._lock_path, self._lock_timeout = lock_path, lock_timeout_s
        self.description = description
        self._reopening = threading.Lock()
        self._retired_systems: list = []
        self._collection = None
        self._seen_generation = ""
        if self._exists(self._staging_name) and not self._exists(self._name):
            with self.writer():  # a rebuild was killed between dropping the old base and naming the new one
                pass
        self._collection = self._open_collection()  # a rebuild makes a mismatched one usable again
        if isinstance(self._collection, _Mismatched) and not replace_model:
            raise self._collection.mismatch
        if self._sqlite_path is not None and not isinstance(self._collection, _Mismatched):
            self._set_aside_unreadable_vector_index()
        self._seen_generation = self.generation()

    @classmethod
    def open(cls, *, data_dir: Path, collection: str, model_name: str, dimension: int, chroma_host: str = "",
             chroma_port: int = 8000, lock_timeout_s: float = 5.0, replace_model: bool = False,
             chroma_token: str | None = None, chroma_ssl: bool = False,
             chroma_ca_file: Path | None = None) -> "ChunkStore":
        """`chroma_token`, `chroma_ssl`, `chroma_ca_file`: how to reach a secured Chroma server (README)."""
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb

        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        where = f"{'https' if chroma_ssl else 'http'}://{chroma_host}:{chroma_port}"
        try:
            if chroma_host:
                client = chromadb.HttpClient(host=chroma_host, port=chroma_port, ssl=chroma_ssl,
                                             settings=server_settings(chroma_token, chroma_ssl, chroma_ca_file))
                description = f"serveur Chroma {where}, collection « {collection} »"
            else:
                client = chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=server_settings(None))
                description = f"Chroma embarqué ({data_dir / 'chroma'}), collection « {collection} »"
        except Exception as exc:
            if chroma_host and _refused_access(exc):
                raise StoreUnavailable(access_refused(where, chroma_token)) from exc
            target = f"le serveur Chroma {where}" if chroma_host else f"la base {data_dir}"
            raise StoreUnavailable(f"Impossible d'ouvrir {target} : {exc}") from exc
        return cls(client, collection, model_name, dimension, data_dir / "store.lock", lock_timeout_s, description,
                   replace_model, None if chroma_host else data_dir / "chroma" / "chroma.sqlite3")

    def _open_collection(self, create: bool = True):
        """The collection, or a stand-in that raises the mismatch if it was built with another model.
        `create=False` (a reader following other writers): None while a rebuild elsewhere swaps the base in."""
        if create:
            collection = self._get_or_create()
        else:
            try:
                collection = self._client.get_collection(self._name, embedding_function=None)
            except Exception:  # noqa: BLE001 - not there this instant: the next search looks again
                return None
        meta = collection.metadata or {}
        stored, stored_dim = meta.get("embedding_model"), int(meta.get("dimension") or 0)
        if stored != self.model_name or stored_dim != self.dimension:
            return _Mismatched(EmbeddingModelMismatch(str(stored), stored_dim, self.model_name, self.dimension),
                               collection)
        return collection

    # -- a vector index left unreadable by a crash ----------------------------------------------------------
    @property
    def vectors_lost(self) -> bool:
        """True while the vector index was found unreadable and its vectors are not yet recomputed
        (`KnowledgeBase.restore_vectors`); a marker file, so a process killed during the repair leaves it to the next."""
        return self._lost_mark.exists()

    @property
    def _lost_mark(self) -> Path:
        return self._lock_path.with_name(VECTORS_LOST_MARK)

    def _vector_index_readable(self) -> bool:
        probe = [1.0] + [0.0] * (self.dimension - 1)
        try:
            self._collection.count()
            self._collection.query(query_embeddings=[probe], n_results=1, include=["distances"])
        except Exception as exc:  # noqa: BLE001 - Chroma reports a damaged index file in its message only
            if "hnsw" in str(exc).lower():
                return False
            raise
        return True

    def _set_aside_unreadable_vector_index(self) -> None:
        """Chroma saves its vector index files in place, without a temporary file: a process killed during that save
        (`aap ingest` stopped hard) can leave them truncated, and Chroma then refuses every read of the collection.
        The passages' text and metadata are whole in the database: the index files are removed so the collection
        opens again, and a marker says the vectors must be recomputed from the stored text."""
        if self._vector_index_readable():
            return
        connection = sqlite3.connect(str(self._sqlite_path))
        try:
            segments = [row[0] for row in connection.execute(
                "SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
                "WHERE c.name = ? AND s.scope = 'VECTOR'", (self._name,))]
        finally:
            connection.close()
        log.warning("Index vectoriel illisible (base arrêtée pendant une écriture ?) : il est recalculé à partir des "
                    "passages enregistrés.")
        self._lost_mark.write_text("", encoding="utf-8")
        for segment in segments:
            shutil.rmtree(self._sqlite_path.parent / segment, ignore_errors=True)
        self._reopen()
        self._collection = self._open_collection()

    def vectors_restored(self) -> None:
        self._lost_mark.unlink(missing_ok=True)

    @property
    def _staging_name(self) -> str:
        return f"{self._name}{STAGING_SUFFIX}"

    def _exists(self, name: str) -> bool:
        # looked up by name: a listing of a shared Chroma server's collections may come in pages
        try:
            self._client.get_collection(name, embedding_function=None)
        except Exception:  # noqa: BLE001 - Chroma's "not found" differs between versions and clients
            return False
        return True

    def _get_or_create(self, name: str | None = None):
        try:
            collection = self._client.get_or_create_collection(
                name or self._name, embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedding_model": self.model_name, "dimension": self.dimension},
                # the vector index is saved after every write, so Chroma's write log is purged at once: the text of a
                # removed document does not linger on disk (it would for up to 1,000 writes by default)
                # the space must be given here too: a configuration without it makes Chroma ignore "hnsw:space"
                configuration={"hnsw": {"space": "cosine", "sync_threshold": 1, "batch_size": 1}},
            )
        except Exception as exc:
            if _refused_access(exc):
                raise StoreUnavailable(access_refused(self.description, None)) from exc
            raise StoreUnavailable(f"La base de passages est inaccessible : {exc}") from exc
        return collection

    # -- writing -------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the store's write lock, or raise `StoreLocked` after the configured wait."""
        lock = FileLock(str(self._lock_path), timeout=self._lock_timeout)
        try:
            lock.acquire()
        except Timeout as exc:
            raise StoreLocked(str(self._lock_path)) from exc
        try:
            self._settle_interrupted_rebuild()
            if self._collection is not None:
                self.follow_other_writers()  # write on top of what others wrote, or their chunks stay unseen here
            yield
        finally:
            try:
                self._mark_new_generation()
                self._seen_generation = self.generation()  # our own writes are already in this process's index
            finally:
                lock.release()

    def _settle_interrupted_rebuild(self) -> None:
        """Under the write lock, so no rebuild is running: a staging collection left behind is either the whole new
        base (the old one was dropped just before the kill: it takes the base's name) or an unfinished one (the old
        base is whole: it goes)."""
        if not self._exists(self._staging_name):
            return
        if self._exists(self._name):
            self._client.delete_collection(self._staging_name)
        else:
            self._client.get_collection(self._staging_name, embedding_function=None).modify(name=self._name)
        self._collection = None if self._collection is None else self._open_collection()

    def _mark_new_generation(self) -> None:
        tmp = self._generation_path.with_name(f"{self._generation_path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):  # a read-only data folder only costs other readers their freshness
            tmp.write_text(uuid.uuid4().hex, encoding="utf-8")
            os.replace(tmp, self._generation_path)

    def follow_other_writers(self) -> None:
        """Reload the embedded store if another process has written to it since this one last looked.

        Chroma's embedded client keeps its vector index in memory and never rereads what another process wrote
        (`aap ingest` while `aap serve` runs): a new client is opened in its place. With a Chroma server, the
        collection is looked up again (a rebuild elsewhere replaces it).
        """
        if self.generation() == self._seen_generation:
            return
        with self._reopening:
            generation = self.generation()
            if generation != self._seen_generation:
                if self._sqlite_path is not None:
                    self._reopen()
                collection = self._open_collection(create=False)
                if collection is not None:
                    self._collection, self._seen_generation = collection, generation

    def _reopen(self) -> None:
        try:
            import chromadb
            from chromadb.api.shared_system_client import SharedSystemClient

            # Chroma shares one system per path in a process: forget it so the new client reads the disk afresh;
            # queries already running keep the old one until they finish
            identifier = self._client._identifier
            old_system = SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
            self._client = chromadb.PersistentClient(path=str(self._sqlite_path.parent),
                                                     settings=self._client.get_settings())
        except Exception:  # noqa: BLE001 - another Chroma version: dense search stays as it was, BM25 still follows
            return
        # stopping a system frees its index; the one replaced now may still serve a query in another thread, so it
        # is stopped at the next reload, when no query can still hold it
        for retired in self._retired_systems:
            with contextlib.suppress(Exception):
                retired.stop()
        self._retired_systems = [old_system] if old_system is not None else []

    @property
    def seen_generation(self) -> str:
        """The store's generation as this process's view of it reflects (see `follow_other_writers`)."""
        return self._seen_generation

    @property
    def _generation_path(self) -> Path:
        return self._lock_path.with_name("store.generation")

    def generation(self) -> str:
        """Changes whenever a writer (this process or another) has finished with the store; cheap to read.

        For a Chroma server, which writers on other machines may share, the collection's id and chunk count too."""
        try:
            mark = self._generation_path.read_text(encoding="utf-8")
        except OSError:
            mark = ""
        if self._sqlite_path is not None:
            return mark
        try:
            collection = self._client.get_collection(self._name, embedding_function=None)
            return f"{mark}:{collection.id}:{collection.count()}"
        except Exception:  # noqa: BLE001 - unreachable server or another model: its own error comes on real use
            return mark

    def replace_all(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """`--rebuild`, under the write lock: the new base is written whole into a staging collection, which then
        takes the place of the old one. Killed at any moment, it leaves the old base or the new one, whole
        (`_settle_interrupted_rebuild`), never an empty or half-written one."""
        unique = {c.id: i for i, c in reversed(list(enumerate(chunks)))}  # Chroma refuses an id twice in a batch
        chunks, vectors = [chunks[i] for i in sorted(unique.values())], [vectors[i] for i in sorted(unique.values())]
        with contextlib.suppress(Exception):
            self._client.delete_collection(self._staging_name)
        staging = self._get_or_create(self._staging_name)
        for start in range(0, len(chunks), ADD_BATCH):
            batch, batch_vectors = chunks[start:start + ADD_BATCH], vectors[start:start + ADD_BATCH]
            staging.upsert(ids=[c.id for c in batch], documents=[c.text for c in batch],
                           metadatas=[c.to_metadata() for c in batch], embeddings=[list(v) for v in batch_vectors])
        for attempt in range(3):  # a reader opening the store this very instant may have created an empty base
            with contextlib.suppress(Exception):
                self._client.delete_collection(self._name)
            try:
                staging.modify(name=self._name)
                break
            except Exception:
                if attempt == 2:
                    raise
        self._collection = self._open_collection()

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        if chunks:
            self._collection.upsert(ids=[c.id for c in chunks], documents=[c.text for c in chunks],
                                    metadatas=[c.to_metadata() for c in chunks], embeddings=[list(v) for v in vectors])

    def update_metadata(self, chunks: Sequence[Chunk]) -> None:
        if chunks:
            self._collection.update(ids=[c.id for c in chunks], metadatas=[c.to_metadata() for c in chunks])

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), GET_PAGE):
            self._collection.delete(ids=ids[start:start + GET_PAGE])

    def compact(self) -> bool:
        """Rewrite the embedded database without its free space, where SQLite leaves the text of deleted rows.

        Best effort (True when done): a reader holding the database makes it wait 5 s, then it gives up.
        """
        if self._sqlite_path is None or not self._sqlite_path.exists():
            return False
        import sqlite3

        try:
            connection = sqlite3.connect(str(self._sqlite_path), timeout=5, isolation_level=None)
            try:
                connection.execute("VACUUM")
            finally:
                connection.close()
        except sqlite3.Error:
            return False
        return True

    # -- reading -------------------------------------------------------------------------------------------
    def count(self) -> int:
        return self._collection.count()

    def _pages(self, include: list[str], where: dict | None = None, collection=None) -> Iterator[dict]:
        collection = collection or self._collection
        offset = 0
        while True:
            page = collection.get(include=include, where=where, limit=GET_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    def ids(self) -> list[str]:
        return [i for page in self._pages([]) for i in page["ids"]]

    def doc_states(self) -> dict[str, DocState]:
        states: dict[str, DocState] = {}
        for page in self._pages(["metadatas"]):
            for chunk_id, meta in zip(page["ids"], page["metadatas"]):
                state = states.setdefault(meta["doc_id"], DocState(
                    doc_id=meta["doc_id"], title=meta.get("title", ""), kind=meta.get("kind", ""),
                    source=meta.get("source", ""), from_knowledge=bool(meta.get("from_knowledge", True)),
                    added_by=str(meta.get("added_by", "")), added_at=str(meta.get("added_at", ""))))
                state.ids.add(chunk_id)
                state.hashes.add(meta.get("doc_hash", ""))
        return states

    def all_chunks(self) -> list[Chunk]:
        return self._chunks()

    def _chunks(self, where: dict | None = None, collection=None) -> list[Chunk]:
        return [Chunk.from_record(i, d, m) for page in self._pages(["documents", "metadatas"], where, collection)
                for i, d, m in zip(page["ids"], page["documents"], page["metadatas"])]

    def user_chunks(self) -> list[Chunk]:
        """The chunks of documents users added, even from a store built with another embedding model: a rebuild
        embeds their text again rather than losing them (the original files are not kept)."""
        collection = self._collection
        if isinstance(collection, _Mismatched):
            collection = collection.collection
        return self._chunks({"from_knowledge": False}, collection)

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        if not ids:
            return []
        page = self._collection.get(ids=list(ids), include=["documents", "metadatas"])
        found = {i: Chunk.from_record(i, d, m) for i, d, m in zip(page["ids"], page["documents"], page["metadatas"])}
        return [found[i] for i in ids if i in found]

    def query(self, vector: Sequence[float], k: int, where: dict | None = None) -> list[Hit]:
        if k <= 0:
            return []
        self.follow_other_writers()
        result = self._collection.query(query_embeddings=[list(vector)], n_results=k, where=where,
                                        include=["documents", "metadatas", "distances"])
        to_cosine = _COSINE_FROM_DISTANCE[_space(self._collection)]
        return [Hit(Chunk.from_record(i, d, m), to_cosine(float(dist)))
                for i, d, m, dist in zip(result["ids"][0], result["documents"][0], result["metadatas"][0],
                                         result["distances"][0])]
