"""Turning the core's results into what the page shows. Pure functions: text in, Markdown or HTML out.

Everything that comes from a document, a profile or a model is data: HTML is escaped, and Markdown links and images
are neutralised (their brackets escaped), so nothing is run and no outside address is fetched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_LINK = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_MD_ACTIVE = re.compile(r"([\[\]\\`$])")
_MD_ALL = re.compile(r"([\\`*_\[\]{}()#+\-!|~$])")

MODE_NONE = "none"
VERDICTS = {
    "supported": ("✓", "étayée", "supported"),
    "weak": ("~", "faiblement étayée", "weak"),
    "unsupported": ("✗", "non étayée", "unsupported"),
}


# -- escaping ------------------------------------------------------------------------------------------------
def text_html(text: Any) -> str:
    """Any value, as text inside HTML."""
    return html.escape("" if text is None else str(text), quote=True)


def md_safe(text: str) -> str:
    """Markdown written by the core or a model, made inert: HTML escaped, no link, image or code span.

    Emphasis, lists and headings still render. A link keeps its text and shows its address as plain text.
    """
    text = _LINK.sub(lambda m: m.group(1) + (f" ({m.group(2)})" if m.group(2) else ""), text or "")
    return _MD_ACTIVE.sub(r"\\\1", html.escape(text, quote=False))


def md_literal(text: str) -> str:
    """Text from a document, shown exactly as written: every Markdown mark escaped too."""
    return _MD_ALL.sub(r"\\\1", html.escape(text or "", quote=False))


def number_fr(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


# -- answers -------------------------------------------------------------------------------------------------
def mode_label(mode: str) -> str:
    return "hors ligne" if not mode or mode == MODE_NONE else mode


def mode_badge(mode: str) -> str:
    return f"**Mode :** {md_safe(mode_label(mode))}"


def _quote_spans(excerpt: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for quote in quotes:
        words = quote.split()
        if not words:
            continue
        match = re.search(r"\s+".join(re.escape(w) for w in words), excerpt)
        if match:
            spans.append(match.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlighted_excerpt(excerpt: str, quotes: Iterable[str]) -> str:
    """The excerpt as inert Markdown, the sentences the answer uses wrapped in <mark>."""
    out, last = [], 0
    for start, end in _quote_spans(excerpt, quotes):
        out += [md_safe(excerpt[last:start]), "<mark>", md_safe(excerpt[start:end]), "</mark>"]
        last = end
    out.append(md_safe(excerpt[last:]))
    return "".join(out)


def source_title(citation: Mapping[str, Any], closest: bool = False) -> str:
    head = "Source proche (ne répond pas)" if closest else f"[{citation['n']}]"
    section = f" — {citation['section']}" if citation.get("section") else ""
    return f"{head} {citation['title']}{section} · pertinence {number_fr(citation.get('score', 0.0))}"


def source_message(citation: Mapping[str, Any], closest: bool = False) -> dict:
    """One source as a collapsible card of the chat."""
    body = highlighted_excerpt(citation.get("excerpt", ""), citation.get("quotes") or [])
    body += f"\n\n*Document : {md_literal(citation.get('doc_id', ''))}*"
    return {"role": "assistant", "content": body,
            "metadata": {"title": md_safe(source_title(citation, closest)), "status": "done"}}


def answer_messages(answer: Mapping[str, Any]) -> list[dict]:
    """The answer, then one card per source (or, when the documents do not answer, per closest passage)."""
    if answer.get("insufficient_evidence"):
        text = ("🔍 **Les documents ne répondent pas à cette question.**\n\n"
                + "\n".join(f"> {line}" if line.strip() else ">" for line in md_safe(answer["answer"]).splitlines()))
        messages = [{"role": "assistant", "content": text}]
        messages += [source_message(c, closest=True) for c in answer.get("closest_sources", [])]
        return messages
    text = md_safe(answer["answer"])
    if answer.get("notice"):
        text = f"⚠️ *{md_safe(answer['notice'])}*\n\n{text}"
    summary = answer.get("grounding") or {}
    if summary:
        text += (f"\n\n*Vérification rapide : {summary.get('supported', 0)} phrase(s) reprise(s) des sources, "
                 f"{summary.get('weak', 0)} à vérifier, {summary.get('unsupported', 0)} sans source.*")
        if summary.get("relevance_note"):
            text += f"\n\n⚠️ *{md_safe(summary['relevance_note'])}*"
    return [{"role": "assistant", "content": text}] + [source_message(c) for c in answer.get("citations", [])]


def partial_message(text: str) -> dict:
    return {"role": "assistant", "content": md_safe(text) + " ▍"}


# -- review desk ---------------------------------------------------------------------------------------------
def grounding_html(report: Mapping[str, Any]) -> str:
    """Per sentence: the verdict (as words and a colour), the passage behind it, and each [n] citation checked."""
    summary = report.get("summary") or {}
    parts = [f'<div class="aap-review"><div class="aap-review-summary">'
             f'{summary.get("supported", 0)} phrase(s) étayée(s), {summary.get("weak", 0)} faiblement étayée(s), '
             f'{summary.get("unsupported", 0)} non étayée(s).</div><ol class="aap-sentences">']
    for sentence in report.get("sentences", []):
        icon, label, css = VERDICTS.get(sentence.get("verdict"), ("?", str(sentence.get("verdict")), "weak"))
        item = [f'<li class="aap-sentence aap-{css}" data-verdict="{text_html(sentence.get("verdict"))}">',
                f'<div class="aap-line"><span class="aap-verdict">{icon} {label}</span> '
                f'{text_html(sentence.get("text"))}</div>']
        if sentence.get("action"):
            item.append(f'<div class="aap-meta">Action : {text_html(sentence["action"])}</div>')
        if sentence.get("reason"):
            item.append(f'<div class="aap-meta">{text_html(sentence["reason"])}</div>')
        passage = sentence.get("passage")
        if passage:
            item.append(_passage_html(passage, "Passage le plus proche"))
        for check in sentence.get("citations") or []:
            mark = "✓ citation exacte" if check.get("correct") else "✗ citation erronée"
            item.append(f'<div class="aap-citation aap-{"ok" if check.get("correct") else "bad"}">'
                        f'[{text_html(check.get("n"))}] {mark} : {text_html(check.get("reason"))}</div>')
            if check.get("supporting"):
                item.append(_passage_html(check["supporting"], "Passage qui l'étaye"))
        item.append("</li>")
        parts.append("".join(item))
    parts.append("</ol></div>")
    if not report.get("sentences"):
        return '<div class="aap-review"><div>Aucune phrase à vérifier.</div></div>'
    return "".join(parts)


def _passage_html(passage: Mapping[str, Any], label: str) -> str:
    where = text_html(passage.get("title", ""))
    if passage.get("section"):
        where += f" — {text_html(passage['section'])}"
    return (f'<details class="aap-passage"><summary>{label} : {where}</summary>'
            f'<blockquote>{text_html(passage.get("excerpt", ""))}</blockquote></details>')


# -- plans ---------------------------------------------------------------------------------------------------
def compliance_markdown(report: Mapping[str, Any]) -> str:
    """The compliance report: verdict, the four axes ✓/✗, blocking errors, warnings, actors mobilised."""
    lines = ["### Rapport de conformité", ""]
    if report.get("ok"):
        lines.append("**✓ Conforme aux exigences bloquantes de l'appel.**")
    else:
        lines.append(f"**✗ Non conforme : {len(report.get('errors', []))} erreur(s) bloquante(s).**")
    lines += ["", "**Axes de l'appel**", ""]
    for axis in report.get("axes", []):
        mark = "✓" if axis.get("ok") else "✗"
        lines.append(f"- {mark} Axe {axis.get('number')} — {md_literal(axis.get('label', ''))} : "
                     f"{axis.get('concrete_actions', 0)} action(s) concrète(s) sur {axis.get('actions', 0)}")
    if report.get("errors"):
        lines += ["", "**Erreurs bloquantes**", ""] + [f"- ✗ {md_literal(e)}" for e in report["errors"]]
    if report.get("warnings"):
        lines += ["", "**Points à revoir**", ""] + [f"- ⚠️ {md_literal(w)}" for w in report["warnings"]]
    actors = report.get("actors", [])
    if actors:
        lines += ["", f"**Acteurs cités par l'appel mobilisés : {report.get('actors_mobilised', 0)} sur "
                      f"{report.get('actors_named', len(actors))}**", ""]
        mobilised = [md_literal(a.get("label", "")) for a in actors if a.get("mobilised")]
        missing = [md_literal(a.get("label", "")) for a in actors if not a.get("mobilised")]
        if mobilised:
            lines.append("- Mobilisés : " + " ; ".join(mobilised))
        if missing:
            lines.append("- Non mobilisés : " + " ; ".join(missing))
    return "\n".join(lines)


# -- documents -----------------------------------------------------------------------------------------------
DOCUMENT_COLUMNS = ["Identifiant", "Titre", "Type", "Passages", "Origine"]


def document_rows(documents: Sequence[Any]) -> list[list[Any]]:
    rows = [[d.doc_id, d.title, d.kind, len(d.ids), "base de connaissances" if d.from_knowledge else "ajouté"]
            for d in documents]
    return sorted(rows, key=lambda r: (r[4] != "ajouté", r[2], r[1]))


def upload_report(added: Sequence[str], rejected: Sequence[str], summary: str) -> str:
    blocks = []
    if added:
        blocks.append("**✓ Ajouté(s) :** " + " ; ".join(md_literal(name) for name in added))
    if rejected:
        blocks.append("**✗ Refusé(s) :**\n\n" + "\n".join(f"- {md_literal(reason)}" for reason in rejected))
    if summary:
        blocks.append(md_literal(summary))
    return "\n\n".join(blocks) if blocks else "Aucun fichier à ajouter."


# -- footer --------------------------------------------------------------------------------------------------
AI_NOTICE = ("Les réponses et les brouillons sont produits par un assistant d'intelligence artificielle : "
             "vérifiez-les, sources à l'appui, avant tout usage.")


def footer_markdown(provider: str, model: str, embedding_model: str, store: str) -> str:
    provider_text = "aucun (hors ligne)" if provider == MODE_NONE else provider
    return (f"**Réglages en cours** (lecture seule) — fournisseur du modèle de langage : {md_literal(provider_text)} · "
            f"modèle : {md_literal(model or '—')} · modèle de plongement : {md_literal(embedding_model)} · "
            f"base : {md_literal(store)}\n\n⚠️ {AI_NOTICE}")
