"""Text extraction from untrusted files (PDF, DOCX, HTML, Markdown, TXT), run in a child process with limits.

The parent never parses an uploaded file itself: a hostile file can at worst exhaust the child, which is killed
after `timeout_s` or when it passes its memory limit, and the file is refused with a French reason.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = {".pdf": "pdf", ".docx": "docx", ".md": "md", ".markdown": "md", ".txt": "txt", ".html": "html", ".htm": "html"}
MAX_PDF_PAGES = 2000
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 100
MAX_TEXT_CHARS = 5_000_000

# Zero-width and bidirectional controls: invisible to a reader, but able to hide text from one.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u180e"))
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ExtractionError(Exception):
    """The reason, in French, why a file's text could not be extracted."""


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str


def clean_text(text: str) -> str:
    """NFC, no invisible or control characters, Unix newlines, no runs of blank lines. Idempotent."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # hidden characters go first: one between a letter and its accent would otherwise block NFC composition
    text = unicodedata.normalize("NFC", CONTROL.sub("", text.translate(INVISIBLE)))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def file_type(name: str) -> str | None:
    return SUPPORTED.get(Path(name).suffix.lower())


def check_signature(data: bytes, ftype: str) -> None:
    """The content must match the extension: a renamed binary is refused rather than misread."""
    if not data.strip():
        raise ExtractionError("le fichier est vide.")
    if ftype == "pdf" and not data[:1024].lstrip().startswith(b"%PDF"):
        raise ExtractionError("l'extension est .pdf mais le contenu n'est pas un PDF.")
    if ftype == "docx" and not data.startswith(b"PK\x03\x04"):
        raise ExtractionError("l'extension est .docx mais le contenu n'est pas un document Word (DOCX).")
    if ftype in {"md", "txt", "html"}:
        if data.startswith((b"%PDF", b"PK\x03\x04", b"\x7fELF", b"MZ")):
            raise ExtractionError("l'extension annonce un texte mais le contenu est un fichier binaire.")
        sample = data[:4096]
        if sample.count(b"\x00") > 0 or _binary_ratio(sample) > 0.1:
            raise ExtractionError("le contenu ne ressemble pas à du texte (fichier binaire ?).")


def _binary_ratio(sample: bytes) -> float:
    odd = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return odd / max(len(sample), 1)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _first_heading(text: str) -> str:
    match = re.search(r"^#{1,3}\s+(.+)$", text, re.M)
    return match.group(1).strip() if match else ""


def extract_pdf(path: Path) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ExtractionError("le PDF est protégé par un mot de passe.")
            except ExtractionError:
                raise
            except Exception as exc:  # pypdf raises several types for unsupported encryption
                raise ExtractionError("le PDF est chiffré et ne peut pas être lu.") from exc
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ExtractionError(f"le PDF compte plus de {MAX_PDF_PAGES} pages.")
        pages = [(page.extract_text() or "") for page in reader.pages]
        title = ""
        try:
            title = str((reader.metadata or {}).get("/Title") or "")
        except Exception:
            title = ""
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise ExtractionError("le PDF est endommagé ou illisible.") from exc
    except Exception as exc:  # any other parser failure on a hostile file is still a refusal, not a crash
        raise ExtractionError("le PDF est endommagé ou illisible.") from exc
    return Extracted(title=title, text="\n\n".join(pages))


def extract_docx(path: Path) -> Extracted:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if total > MAX_DOCX_UNCOMPRESSED or total / packed > MAX_DOCX_RATIO:
                raise ExtractionError("l'archive DOCX se décompresse en un volume anormal (bombe de décompression ?).")
            if "word/document.xml" not in {info.filename for info in infos}:
                raise ExtractionError("l'archive ne contient pas de document Word.")
    except zipfile.BadZipFile as exc:
        raise ExtractionError("le document Word (DOCX) est endommagé.") from exc
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for block in document.element.body.iterchildren():
            tag = block.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(block, document)
                text = para.text.strip()
                if not text:
                    continue
                style = (para.style.name if para.style is not None else "") or ""
                level = re.search(r"(?:Heading|Titre)\s*(\d)", style)
                lines.append(("#" * min(int(level.group(1)) + 1, 6) + " " + text) if level else text)
            elif tag == "tbl":
                for row in Table(block, document).rows:
                    cells = [cell.text.strip() for cell in row.cells]
                    if any(cells):
                        lines.append(" | ".join(cells))
        title = (document.core_properties.title or "").strip()
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError("le document Word (DOCX) est endommagé ou illisible.") from exc
    return Extracted(title=title, text="\n\n".join(lines))


def extract_html(data: bytes) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(data), "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head", "form"]):
        tag.decompose()
    for level in range(1, 7):
        for heading in soup.find_all(f"h{level}"):
            heading.replace_with(f"\n\n{'#' * level} {heading.get_text(' ', strip=True)}\n\n")
    text = soup.get_text("\n")
    text = "\n".join(line.strip() for line in text.splitlines())
    return Extracted(title=title, text=text)


def _utf16_to_utf8(data: bytes) -> bytes:
    """Windows' Notepad saves "Unicode" text as UTF-16 with a byte order mark: read it as the text it is."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def extract(path: Path, ftype: str) -> Extracted:
    """Extract in this process; callers with untrusted files use `extract_isolated`."""
    data = path.read_bytes()
    if ftype in {"md", "txt", "html"}:
        data = _utf16_to_utf8(data)
    check_signature(data, ftype)
    if ftype == "pdf":
        result = extract_pdf(path)
    elif ftype == "docx":
        result = extract_docx(path)
    elif ftype == "html":
        result = extract_html(data)
    else:
        text = _decode(data)
        result = Extracted(title=_first_heading(text) if ftype == "md" else "", text=text)
    text = clean_text(result.text)
    if len(text) > MAX_TEXT_CHARS:
        raise ExtractionError(f"le texte extrait dépasse {MAX_TEXT_CHARS // 1_000_000} millions de caractères.")
    if len(re.findall(r"\w+", text)) < 3:
        raise ExtractionError("aucun texte exploitable n'a été trouvé (document scanné ? la reconnaissance de "
                              "caractères n'est pas prise en charge).")
    return Extracted(title=clean_text(result.title)[:200], text=text)


