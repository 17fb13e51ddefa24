"""`Assistant`: the one entry point that the CLI, the UI and the tests use."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .config import Settings
from .criteria import CallCriteria, load_criteria
from .embeddings import make_embeddings
from .errors import DocumentRejected
from .knowledge_base import IngestReport, KnowledgeBase, ProgressCallback
from .loaders import load_knowledge, load_user_file
from .store import ChunkStore, DocState

UserFile = Path | tuple[Path, str]  # a path, or (path on disk, name the user gave it)


class Assistant:
    def __init__(self, settings: Settings, kb: KnowledgeBase, criteria: CallCriteria):
        self.settings, self.kb, self.criteria = settings, kb, criteria

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Assistant":
        """Read the `AAP_` settings, load the embedding model and open the store."""
        settings = settings or Settings()
        embeddings = make_embeddings(settings.embedding_model, settings.embedding_batch_size)
        store = ChunkStore.open(
            data_dir=settings.data_dir, collection=settings.collection, model_name=embeddings.name,
            dimension=embeddings.dimension, chroma_host=settings.chroma_host, chroma_port=settings.chroma_port,
            lock_timeout_s=settings.lock_timeout_s,
        )
        kb = KnowledgeBase(embeddings, store, settings.lexical_dir / settings.collection)
        return cls(settings, kb, load_criteria(settings.call_dir))

    # -- knowledge -----------------------------------------------------------------------------------------
    def ingest(self, files: Iterable[UserFile] = (), *, rebuild: bool = False,
               progress: ProgressCallback | None = None) -> IngestReport:
        """Load the knowledge folder (and user files) into the store; files removed from the folder are dropped."""
        docs = load_knowledge(self.settings.knowledge_dir)
        user_docs, rejected = self._load_user_files(files)
        report = self.kb.ingest(docs + user_docs, prune_knowledge=True, rebuild=rebuild, progress=progress)
        report.documents += len(rejected)
        report.rejected = rejected
        return report

    def add_files(self, files: Iterable[UserFile], progress: ProgressCallback | None = None) -> IngestReport:
        """Add user documents (kind « document local »); each refused file is reported, the others go in."""
        user_docs, rejected = self._load_user_files(files)
        report = self.kb.ingest(user_docs, progress=progress) if user_docs else IngestReport(
            total_chunks=len(self.kb.lexical))
        report.documents += len(rejected)
        report.rejected = rejected
        return report

    def _load_user_files(self, files: Iterable[UserFile]):
        docs, rejected = [], []
        for item in files:
            path, name = (item, None) if isinstance(item, (str, Path)) else item
            try:
                docs.append(load_user_file(Path(path), original_name=name, max_mb=self.settings.max_upload_mb,
                                           timeout_s=self.settings.parse_timeout_s,
                                           memory_mb=self.settings.parse_memory_mb))
            except DocumentRejected as exc:
                rejected.append(str(exc))
        return docs, rejected

    def remove_document(self, doc_id: str) -> int:
        return self.kb.remove(doc_id)

    def documents(self) -> list[DocState]:
        return self.kb.documents()
