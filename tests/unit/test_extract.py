"""Every kind of bad file is refused with a French message naming it; good files give their text only."""

from __future__ import annotations

import io
import zipfile

import pytest

from assistant.errors import DocumentRejected
from assistant.loaders import load_user_file

LIMITS = dict(max_mb=1, timeout_s=20, memory_mb=512)


def make_pdf(path, text="Diagnostic local des trafics à Exemple-sur-Loire.", password=None):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.save()
    data = buffer.getvalue()
    if password:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.encrypt(password)
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    path.write_bytes(data)
    return path


def make_docx(path, title="Plan local", paragraphs=("Un paragraphe sur la prévention.",)):
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for para in paragraphs:
        document.add_paragraph(para)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Partenaire", "CAF"
    document.save(str(path))
    return path


def test_pdf_text_is_extracted(tmp_path):
    doc = load_user_file(make_pdf(tmp_path / "diag.pdf"), **LIMITS)
    assert "Exemple-sur-Loire" in doc.text and doc.doc_id == "local-diag" and doc.kind.value == "document local"


def test_docx_headings_and_tables_are_kept(tmp_path):
    doc = load_user_file(make_docx(tmp_path / "plan.docx"), **LIMITS)
    assert "## Plan local" in doc.text and "Partenaire | CAF" in doc.text


def test_html_keeps_text_and_drops_scripts_and_styles(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>T</title><style>p{color:red}</style></head><body><h2>Section</h2>"
                    "<p>Texte utile sur les CJC.</p><script>alert('x')</script><iframe src='https://exemple.org'></iframe>"
                    "</body></html>", encoding="utf-8")
    doc = load_user_file(page, **LIMITS)
    assert "## Section" in doc.text and "Texte utile" in doc.text
    assert "alert" not in doc.text and "color" not in doc.text


def test_invisible_characters_are_removed(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Pré\u200bvention des tra\u202efics, texte suffisant.", encoding="utf-8")
    assert "Prévention" in load_user_file(note, **LIMITS).text


def _zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * (30 * 1024 * 1024) + "</w:document>")
    return path


@pytest.mark.parametrize("name, build, reason", [
    ("vide.pdf", lambda p: p.write_bytes(b""), "vide"),
    ("faux.pdf", lambda p: p.write_bytes(b"ceci n'est pas un pdf " * 10), "pas un PDF"),
    ("abime.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20), "endommagé"),
    ("secret.pdf", lambda p: make_pdf(p, password="motdepasse"), "mot de passe"),
    ("bombe.docx", _zip_bomb, "bombe"),
    ("faux.docx", lambda p: p.write_bytes(b"texte simple " * 20), "pas un document Word"),
    ("binaire.txt", lambda p: p.write_bytes(bytes(range(256)) * 20), "binaire"),
    ("programme.exe", lambda p: p.write_bytes(b"MZ" + b"\x00" * 100), "non pris en charge"),
    ("gros.txt", lambda p: p.write_bytes(b"a" * (1024 * 1024 + 1)), "limite de 1 Mo"),
    ("../../etc/passwd.md", None, "introuvable"),
])
def test_bad_files_are_refused_with_a_french_reason(tmp_path, name, build, reason):
    path = tmp_path / name.replace("/", "_")
    if build:
        build(path)
    with pytest.raises(DocumentRejected) as err:
        load_user_file(path, original_name=name, **LIMITS)
    message = str(err.value)
    assert reason in message
    assert "/" not in err.value.filename, "only the base name of a file is ever shown"


def test_a_parse_that_takes_too_long_is_stopped(tmp_path, monkeypatch):
    from assistant import extract

    big = tmp_path / "lent.html"
    big.write_text("<div>" * 200_000 + "texte" + "</div>" * 200_000, encoding="utf-8")
    with pytest.raises(extract.ExtractionError, match="dépassé"):
        extract.extract_isolated(big, "html", timeout_s=0.5, memory_mb=512)
