"""The grounding evaluation sets are what they claim to be: true passages quoted word for word, enough sentences,
at least half of them hard negatives of every kind, and a split that keeps each passage's sentences together."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.grounding.evaluation import NEGATIVE_KINDS, SUPPORTED_KINDS, half, load_grounding_set
from assistant.loaders import load_knowledge

ROOT = Path(__file__).resolve().parents[2]
MAIN, FRESH = ROOT / "tests" / "eval" / "grounding.yaml", ROOT / "tests" / "eval" / "grounding_fresh.yaml"
PARAPHRASES = ROOT / "tests" / "eval" / "grounding_paraphrases.yaml"


def squash(text: str) -> str:
    return " ".join(re.sub(r"[’']", "'", text.replace("**", "")).split()).lower()


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return {d.doc_id: squash(d.text) for d in load_knowledge(ROOT / "knowledge")}


@pytest.mark.parametrize("path", [MAIN, FRESH, PARAPHRASES], ids=["main", "fresh", "paraphrases"])
def test_every_passage_is_quoted_word_for_word_from_its_document(path, documents):
    for item in load_grounding_set(path):
        assert item.doc_id in documents, item.id
        assert squash(item.passage) in documents[item.doc_id], item.id


def test_the_main_set_is_large_enough_and_mostly_hard_negatives():
    items = load_grounding_set(MAIN)
    kinds = Counter(i.kind for i in items)
    assert len(items) >= 150
    assert sum(i.negative for i in items) >= len(items) / 2
    assert all(kinds[k] >= 10 for k in NEGATIVE_KINDS), kinds
    assert kinds["paraphrase"] > kinds["verbatim"]
    for name in ("calibration", "report"):  # both halves measure every kind
        in_half = Counter(i.kind for i in items if half(i.source) == name)
        assert all(in_half[k] >= 4 for k in NEGATIVE_KINDS + SUPPORTED_KINDS[1:]), (name, in_half)


def test_the_split_is_stable_and_keeps_a_passage_in_one_half():
    items = load_grounding_set(MAIN)
    by_source: dict[str, set[str]] = {}
    for item in items:
        by_source.setdefault(item.source, set()).add(half(item.source))
    assert all(len(h) == 1 for h in by_source.values())
    assert half("appel-depot") == "calibration" and half("appel-editions") == "report"  # sha256, not hash()


def test_the_fresh_set_shares_no_passage_with_the_main_set():
    main = {squash(i.passage) for i in load_grounding_set(MAIN)}
    assert not main & {squash(i.passage) for i in load_grounding_set(FRESH)}


def test_the_paraphrase_set_is_cut_by_its_own_half_field_and_has_both_kinds_in_each_half():
    items = load_grounding_set(PARAPHRASES)
    assert len(items) >= 150
    assert sum(not i.negative for i in items) >= 80 and sum(i.negative for i in items) >= 70
    for name in ("calibration", "report"):  # tuning / test in the file
        in_half = [i for i in items if i.half == name]
        assert sum(i.negative for i in in_half) >= 30 and sum(not i.negative for i in in_half) >= 30, name
    assert {i.half for i in load_grounding_set(MAIN)} == {"calibration", "report"}  # the sha256 split, as before
