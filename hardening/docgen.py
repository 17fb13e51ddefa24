"""Write small PDF, DOCX and Markdown files from a list of blocks, with the tricks hostile documents use.

Blocks: ("p", text), ("white", text) white on white, ("tiny", text) 1-point font, ("hidden", text) text a reader
does not see (off-page in a PDF, `w:vanish` in a DOCX, an HTML comment in Markdown), ("table", rows),
("raw", text) written as is (a Markdown image, say). `meta` fills the file's metadata fields.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

Block = tuple[str, object]


def write(path: Path, blocks: list[Block], meta: dict[str, str] | None = None) -> Path:
    writer = {".pdf": write_pdf, ".docx": write_docx, ".md": write_md}[path.suffix]
    path.write_bytes(writer(blocks, meta or {}))
    return path


def write_pdf(blocks: list[Block], meta: dict[str, str]) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setTitle(meta.get("title", "")), pdf.setSubject(meta.get("subject", ""))
    pdf.setAuthor(meta.get("author", "")), pdf.setKeywords(meta.get("keywords", ""))
    y = 800

    def line(text: str, size: float = 10, color=(0, 0, 0), x: float = 50) -> None:
        nonlocal y
        pdf.setFont("Helvetica", size)
        pdf.setFillColorRGB(*color)
        pdf.drawString(x, y, text)
        y -= max(size + 4, 6)

    for kind, value in blocks:
        rows = value if kind == "table" else [[value]]
        for row in rows:
            text = " | ".join(row)
            for piece in textwrap.wrap(text, 95) or [""]:
                if kind == "white":
                    line(piece, color=(1, 1, 1))
                elif kind == "tiny":
                    line(piece, size=1)
                elif kind == "hidden":
                    line(piece, x=-2000)  # outside the page: never displayed, still in the content stream
                else:
                    line(piece)
        y -= 6
    pdf.save()
    return buffer.getvalue()


def write_docx(blocks: list[Block], meta: dict[str, str]) -> bytes:
    import docx
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    props = document.core_properties
    props.title, props.subject = meta.get("title", ""), meta.get("subject", "")
    props.author, props.keywords = meta.get("author", ""), meta.get("keywords", "")
    props.comments = meta.get("comments", "")
    for kind, value in blocks:
        if kind == "table":
            table = document.add_table(rows=len(value), cols=max(len(r) for r in value))
            for r, row in enumerate(value):
                for c, cell in enumerate(row):
                    table.rows[r].cells[c].text = cell
            continue
        run = document.add_paragraph().add_run(str(value))
        if kind == "white":
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        elif kind == "tiny":
            run.font.size = Pt(1)
        elif kind == "hidden":
            run.font.hidden = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_md(blocks: list[Block], meta: dict[str, str]) -> bytes:
    parts = []
    if meta:
        parts.append("---\n" + "\n".join(f"{k}: {v}" for k, v in meta.items()) + "\n---")
        if meta.get("title"):
            parts.append(f"# {meta['title']}")
    for kind, value in blocks:
        if kind == "table":
            header, *rows = value
            parts.append("\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                                   + ["| " + " | ".join(r) + " |" for r in rows]))
        elif kind == "white":
            parts.append(f'<span style="color:#ffffff">{value}</span>')
        elif kind == "tiny":
            parts.append(f'<span style="font-size:1px">{value}</span>')
        elif kind == "hidden":
            parts.append(f"<!-- {value} -->")
        else:
            parts.append(str(value))
    return ("\n\n".join(parts) + "\n").encode("utf-8")
