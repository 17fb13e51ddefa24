"""The checker's name lexicon saved with the store, and the comparison rules of issue 14's seventh session, over the
real knowledge base, real Chroma and the real embedding model."""

from __future__ import annotations

import pytest

from assistant.grounding import lexicon_cache
from assistant.retrieval import HybridRetriever

pytestmark = pytest.mark.integration


def test_ingestion_saves_the_name_lexicon_and_a_new_process_reads_it_instead_of_rebuilding(knowledge_assistant,
                                                                                          monkeypatch):
    assistant = knowledge_assistant
    path = assistant._name_lexicon_path
    key = lexicon_cache.lexicon_key(assistant.kb.lexical.fingerprint, assistant.criteria)
    saved = lexicon_cache.load_lexicon(path, key)
    assert saved is not None and saved == lexicon_cache.build_lexicon(assistant.kb, assistant.criteria)
    assert saved.required("La PJJ et la gendarmerie à Sarcelles.")  # a real lexicon, not an empty one
    assert lexicon_cache.load_lexicon(path, lexicon_cache.lexicon_key("another base", assistant.criteria)) is None

    def rebuilt(*_):
        raise AssertionError("the saved lexicon should have been read")

    monkeypatch.setattr(lexicon_cache, "build_lexicon", rebuilt)
    checker = assistant.grounding_checker(HybridRetriever(assistant.kb))  # what a new process makes
    assert checker.lexicon == saved


def test_a_lexicon_saved_for_another_base_is_rebuilt_and_rewritten(knowledge_assistant, tmp_path):
    assistant = knowledge_assistant
    path = tmp_path / "names.json"
    lexicon_cache.save_lexicon(path, "a key of another base", lexicon_cache.EntityLexicon())
    lexicon, fingerprint = lexicon_cache.name_lexicon(assistant.kb, assistant.criteria, path)
    assert fingerprint == assistant.kb.lexical.fingerprint and lexicon.phrases
    assert lexicon_cache.load_lexicon(path, lexicon_cache.lexicon_key(fingerprint, assistant.criteria)) == lexicon