def _child(path: str, ftype: str, memory_mb: int, conn, finish=None) -> None:
    import logging
    import resource
    import warnings

    # a hostile PDF can make the parser warn tens of thousands of times: that is not worth a log line
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result = extract(Path(path), ftype)
        conn.send(("ok", result if finish is None else finish(result), ""))
    except ExtractionError as exc:
        conn.send(("error", str(exc), ""))
    except MemoryError:
        conn.send(("error", "son analyse demande trop de mémoire.", ""))
    except RecursionError:
        conn.send(("error", "sa structure est trop profondément imbriquée.", ""))
    except Exception:
        conn.send(("error", "son contenu n'a pas pu être analysé (fichier endommagé ?).", ""))
    finally:
        conn.close()


def extract_isolated(path: Path, ftype: str, timeout_s: float, memory_mb: int, finish=None):
    """Run `extract` in a spawned child with a memory cap, killed after `timeout_s`: the `Extracted` text, or what
    `finish` (a picklable function of it) makes of it in the child, under the same limits (splitting, say)."""
    ctx = mp.get_context("spawn")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(str(path), ftype, memory_mb, child_conn, finish), daemon=True)
    process.start()
    child_conn.close()
    try:
        if not parent_conn.poll(timeout_s):
            raise ExtractionError(f"son analyse a dépassé {timeout_s:g} secondes.")
        try:
            status, first, text = parent_conn.recv()
        except EOFError as exc:
            raise ExtractionError("son analyse a échoué (mémoire dépassée ou fichier hostile).") from exc
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent_conn.close()
    if status != "ok":
        raise ExtractionError(first)
    return first
