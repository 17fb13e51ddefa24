"""The searchable knowledge: embeddings + Chroma store + what is derived from it: the BM25 index and the vectors of
every sentence of every chunk (`sentence_vectors`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .chunking import split_document
from .documents import Chunk, SourceDocument
from .embeddings import NamedEmbeddings
from .lexical import LexicalIndex, fingerprint
from .sentence_vectors import SentenceSync, SentenceVectors
from .store import ChunkStore, DocState

ProgressCallback = Callable[[int, int], None]


@dataclass
class IngestReport:
    documents: int = 0
    documents_changed: int = 0
    documents_removed: int = 0
    chunks_added: int = 0
    chunks_unchanged: int = 0
    chunks_removed: int = 0
    total_chunks: int = 0
    sentences_added: int = 0  # sentence vectors computed for answers and the grounding checker
    sentences_removed: int = 0
    seconds: float = 0.0
    embedding_seconds: float = 0.0
    user_documents_kept: int = 0  # by a rebuild
    rejected: list[str] = field(default_factory=list)

    def summary_fr(self) -> str:
        lines = [
            f"{self.documents} document(s) examiné(s), {self.documents_changed} nouveau(x) ou modifié(s), "
            f"{self.documents_removed} retiré(s).",
            f"Passages : {self.chunks_added} ajouté(s), {self.chunks_unchanged} inchangé(s), "
            f"{self.chunks_removed} supprimé(s) ; {self.total_chunks} dans la base.",
            f"Phrases encodées pour les réponses : {self.sentences_added} ajoutée(s), {self.sentences_removed} "
            "retirée(s).",
            f"Durée : {self.seconds:.1f} s (dont encodage {self.embedding_seconds:.1f} s).",
        ]
        if self.user_documents_kept:
            lines.append(f"{self.user_documents_kept} document(s) ajouté(s) par les utilisateurs réencodé(s) et gardé(s).")
        if not (self.chunks_added or self.chunks_removed or self.documents_changed or self.sentences_added
                or self.sentences_removed):
            lines.insert(0, "La base était déjà à jour : rien n'a été ajouté.")
        lines += [f"Refusé : {reason}" for reason in self.rejected]
        return "\n".join(lines)


class KnowledgeBase:
    def __init__(self, embeddings: NamedEmbeddings, store: ChunkStore, lexical_dir, sentences_path=None):
        """`sentences_path`: the saved sentence vectors (None: kept in memory only, embedded on first sight)."""
        self.embeddings, self.store, self._lexical_dir = embeddings, store, lexical_dir
        self._lexical: LexicalIndex | None = None
        self._lexical_generation: str | None = None
        self.sentences = SentenceVectors(embeddings, sentences_path, store)  # follows other writers by itself
        if store.vectors_lost:
            self.restore_vectors()

    def restore_vectors(self) -> int:
        """Recompute every passage's vector from its stored text, after a crash left the vector index unreadable
        (`ChunkStore.vectors_lost`); the base is rewritten whole, as a rebuild does. Returns the passages restored."""
        with self.store.writer():
            if not self.store.vectors_lost:  # another process repaired it while this one waited for the lock
                return 0
            chunks = self.store.all_chunks()
            vectors = self.embeddings.embed_documents_with_progress([c.indexed_text for c in chunks])
            self.store.replace_all(chunks, vectors)
            self.store.vectors_restored()
        return len(chunks)

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index, in step with the store even when another process (`aap ingest`) has just written to it."""
        self.store.follow_other_writers()
        generation = self.store.seen_generation
        if self._lexical is None or generation != self._lexical_generation:
            self.sync_lexical()
            self._lexical_generation = generation
        return self._lexical

    def sync_lexical(self) -> LexicalIndex:
        """Make the BM25 index match the store: reuse the saved one if it is in step, rebuild it otherwise."""
        current = fingerprint(self.store.ids())
        if self._lexical is not None and self._lexical.fingerprint == current:
            return self._lexical
        saved = LexicalIndex.load(self._lexical_dir)
        if saved is not None and saved.fingerprint == current:
            self._lexical = saved
        else:
            self._lexical = LexicalIndex.build(self.store.all_chunks())
            self._lexical.save(self._lexical_dir)
        return self._lexical

    def documents(self) -> list[DocState]:
        return sorted(self.store.doc_states().values(), key=lambda s: (s.kind, s.title.lower()))

    def ingest(self, docs: Sequence[SourceDocument], *, prune_knowledge: bool = False, rebuild: bool = False,
               progress: ProgressCallback | None = None) -> IngestReport:
        """Bring the store in line with `docs`: embed only new passages, drop stale ones. Idempotent."""
        started = time.perf_counter()
        report = IngestReport(documents=len(docs))
        with self.store.writer():
            # a rebuild embeds everything first, then swaps the new base in: cut short, it leaves the previous base
            states = {} if rebuild else self.store.doc_states()
            plans = []
            for doc in docs:
                state = states.get(doc.doc_id)
                if state is not None and state.doc_hash == doc.content_hash:
                    report.chunks_unchanged += len(state.ids)
                    continue
                chunks = split_document(doc)
                existing = state.ids if state else set()
                new = [c for c in chunks if c.id not in existing]
                kept = [c for c in chunks if c.id in existing]
                stale = existing - {c.id for c in chunks}
                plans.append((new, kept, stale))
                report.documents_changed += 1
                report.chunks_unchanged += len(kept)
            wanted = {d.doc_id for d in docs}
            if rebuild:  # documents users added are not on disk: embed their stored passages again
                user_chunks = [c for c in self.store.user_chunks() if c.doc_id not in wanted]
                plans.append((user_chunks, [], set()))
                report.user_documents_kept = len({c.doc_id for c in user_chunks})
            if prune_knowledge:
                for state in states.values():
                    if state.from_knowledge and state.doc_id not in wanted:
                        plans.append(([], [], state.ids))
                        report.documents_removed += 1
            to_embed = [c for new, _, _ in plans for c in new]
            sentences = self._sentences_to_embed(to_embed, {i for _, _, stale in plans for i in stale}, rebuild)
            t0 = time.perf_counter()  # passages and their sentences in one pass, under one progress bar
            vectors = self.embeddings.embed_documents_with_progress([c.indexed_text for c in to_embed] + sentences,
                                                                    progress)
            report.embedding_seconds = time.perf_counter() - t0
            vectors, sentence_vectors = vectors[:len(to_embed)], vectors[len(to_embed):]
            by_id = dict(zip((c.id for c in to_embed), vectors))
            if rebuild:  # written aside, then swapped in: a crash leaves the old base or the new one, whole
                self.store.replace_all(to_embed, vectors)
                self.store.compact()  # what the old base held but the new one does not must not stay on disk
                report.chunks_added = len(to_embed)
            else:
                for new, kept, stale in plans:  # per document: add, refresh, then drop, so a crash never loses text
                    self.store.add(new, [by_id[c.id] for c in new])
                    self.store.update_metadata(kept)
                    self.store.delete(sorted(stale))
                    report.chunks_added += len(new)
                    report.chunks_removed += len(stale)
            self.sync_lexical()
            synced = self.sync_sentences(dict(zip(sentences, sentence_vectors)), fresh=rebuild)
            report.sentences_added, report.sentences_removed = synced.added, synced.removed
        self._lexical_generation = self.store.seen_generation  # our own write: the indexes are already in step
        self.sentences.mark_seen()
        report.total_chunks = len(self.lexical)
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, doc_id: str) -> int:
        """Delete every chunk of one document; returns how many were removed."""
        with self.store.writer():
            state = self.store.doc_states().get(doc_id)
            if state is None:
                return 0
            self.store.delete(sorted(state.ids))
            self.store.compact()  # a removed document must not stay readable in the database file
            self.sync_lexical()
            self.sync_sentences()
        self._lexical_generation = self.store.seen_generation
        self.sentences.mark_seen()
        return len(state.ids)

    def sync_sentences(self, computed: dict | None = None, fresh: bool = False) -> SentenceSync:
        """Under the write lock, after the store's writes: make the sentence vectors cover the store's chunks and
        those only (vectors the ingestion has `computed` are used; `fresh`: a rebuild keeps nothing of the old ones)."""
        current = fingerprint(self.store.ids())
        if not fresh and self.sentences.in_step(current):
            return SentenceSync(total=len(self.sentences))
        return self.sentences.sync(self.store.all_chunks(), current, computed, fresh=fresh)

    def _sentences_to_embed(self, new: list[Chunk], stale: set[str], rebuild: bool) -> list[str]:
        """The sentences an ingestion embeds with its chunks: those of its new chunks that the sentence index lacks,
        and, when the index is behind the store (a base ingested before it existed, an ingestion killed between the
        two), those of the chunks that stay."""
        chunks = list(new)
        if not rebuild and not self.sentences.in_step(fingerprint(self.store.ids())):
            chunks += [c for c in self.store.all_chunks() if c.id not in stale]
        return self.sentences.missing(chunks, fresh=rebuild)

    def chunks(self, ids: Sequence[str]) -> list[Chunk]:
        return self.store.get(ids)
