"""Hybrid retrieval: dense search in Chroma + French BM25, fused by weighted reciprocal rank.

Neighbouring chunks of one section are merged into one passage rather than repeated. `as_langchain()` gives a
LangChain `BaseRetriever` over the same search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import BaseModel, ConfigDict, Field

from .documents import Chunk
from .knowledge_base import KnowledgeBase

RRF_K = 10  # small: the top ranks of each list count most (measured: docs/benchmarks.md)
CANDIDATES = 30


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the two rankings in the fusion; (1, 0) is dense alone, (0, 1) BM25 alone."""

    dense: float = 1.0
    lexical: float = 0.5


# Chosen on tests/eval/questions.yaml (`aap eval retrieval`, docs/benchmarks.md).
DEFAULT_WEIGHTS = FusionWeights(dense=1.0, lexical=3.0)
LEXICAL_ONLY = FusionWeights(dense=0.0, lexical=1.0)


def _plain(text: str) -> str:
    """For finding a quote in a passage: typographic apostrophes, Markdown emphasis and spacing ignored."""
    return " ".join(text.replace("’", "'").replace("**", "").split()).lower()


class Passage(BaseModel):
    """One or several adjacent chunks of the same section, as shown and cited."""

    model_config = ConfigDict(frozen=True)

    chunk_ids: tuple[str, ...]
    doc_id: str
    title: str
    section: str
    kind: str
    text: str
    axes: tuple[str, ...] = ()
    added_by: str = ""  # a user's document: who added it, and when (ISO 8601)
    added_at: str = ""
    similarity: float  # best cosine similarity of its chunks to the query (0 when found by BM25 only)
    lexical: float = 0.0  # best BM25 score of its chunks
    score: float  # fused rank score, what the order follows


@dataclass(frozen=True)
class Filters:
    axis: str | None = None
    kind: str | None = None
    doc_id: str | None = None

    def chroma_where(self) -> dict | None:
        clauses = []
        if self.axis:
            clauses.append({f"axis_{self.axis}": True})
        if self.kind:
            clauses.append({"kind": self.kind})
        if self.doc_id:
            clauses.append({"doc_id": self.doc_id})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class HybridRetriever:
    def __init__(self, kb: KnowledgeBase, top_k: int = 6, weights: FusionWeights = DEFAULT_WEIGHTS):
        self.kb, self.top_k, self.weights = kb, top_k, weights

    def search(self, query: str, k: int | None = None, filters: Filters = Filters(),
               weights: FusionWeights | None = None, vector: list[float] | None = None) -> list[Passage]:
        """The best `k` passages; pass the query's `vector` when it is already embedded."""
        k = k or self.top_k
        weights = weights or self.weights
        dense_hits = []
        if weights.dense > 0:
            vector = vector if vector is not None else self.kb.embeddings.embed_query(query)
            dense_hits = self.kb.store.query(vector, CANDIDATES, where=filters.chroma_where())
        lexical_hits = []
        if weights.lexical > 0:
            lexical = self.kb.lexical
            mask = lexical.mask(axis=filters.axis, kind=filters.kind, doc_id=filters.doc_id)
            lexical_hits = lexical.search(query, CANDIDATES, allowed=mask)
        return self._fuse(dense_hits, lexical_hits, k, weights)

    def _fuse(self, dense_hits, lexical_hits, k: int, weights: FusionWeights) -> list[Passage]:
        fused: dict[str, float] = {}
        similarity: dict[str, float] = {}
        lexical_score: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        for rank, hit in enumerate(dense_hits):
            fused[hit.chunk.id] = fused.get(hit.chunk.id, 0.0) + weights.dense / (RRF_K + rank + 1)
            similarity[hit.chunk.id] = hit.score
            chunks[hit.chunk.id] = hit.chunk
        for rank, (chunk_id, score) in enumerate(lexical_hits):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weights.lexical / (RRF_K + rank + 1)
            lexical_score[chunk_id] = score
        missing = [i for i in fused if i not in chunks]
        chunks.update({c.id: c for c in self.kb.chunks(missing)})
        ranked = sorted((i for i in fused if i in chunks), key=lambda i: (-fused[i], i))
        return merge_neighbours([chunks[i] for i in ranked], fused, similarity, lexical_score, k)

    def passage_containing(self, doc_id: str, snippet: str) -> Passage | None:
        """The passage of one document that holds `snippet` (found by its words, no embedding needed)."""
        found = self.search(snippet, k=4, filters=Filters(doc_id=doc_id), weights=LEXICAL_ONLY)
        key = _plain(snippet)
        return next((p for p in found if key in _plain(p.text)), found[0] if found else None)

    def as_langchain(self, filters: Filters = Filters()) -> "AapLangChainRetriever":
        return AapLangChainRetriever(retriever=self, filters=filters)


def merge_neighbours(ranked: Sequence[Chunk], fused: dict[str, float], similarity: dict[str, float],
                     lexical: dict[str, float], k: int) -> list[Passage]:
    """Group ranked chunks into passages: a chunk next to an already chosen one of the same section joins it."""
    groups: list[list[Chunk]] = []
    for chunk in ranked:
        home = next((g for g in groups if g[0].doc_id == chunk.doc_id and g[0].section == chunk.section
                     and any(abs(c.position - chunk.position) == 1 for c in g)), None)
        if home is not None:
            home.append(chunk)
        elif len(groups) < k:
            groups.append([chunk])
    passages = []
    for group in groups:
        group.sort(key=lambda c: c.position)
        first = group[0]
        passages.append(Passage(
            chunk_ids=tuple(c.id for c in group), doc_id=first.doc_id, title=first.title, section=first.section,
            kind=first.kind.value, text=_join_overlapping([c.text for c in group]), axes=first.axes,
            added_by=first.added_by, added_at=first.added_at,
            similarity=max(similarity.get(c.id, 0.0) for c in group),
            lexical=max(lexical.get(c.id, 0.0) for c in group), score=max(fused[c.id] for c in group),
        ))
    return passages


def _join_overlapping(texts: list[str]) -> str:
    """Join consecutive windows, dropping the repeated head of each (the chunker's overlap)."""
    out = texts[0]
    for text in texts[1:]:
        head = text.split("\n\n", 1)
        if len(head) == 2 and head[0] and out.endswith(head[0]):
            text = head[1]
        out = f"{out}\n\n{text}"
    return out


class AapLangChainRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever: `retriever.invoke("date limite ?", k=3)`.

    `k` (here or per call) is the number of passages, else the hybrid retriever's `top_k`. Each `Document` has an
    `id` (its chunks' ids) and metadata of plain types only (texts, numbers, lists of texts)."""

    retriever: HybridRetriever
    filters: Filters = Filters()
    k: int | None = Field(None, ge=1)

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None) -> list[Document]:
        passages = self.retriever.search(query, k=k or self.k, filters=self.filters)
        return [Document(id="+".join(p.chunk_ids), page_content=p.text, metadata=plain_metadata(p)) for p in passages]


def plain_metadata(passage: Passage) -> dict:
    """A passage's fields but its text, tuples made lists: what any vector store or serialiser accepts."""
    return {key: list(value) if isinstance(value, tuple) else value
            for key, value in passage.model_dump(exclude={"text"}).items()}
