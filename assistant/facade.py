"""`Assistant`: the one entry point that the CLI, the UI and the tests use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .criteria import CallCriteria, load_criteria
from .embeddings import make_embeddings
from .errors import DocumentRejected
from .knowledge_base import IngestReport, KnowledgeBase, ProgressCallback
from .loaders import load_knowledge, load_user_file
from .store import ChunkStore, DocState

if TYPE_CHECKING:
    from .answering.models import Answer, Turn
    from .answering.service import QuestionAnswering

UserFile = Path | tuple[Path, str]  # a path, or (path on disk, name the user gave it)


class Assistant:
    def __init__(self, settings: Settings, kb: KnowledgeBase, criteria: CallCriteria, chat_model=None):
        self.settings, self.kb, self.criteria = settings, kb, criteria
        self._chat_model = chat_model  # tests inject a fake; otherwise built from the settings on first use

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

    # -- answers -------------------------------------------------------------------------------------------
    @cached_property
    def qa(self) -> "QuestionAnswering":
        from .answering.extractive import SentenceScorer
        from .answering.generative import LLMAnswerer
        from .answering.service import QuestionAnswering
        from .llm import make_chat_model, model_label
        from .retrieval import HybridRetriever
        from .scope import ScopeGuard

        model = self._chat_model if self._chat_model is not None else make_chat_model(self.settings)
        llm = None if model is None else LLMAnswerer(model, self.criteria.title, self.settings.llm_timeout_s,
                                                     model_label(self.settings))
        return QuestionAnswering(
            retriever=HybridRetriever(self.kb, top_k=self.settings.top_k),
            scorer=SentenceScorer(self.kb.embeddings),
            scope=ScopeGuard.from_knowledge(self.kb.embeddings, self.settings.knowledge_dir, self.criteria),
            criteria=self.criteria, llm=llm,
        )

    def ask(self, question: str, history: Sequence["Turn | dict"] = (), axis: str | None = None) -> "Answer":
        """A cited answer, or an honest « the documents do not cover this » (`insufficient_evidence`)."""
        return self.qa.ask(question, history=history, axis=axis)

    def ask_stream(self, question: str, history: Sequence["Turn | dict"] = (), axis: str | None = None
                   ) -> Iterator["str | Answer"]:
        """Partial texts as an LLM writes them, then the final `Answer` (offline: the `Answer` at once)."""
        return self.qa.stream(question, history=history, axis=axis)
