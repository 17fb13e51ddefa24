"""Seeds (small valid files of each type), their mutations, and known bad files.

Everything is generated in a temporary folder; only this code is in the repository.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

from . import docgen

SEED_TEXT = ("Diagnostic local de sécurité. Le conseil local de sécurité et de prévention de la délinquance réunit la "
             "police municipale, la PJJ et le bailleur social autour des jeunes exposés au trafic.")


def seeds() -> dict[str, bytes]:
    blocks = [("p", "Diagnostic local"), ("p", SEED_TEXT), ("table", [["Partenaire", "Rôle"], ["CAF", "parentalité"]])]
    html = (f"<html><head><title>Diagnostic</title></head><body><h2>Diagnostic local</h2><p>{SEED_TEXT}</p>"
            "<ul><li>médiation</li><li>chantiers éducatifs</li></ul></body></html>")
    return {
        ".pdf": docgen.write_pdf(blocks, {"title": "Diagnostic local"}),
        ".docx": docgen.write_docx(blocks, {"title": "Diagnostic local"}),
        ".md": f"# Diagnostic local\n\n{SEED_TEXT}\n\n- médiation\n- chantiers éducatifs\n".encode(),
        ".txt": SEED_TEXT.encode("utf-8"),
        ".html": html.encode("utf-8"),
    }


# -- mutations --------------------------------------------------------------------------------------------------
INTERESTING = [b"\x00", b"\xff", b"\x7f", b"(", b")", b"<<", b">>", b"[", b"]", b"%%EOF", b"endobj", b"stream",
               b"99999999999999999999", b"-1", b"0", b"/Length 999999999", b"<", b"</", b"&#", b"\r", b"\xe9",
               b"\xc3", b"\xef\xbb\xbf", b"PK\x03\x04", b"<w:p>", b"]]>", b"<!ENTITY"]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not data:
            data = bytearray(rng.randbytes(rng.randint(1, 64)))
        op = rng.randrange(8)
        i = rng.randrange(len(data))
        if op == 0:  # flip bits
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # random byte
            data[i] = rng.randrange(256)
        elif op == 2:  # insert something interesting
            data[i:i] = rng.choice(INTERESTING)
        elif op == 3:  # delete a range
            del data[i:i + rng.randint(1, 64)]
        elif op == 4:  # duplicate a range
            j = min(len(data), i + rng.randint(1, 256))
            data[i:i] = data[i:j] * rng.randint(1, 20)
        elif op == 5:  # truncate
            del data[i:]
        elif op == 6:  # overwrite with random bytes
            data[i:i + 8] = rng.randbytes(8)
        else:  # swap two ranges
            j = rng.randrange(len(data))
            a, b = sorted((i, j))
            data[a:b] = data[a:b][::-1]
    return bytes(data)


def mutate_docx(data: bytes, rng: random.Random) -> bytes:
    """Mutate one member of the archive (usually the document XML), then zip it again: parsers see it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    name = "word/document.xml" if rng.random() < 0.7 else rng.choice(sorted(members))
    members[name] = mutate_bytes(members[name], rng)
    if rng.random() < 0.1:
        members.pop(rng.choice(sorted(members)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


def mutate_pdf(data: bytes, rng: random.Random) -> bytes:
    """Mutate inside the PDF's object syntax: numbers, names, brackets, keywords."""
    tokens = [b" 0 obj", b" R", b"/Type", b"/Pages", b"/Kids", b"/Count", b"/Length", b"/Filter", b"<<", b"[", b"xref",
              b"trailer", b"startxref", b"/Root", b"/Font", b"Tj", b"BT", b"ET"]
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        token = rng.choice(tokens)
        where = data.find(token, rng.randrange(max(len(data), 1)))
        if where < 0:
            where = data.find(token)
        if where < 0:
            continue
        replacement = rng.choice([b"", token * rng.randint(2, 50), b" -1", b" 99999999", token[::-1], b"/Kids [1 0 R]",
                                  b"[" * rng.randint(10, 5000), b"<<" * rng.randint(10, 3000)])
        data[where:where + len(token)] = replacement
    return bytes(data)


def fuzzed(count: int, folder: Path, seed: int = 1) -> list[tuple[Path, str]]:
    """`count` mutated files, evenly spread over the five types: (path on disk, name as uploaded)."""
    rng = random.Random(seed)
    base = seeds()
    kinds = sorted(base)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        ext = kinds[i % len(kinds)]
        data = base[ext]
        if ext == ".docx" and rng.random() < 0.8:
            data = mutate_docx(data, rng)
        elif ext == ".pdf" and rng.random() < 0.6:
            data = mutate_pdf(data, rng)
        else:
            data = mutate_bytes(data, rng)
        path = folder / f"fuzz-{i:04d}{ext}"
        path.write_bytes(data)
        out.append((path, path.name))
    return out


# -- known bad files --------------------------------------------------------------------------------------------
def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _docx_members() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(seeds()[".docx"])) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _docx_with_body(body: bytes) -> bytes:
    members = _docx_members()
    members["word/document.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                    b"<w:body>" + body + b"</w:body></w:document>")
    return _zip(members)


def _pdf_raw(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from raw object bodies, with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _pdf_page(content: bytes, extra_page: bytes = b"", media: bytes = b"[0 0 612 792]") -> bytes:
    return _pdf_raw([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + media + b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>"
        + extra_page + b" >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def _pdf_text(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"


def _flate_bomb_pdf() -> bytes:
    import zlib

    bomb = zlib.compress(b"0" * (400 * 1024 * 1024), 9)  # ~400 KB that inflate to 400 MB
    return _pdf_raw([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
    ])


def _many_pages_pdf(pages: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               b"<< /Length 0 >>\nstream\n\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"] * pages
    return _pdf_raw(objects)


def _encrypted_pdf(password: str, algorithm: str = "RC4-128") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(seeds()[".pdf"])))
    writer.encrypt(user_password=password, owner_password="proprietaire", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_bomb_docx() -> bytes:
    members = _docx_members()
    members["word/document.xml"] = b"<w:document>" + b" " * (150 * 1024 * 1024) + b"</w:document>"
    return _zip(members)


def _many_entries_docx() -> bytes:
    members = _docx_members()
    for i in range(20000):
        members[f"word/media/junk{i}.bin"] = b""
    return _zip(members, zipfile.ZIP_STORED)


def _png() -> bytes:
    return bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c63000100"
                         "000500010d0a2db40000000049454e44ae426082")


def _elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(57) + os.urandom(2000)


BadFile = tuple[str, Callable[[], bytes | None], str]  # (name as uploaded, content; None = special), expectation


def known_bad() -> list[BadFile]:
    """(uploaded name, content builder, what must happen: "refused" or "either")."""
    s = seeds()
    deep_html = b"<div>" * 300_000 + b"texte au fond" + b"</div>" * 300_000
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
           b'<!ENTITY net SYSTEM "http://203.0.113.9/xxe">]>')
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                         for i in range(1, 10)) + b"]>")
    return [
        ("bombe-zip.docx", _zip_bomb_docx, "refused"),
        ("bombe-entrees.docx", _many_entries_docx, "either"),
        ("bombe-flate.pdf", _flate_bomb_pdf, "refused"),
        ("imbrication-tableaux.pdf", lambda: _pdf_page(_pdf_text("Bonjour tout le monde"), b" /Annots " + b"[" * 200_000
                                                        + b"]" * 200_000), "either"),
        ("imbrication-dicos.pdf", lambda: _pdf_page(_pdf_text("Bonjour tout le monde"), b" /X " + b"<< /A " * 50_000
                                                     + b">>" * 50_000), "either"),
        ("pages-en-boucle.pdf", lambda: _pdf_raw([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                   b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), "refused"),
        ("page-immense.pdf", lambda: _pdf_page(_pdf_text("Un texte sur une page immense du diagnostic"),
                                               media=b"[0 0 14400000 14400000]"), "either"),
        ("flux-enorme.pdf", lambda: _pdf_page(b"BT /F1 1 Tf " + b"(aaaa bbbb cccc) Tj 0 -1 Td " * 600_000 + b"ET"),
         "either"),
        ("trop-de-pages.pdf", lambda: _many_pages_pdf(2500), "refused"),
        ("zero-page.pdf", lambda: _pdf_raw([b"<< /Type /Catalog /Pages 2 0 R >>",
                                             b"<< /Type /Pages /Kids [] /Count 0 >>"]), "refused"),
        ("scanne-sans-texte.pdf", lambda: _pdf_page(b"0 0 1 rg 10 10 100 100 re f"), "refused"),
        ("chiffre-mot-de-passe.pdf", lambda: _encrypted_pdf("secret"), "refused"),
        ("chiffre-rc4-40.pdf", lambda: _encrypted_pdf("secret", "RC4-40"), "refused"),
        ("chiffre-sans-mot-de-passe.pdf", lambda: _encrypted_pdf(""), "either"),
        ("longueur-fausse.pdf", lambda: _pdf_page(_pdf_text("Bonjour")).replace(b"/Length ", b"/Length 9999999"),
         "either"),
        ("javascript-action.pdf", lambda: _pdf_page(_pdf_text("Document avec une action JavaScript ouverte"),
                                                    b" /AA << /O << /S /JavaScript /JS (app.alert(1)) >> >>"), "either"),
        ("xref-cassee.pdf", lambda: s[".pdf"].replace(b"xref", b"xrof"), "either"),
        ("tronque.pdf", lambda: s[".pdf"][: len(s[".pdf"]) // 2], "either"),
        ("xxe.docx", lambda: _docx_with_body(b"").replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
                                                            b""), "either"),
        ("xxe-entites.docx", lambda: _zip({**_docx_members(), "word/document.xml": xxe + (
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            b"<w:t>&xxe; &net; texte du document</w:t></w:r></w:p></w:body></w:document>")}), "either"),
        ("milliard-de-rires.docx", lambda: _zip({**_docx_members(), "word/document.xml": laughs + (
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            b"<w:t>&lol9; texte</w:t></w:r></w:p></w:body></w:document>")}), "either"),
        ("xml-profond.docx", lambda: _docx_with_body(b"<w:p>" * 100_000 + b"</w:p>" * 100_000), "refused"),
        ("sans-document.docx", lambda: _zip({"[Content_Types].xml": b"<Types/>"}), "refused"),
        ("image-externe.docx", lambda: _zip({**_docx_members(), "word/_rels/document.xml.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
            b'Target="http://203.0.113.9/pixel.png" TargetMode="External"/></Relationships>')}), "either"),
        ("macro.docx", lambda: _zip({**_docx_members(), "word/vbaProject.bin": os.urandom(4000)}), "either"),
        ("pdf-deguise.docx", lambda: s[".pdf"], "refused"),
        ("docx-deguise.pdf", lambda: s[".docx"], "refused"),
        ("image-deguisee.md", _png, "refused"),
        ("executable.txt", _elf, "refused"),
        ("html-deguise.pdf", lambda: s[".html"], "refused"),
        ("archive-deguisee.docx", lambda: _zip({"a.txt": b"bonjour"}), "refused"),
        ("programme.exe", lambda: b"MZ" + bytes(500), "refused"),
        ("sans-extension", lambda: s[".txt"], "refused"),
        ("vide.pdf", lambda: b"", "refused"),
        ("vide.docx", lambda: b"", "refused"),
        ("vide.md", lambda: b"", "refused"),
        ("blancs.txt", lambda: b" \n\t\n " * 100, "refused"),
        ("bom-seul.txt", lambda: b"\xef\xbb\xbf", "refused"),
        ("octets-aleatoires.txt", lambda: os.urandom(5000), "refused"),
        ("octets-aleatoires.pdf", lambda: os.urandom(5000), "refused"),
        ("octets-aleatoires.docx", lambda: os.urandom(5000), "refused"),
        ("octets-aleatoires.html", lambda: os.urandom(5000), "refused"),
        ("html-profond.html", lambda: deep_html, "either"),
        ("html-actif.html", lambda: (b"<html><body><p>Texte visible du diagnostic local.</p><img src='http://203.0.113.9/a.png' "
                                     b"onerror='alert(1)'><link rel=stylesheet href='http://203.0.113.9/s.css'>"
                                     b"<meta http-equiv=refresh content='0;url=http://203.0.113.9'>"
                                     b"<p>&lt;script&gt;alert(2)&lt;/script&gt;</p></body></html>"), "either"),
        ("texte-utf16.txt", lambda: ("Texte enregistré en UTF-16 par le Bloc-notes : diagnostic local de "
                                     "prévention.").encode("utf-16"), "accepted"),
        ("texte-latin1.txt", lambda: "Prévention de la délinquance, médiation sociale.".encode("latin-1"), "accepted"),
        ("trop-gros.txt", lambda: b"a " * (11 * 1024 * 1024), "refused"),
        ("../../../etc/passwd.md", lambda: s[".md"], "accepted"),
        ("..\\..\\windows\\win.ini.txt", lambda: s[".txt"], "accepted"),
        ("/tmp/absolu.md", lambda: s[".md"], "accepted"),
        ("x" * 3000 + ".md", lambda: s[".md"], "accepted"),
        ("é" * 200 + ".txt", lambda: s[".txt"], "accepted"),
        ("<img src=x onerror=alert(1)>.md", lambda: s[".md"], "accepted"),
        ("rapport\u202egpj.exe.md", lambda: s[".md"], "accepted"),
        ("nul\x00caché.txt", lambda: s[".txt"], "accepted"),
        ("retour\nà-la-ligne.md", lambda: s[".md"], "accepted"),
        ("=cmd|' /C calc'!A0.txt", lambda: s[".txt"], "accepted"),
        ("COM1.txt", lambda: s[".txt"], "accepted"),
        (".md", lambda: s[".md"], "refused"),
    ]


# Long to build or to refuse (a bomb, a parse stopped by the time limit): left out of the short CI campaign.
SLOW = {"bombe-zip.docx", "bombe-flate.pdf", "flux-enorme.pdf", "html-profond.html", "trop-gros.txt",
        "bombe-entrees.docx", "imbrication-tableaux.pdf", "imbrication-dicos.pdf"}


def write_known_bad(folder: Path, quick: bool = False) -> list[tuple[Path, str, str]]:
    """(path on disk, name as uploaded, expectation); the disk name is safe, the uploaded one is hostile."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (name, build, expect) in enumerate(known_bad()):
        if quick and name in SLOW:
            continue
        suffix = Path(name.replace("\\", "/").replace("\x00", "").replace("\n", "")).suffix[:10]
        path = folder / f"bad-{i:03d}{suffix}"
        path.write_bytes(build())
        out.append((path, name, expect))
    return out
