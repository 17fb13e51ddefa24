"""Turning the core's results into what the page shows. Pure functions: text in, Markdown or HTML out.

Everything that comes from a document, a profile or a model is data: HTML is escaped, and Markdown links and images
are neutralised (their brackets escaped), so nothing is run and no outside address is fetched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.provenance import added_note, kind_label
from assistant.text_fr import fold

_LINK = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_MD_ACTIVE = re.compile(r"([\[\]\\`$])")
_MD_ALL = re.compile(r"([\\`*_\[\]{}()#+\-!|~$])")
# « # », « - », « 1. », « === »… opening a line: a heading, list or quote in Markdown
_BLOCK_MARK = re.compile(r"(?m)^([ \t]*(?:\d+)?)([#*+\-.)=](?=[\s#=\-]|$))")
_ESCAPED_MARK = re.compile(r"\\\[(\d+)\\\]")  # an [n] once through `md_safe`

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


def _inline_only(text: str) -> str:
    """`md_safe`, and no line may open a heading, list or quote: an excerpt stays running text inside its card."""
    return _BLOCK_MARK.sub(lambda m: m.group(1) + "\\" + m.group(2), md_safe(text))


def highlighted_excerpt(excerpt: str, quotes: Iterable[str]) -> str:
    """The excerpt as inert Markdown without block marks, the sentences the answer uses wrapped in <mark>."""
    out, last = [], 0
    for start, end in _quote_spans(excerpt, quotes):
        out += [_inline_only(excerpt[last:start]), "<mark>", _inline_only(excerpt[start:end]), "</mark>"]
        last = end
    out.append(_inline_only(excerpt[last:]))
    return "".join(out)




def card_id(turn: int, n: Any) -> str:
    """The id of a source card, unique in the conversation: the answer's turn and the source's number."""
    return f"aap-src-{turn}-{n}"


def source_heading(citation: Mapping[str, Any]) -> tuple[str, str]:
    """(title, section), the section left out when it only repeats the title."""
    title, section = str(citation.get("title") or ""), str(citation.get("section") or "")
    return title, "" if fold(section) in ("", fold(title)) else section


def source_card(citation: Mapping[str, Any], turn: int, closest: bool = False) -> str:
    """One source as a <details> card: its number, kind, title and section, then the excerpt with the sentences the
    answer uses highlighted. Opened by its summary (mouse, Enter or Space) or by the [n] of the answer."""
    title, section = source_heading(citation)
    head = "Source proche (ne répond pas)" if closest else f"[{text_html(citation.get('n'))}]"
    where = f'<span class="aap-section"> — {text_html(section)}</span>' if section else ""
    added = added_note(citation.get("added_by"), citation.get("added_at"))
    added = f' <span class="aap-added">({text_html(added)})</span>' if added else ""
    summary = (f'<span class="aap-cite">{head}</span> <span class="aap-kind">{kind_label(citation.get("kind"))}'
               f'</span> {text_html(title)}{where}{added}')
    body = highlighted_excerpt(citation.get("excerpt", ""), citation.get("quotes") or [])
    if citation.get("instructions"):
        body = ("⚠️ *Ce passage contient une consigne adressée à l'assistant : elle est citée comme donnée, jamais "
                f"suivie.*\n\n{body}")
    return (f'<details class="aap-card" id="{card_id(turn, citation.get("n"))}"><summary>{summary}</summary>\n\n'
            f"{body}\n\n</details>")


def sources_message(citations: Sequence[Mapping[str, Any]], turn: int, closest: bool = False) -> dict:
    heading = "**Passages les plus proches**" if closest else "**Sources** (cliquez pour ouvrir l'extrait)"
    cards = "\n".join(source_card(c, turn, closest) for c in citations)
    return {"role": "assistant", "content": f'{heading}\n\n<div class="aap-sources">\n{cards}\n</div>'}


def linked_citations(text: str, citations: Sequence[Mapping[str, Any]], turn: int) -> str:
    """Inert Markdown (from `md_safe`) whose [n] marks become links to their source cards."""
    titles = {str(c.get("n")): source_heading(c)[0] for c in citations}

    def link(match: re.Match) -> str:
        n = match.group(1)
        if n not in titles:
            return match.group(0)
        return (f'<a class="aap-cite" href="#{card_id(turn, n)}" title="Source {n} : {text_html(titles[n])}">'
                f"[{n}]</a>")
    return _ESCAPED_MARK.sub(link, text)


def answer_messages(answer: Mapping[str, Any], turn: int = 0) -> list[dict]:
    """The answer, its [n] linked to its sources' cards, then the cards (or, when the documents do not answer, the
    closest passages). `turn` (the conversation's length) keeps the cards' ids unique across answers."""
    if answer.get("insufficient_evidence"):
        text = ("🔍 **Les documents ne répondent pas à cette question.**\n\n"
                + "\n".join(f"> {line}" if line.strip() else ">" for line in md_safe(answer["answer"]).splitlines()))
        messages = [{"role": "assistant", "content": text}]
        if answer.get("closest_sources"):
            messages.append(sources_message(answer["closest_sources"], turn, closest=True))
        return messages
    citations = answer.get("citations", [])
    text = linked_citations(md_safe(answer["answer"]), citations, turn)
    if answer.get("notice"):
        text = f"⚠️ *{md_safe(answer['notice'])}*\n\n{text}"
    summary = answer.get("grounding") or {}
    if summary:
        text += (f"\n\n*Vérification rapide : {summary.get('supported', 0)} phrase(s) reprise(s) des sources, "
                 f"{summary.get('weak', 0)} à vérifier, {summary.get('unsupported', 0)} sans source.*")
        if summary.get("relevance_note"):
            text += f"\n\n⚠️ *{md_safe(summary['relevance_note'])}*"
    messages = [{"role": "assistant", "content": text}]
    if citations:
        messages.append(sources_message(citations, turn))
    return messages


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


def sources_legend(citations: Sequence[Mapping[str, Any]]) -> str:
    """The sources a checked answer's [n] marks refer to: number, kind, title and, for a user's document, who added
    it and when; a source whose excerpt holds an order to the assistant says so."""
    if not citations:
        return ""
    items = []
    for c in citations:
        added = added_note(c.get("added_by"), c.get("added_at"))
        warning = (" ⚠️ contient une consigne adressée à l'assistant (citée, jamais suivie)" if c.get("instructions")
                   else "")
        items.append(f'<li>[{text_html(c.get("n"))}] <span class="aap-kind">{kind_label(c.get("kind"))}</span> '
                     f'{text_html(c.get("title"))}{f" ({text_html(added)})" if added else ""}{text_html(warning)}</li>')
    return f'<div class="aap-review-sources">Sources de la réponse :<ul>{"".join(items)}</ul></div>'


def _passage_html(passage: Mapping[str, Any], label: str) -> str:
    where = text_html(passage.get("title", ""))
    if passage.get("section"):
        where += f" — {text_html(passage['section'])}"
    return (f'<details class="aap-passage"><summary>{label} : {where}</summary>'
            f'<blockquote>{text_html(passage.get("excerpt", ""))}</blockquote></details>')


# -- plans ---------------------------------------------------------------------------------------------------
def compliance_markdown(report: Mapping[str, Any]) -> str:
    """The compliance report: verdict, the four axes ✓/✗, blocking errors, warnings, actors mobilised."""
    lines = ["## Rapport de conformité", ""]
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
    def origin(d) -> str:
        if d.from_knowledge:
            return "base de connaissances"
        return f"ajouté par {d.added_by}" if getattr(d, "added_by", "") else "ajouté"

    rows = [[d.doc_id, d.title, kind_label(getattr(d.kind, "value", d.kind)), len(d.ids), origin(d)] for d in documents]
    return sorted(rows, key=lambda r: (not r[4].startswith("ajouté"), r[2], r[1]))


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
AI_NOTICE = "Contenus produits par une intelligence artificielle : vérifiez-les, sources à l'appui, avant tout usage."


def footer_markdown(provider: str, model: str, embedding_model: str, passages: int) -> str:
    """The settings in use, read only; no server path (the base is described by its size)."""
    provider_text = "aucun (hors ligne)" if provider == MODE_NONE else provider
    if "/" in embedding_model or "\\" in embedding_model:  # a model folder (AAP_EMBEDDING_MODEL): its name only
        embedding_model = embedding_model.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return (f"**Réglages en cours** (lecture seule) — fournisseur du modèle de langage : {md_literal(provider_text)} · "
            f"modèle : {md_literal(model or '—')} · modèle de plongement : {md_literal(embedding_model)} · "
            f"base : {passages} passages au lancement")
