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
