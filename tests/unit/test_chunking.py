import random

from assistant.chunking import sections, split_document, split_text
from assistant.documents import Kind, SourceDocument


def _doc(text: str, doc_id: str = "d") -> SourceDocument:
    return SourceDocument(doc_id=doc_id, title="Titre", kind=Kind.PRACTICE, text=text, source="d.md",
                          axes=("protection",), finalites=("prevenir_entree",))


def test_sections_follow_heading_levels():
    text = "# T\nintro\n## A\nun\n### A1\ndeux\n## B\ntrois"
    assert sections(text) == [([], "intro"), (["A"], "un"), (["A", "A1"], "deux"), (["B"], "trois")]


def test_headings_inside_code_blocks_are_text():
    assert sections("## A\n```\n# pas un titre\n```") == [(["A"], "```\n# pas un titre\n```")]


def test_windows_respect_the_size_and_overlap_by_whole_sentences():
    sentences = [f"Phrase numéro {i} sur la prévention des trafics." for i in range(60)]
    windows = split_text(" ".join(sentences), max_chars=400, overlap=100)
    assert len(windows) > 5
    assert all(len(w) <= 400 for w in windows)
    for previous, current in zip(windows, windows[1:]):
        first = current.split("\n\n")[0]
        assert first in previous, "each window starts with the end of the previous one"
    assert all(s in " ".join(windows) for s in sentences)


def test_chunk_ids_are_stable_and_carry_metadata():
    doc = _doc("# Titre\n## Description\n" + "Un paragraphe assez long pour compter. " * 10)
    first, second = split_document(doc), split_document(doc)
    assert [c.id for c in first] == [c.id for c in second]
    chunk = first[0]
    assert chunk.section == "Description"
    assert chunk.axes == ("protection",) and chunk.kind is Kind.PRACTICE and chunk.doc_hash == doc.content_hash


def test_editing_one_section_keeps_the_ids_of_the_others():
    base = "# Titre\n## A\n" + "Texte stable de la section A. " * 5 + "\n## B\n" + "Texte de B. " * 6
    edited = base.replace("Texte de B.", "Texte modifié de B.")
    ids_a = {c.id for c in split_document(_doc(base)) if c.section.endswith("A")}
    ids_a_after = {c.id for c in split_document(_doc(edited)) if c.section.endswith("A")}
    ids_b = {c.id for c in split_document(_doc(base)) if c.section.endswith("B")}
    ids_b_after = {c.id for c in split_document(_doc(edited)) if c.section.endswith("B")}
    assert ids_a == ids_a_after and not ids_b & ids_b_after


def test_metadata_round_trip():
    from assistant.documents import Chunk

    chunk = split_document(_doc("# Titre\n## A\n" + "Un texte de test suffisamment long. " * 3))[0]
    assert Chunk.from_record(chunk.id, chunk.text, chunk.to_metadata()) == chunk


# -- linear splitting (issue 15, finding 3: a 1 MB one-line text took 41.6 s to split) ------------------------------

_WORDS = "prévention jeunes trafic quartier commune partenaires action éducation parents collège".split()
_RANDOM = random.Random(15)
ONE_LINE = " ".join(_RANDOM.choice(_WORDS) for _ in range(110_000))  # ~1 MB, one line, no punctuation


class _CountingSha256:
    """Stands for `hashlib` in `assistant.documents`: counts the bytes hashed (an operation count, not a timing)."""

    def __init__(self):
        import hashlib

        self.hashed, self._hashlib = 0, hashlib

    def sha256(self, data: bytes):
        self.hashed += len(data)
        return self._hashlib.sha256(data)


def test_splitting_a_one_line_megabyte_reads_it_a_bounded_number_of_times(monkeypatch):
    import assistant.documents as documents

    counter = _CountingSha256()
    monkeypatch.setattr(documents, "hashlib", counter)
    doc = SourceDocument(doc_id="local-note", title="Note", kind=Kind.LOCAL, text="# Note\n\n" + ONE_LINE,
                         source="note.md", from_knowledge=False)
    chunks = split_document(doc)
    assert all(len(c.text) <= 1000 for c in chunks)
    assert len(ONE_LINE) / 1000 <= len(chunks) <= len(ONE_LINE) / 500  # cut at a space in the last half
    # the document's hash once, plus each chunk's id: a few times the text, never once per chunk (1,000+ times)
    assert counter.hashed < 3 * len(doc.text.encode())


def test_long_lines_without_blank_lines_are_packed_without_rescanning(monkeypatch):
    import assistant.chunking as chunking

    lines = "\n".join(f"ligne {i} du registre sans ponctuation" for i in range(30_000))
    joined = []
    real_join = chunking._hard_cuts

    def counting(sentence, max_chars):
        joined.append(len(sentence))
        return real_join(sentence, max_chars)

    monkeypatch.setattr(chunking, "_hard_cuts", counting)
    windows = split_text(lines)
    assert sum(joined) <= len(lines)  # each character is cut once
    assert " ".join(w.replace("\n\n", " ").replace("\n", " ") for w in windows).count("ligne 29999 ") == 1


def test_abbreviation_checks_read_a_bounded_tail_of_each_sentence(monkeypatch):
    import assistant.sentences as sentences

    read = []
    real = sentences._ends_with_abbreviation

    def counting(text, following=""):
        read.append(len(text) + len(following))
        return real(text, following)

    monkeypatch.setattr(sentences, "_ends_with_abbreviation", counting)
    text = "art. Loi " * 5_000  # 45,000 characters, a boundary every 9, none of them a sentence end
    assert sentences.split_sentences(text) == [text.strip()]
    assert sum(read) < 200 * len(text)  # was about 5,000 × 45,000 / 2 × 2 characters


def test_a_user_file_is_split_in_its_parse_child(tmp_path):
    from assistant.chunking import segments
    from assistant.loaders import load_user_file

    path = tmp_path / "note.md"
    path.write_text(ONE_LINE[:200_000] + "\n", encoding="utf-8")
    doc = load_user_file(path, max_mb=5, timeout_s=60, memory_mb=1024)
    assert doc.segments is not None and len(doc.segments) > 200
    assert doc.segments == segments(doc.text, doc.title)
    assert [c.text for c in split_document(doc)] == [window for _, window in doc.segments]
