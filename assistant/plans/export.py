"""A plan as Markdown, DOCX and JSON. Text that came from users or a model is data: the Markdown escapes it so
that `<script>` or a Markdown link in a profile never becomes live HTML.

>>> to_json(plan) == ActionPlan.model_validate_json(to_json(plan)).model_dump_json(indent=2)  # doctest: +SKIP
True
"""

from __future__ import annotations

import html
import io
import re

from ..criteria import CallCriteria
from ._context import default_criteria
from .budget import BudgetTable
from .models import Action, ActionPlan
from .profile import euros

REVIEW_LINE = ("Brouillon produit avec un assistant (aap-assistant) à partir de fiches de bonnes pratiques : il doit "
               "être relu, complété (budget, calendrier précis, partenaires confirmés) et validé par la collectivité "
               "et ses partenaires avant tout dépôt.")
AUTHOR = "aap-assistant (brouillon à relire par la collectivité)"


def semesters(plan: ActionPlan) -> list[tuple[int, int]]:
    return [(1 + 6 * i, 6 * (i + 1)) for i in range(-(-plan.months // 6))]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&'()+,;=%-]+")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def to_json(plan: ActionPlan) -> str:
    """JSON that `ActionPlan.model_validate_json` loads back unchanged."""
    return plan.model_dump_json(indent=2)


# -- shared -------------------------------------------------------------------------------------------------
def _criteria_for(plan: ActionPlan, criteria: CallCriteria | None) -> CallCriteria | None:
    if criteria is not None:
        return criteria
    configured = default_criteria()
    return configured if not plan.call_id or plan.call_id == configured.id else None


def _axis_title(axis: str, criteria: CallCriteria | None) -> str:
    if criteria and axis in criteria.axis_ids:
        meta = criteria.axis(axis)
        return f"Axe {meta.number} — {meta.short}"
    return f"Axe « {axis} »"


def _finalite_label(finalite: str, criteria: CallCriteria | None) -> str:
    if criteria and finalite in criteria.finalite_ids:
        return criteria.finalite(finalite).label
    return finalite


def _axes_in_order(plan: ActionPlan, criteria: CallCriteria | None) -> list[str]:
    known = criteria.axis_ids if criteria else []
    return known + [a for a in dict.fromkeys(x.axis for x in plan.actions) if a not in known]


def _numbered(plan: ActionPlan, criteria: CallCriteria | None) -> list[tuple[str, str, list[tuple[str, Action]]]]:
    """(axis id, axis title, [(« 2.1 », action)…]) in the call's order."""
    out = []
    for i, axis in enumerate(_axes_in_order(plan, criteria), 1):
        number = criteria.axis(axis).number if criteria and axis in criteria.axis_ids else i
        actions = plan.actions_on(axis)
        out.append((axis, _axis_title(axis, criteria), [(f"{number}.{j}", a) for j, a in enumerate(actions, 1)]))
    return out


def _partners(action: Action) -> tuple[list[str], list[str]]:
    new = set(action.new_partners)
    return [p for p in action.partners if p not in new], [p for p in action.partners if p in new]


def _source_titles(plan: ActionPlan, ids: list[str]) -> list[str]:
    """Fiche titles (never their internal ids); an id the plan does not know is shown as « fiche non trouvée »."""
    return [f"fiche « {ref.title} »" if (ref := plan.fiche(i)) else "fiche non trouvée dans le plan" for i in ids]


def _finalites_text(action: Action, criteria: CallCriteria | None) -> str:
    return "; ".join(_finalite_label(f, criteria) for f in action.finalites)


def _budget(action: Action) -> str:
    """The amount typed by the collectivity, else the sourced range or unit cost, else the items to cost."""
    if action.budget_eur is not None:
        return euros(action.budget_eur)
    cost = action.cost
    if cost is None:
        return "à chiffrer"
    parts = []
    if cost.has_range:
        parts.append((euros(cost.low_eur) if cost.low_eur == cost.high_eur else
                      f"{euros(cost.low_eur)} à {euros(cost.high_eur)}") + " (fourchette indicative)")
    if cost.unit_cost:
        parts.append(f"coût unitaire indicatif : {cost.unit_cost}")
    if cost.basis:
        parts.append(f"source : {cost.basis}")
    if cost.items:
        parts.append(f"à chiffrer : {', '.join(cost.items)}")
    if cost.funding:
        parts.append(f"cofinancement possible : {'; '.join(cost.funding)}")
    return " — ".join(parts) or "à chiffrer"


def _intro_and_steps(action: Action) -> tuple[str, list[str]]:
    """The description without its steps, and the steps (shown as a list when the description holds them all)."""
    text = action.description
    if not action.steps or not all(step in text for step in action.steps):
        return text, []
    for step in action.steps:
        text = text.replace(step, "")
    return " ".join(text.split()), list(action.steps)


def budget_rows(table: BudgetTable) -> tuple[list[str], list[list[str]]]:
    """The budget table as a header and text rows (shared by Markdown and DOCX)."""
    header = ["Axe", *(f"Année {i + 1}" for i in range(table.years)), "Total", "Actions chiffrées", "À chiffrer"]
    rows = [[r.label, *(a.text() for a in r.per_year), r.total.text(), str(r.costed), str(len(r.to_cost))]
            for r in table.rows]
    rows.append(["Total", *(a.text() for a in table.per_year), table.total.text(),
                 str(sum(r.costed for r in table.rows)), str(sum(len(r.to_cost) for r in table.rows))])
    return header, rows


def funding_lines(table: BudgetTable) -> list[str]:
    out = [f"Part demandée ({table.funder}) : {euros(table.envelope_eur)}" if table.envelope_eur is not None else
           f"Part demandée ({table.funder}) : à indiquer dans le profil (enveloppe demandée)"]
    for line in table.cofunding:
        amount = euros(line.amount_eur) if line.amount_eur is not None else "montant à préciser"
        out.append(f"Cofinancement {line.status} — {line.funder} : {amount}" + (f" ({line.note})" if line.note else ""))
    if not table.cofunding:
        out.append("Aucun cofinancement engagé n'est indiqué dans le profil.")
    return out + table.notes


def _origin(action: Action) -> str:
    text = "catalogue de fiches" if action.origin == "catalogue" else "modèle de langage"
    return f"{text} — {action.note}" if action.note else text


def _months(action: Action) -> tuple[int, int]:
    calendar = action.calendar
    return (calendar.start_month, calendar.end_month) if calendar else (0, -1)


# -- Markdown -----------------------------------------------------------------------------------------------
def md(text: object) -> str:
    """Inline Markdown text: HTML escaped, Markdown syntax neutralised (plain web addresses kept), on one line."""
    words = _CONTROL.sub("", str(text)).split()
    value = " ".join(html.escape(w, quote=False) if _PLAIN_URL.fullmatch(w) else
                     _MD_SPECIAL.sub(r"\\\1", html.escape(w, quote=False)) for w in words)
    return _LINE_START.sub(lambda m: m.group(1) + (m.group(2)[:-1] + "\\" + m.group(2)[-1]), value)


def to_markdown(plan: ActionPlan, criteria: CallCriteria | None = None) -> str:
    criteria = _criteria_for(plan, criteria)
    p = plan.profile
    out = [f"# Plan d'actions — {md(p.name)}", "", f"> {md(REVIEW_LINE)}", ""]
    if criteria:
        out += [f"Appel à projets : {md(criteria.title)}.", ""]
    out += [f"Mode de rédaction : {md(plan.mode)}.", ""]
    if plan.notice:
        out += [f"> **Avertissement** : {md(plan.notice)}", ""]
    out += ["## Situation locale", "", md(plan.summary), ""]

    out += ["## Objectifs", ""]
    if plan.objectives:
        out += ["| Finalité | Objectif | Indicateur | Cible |", "| --- | --- | --- | --- |"]
        out += [f"| {md(_finalite_label(o.finalite, criteria))} | {md(o.statement)} | {md(o.indicator or '—')} | "
                f"{md(o.target or '—')} |" for o in plan.objectives]
    else:
        out.append("Aucun objectif n'est encore défini.")
    out.append("")

    out += ["## Actions", ""]
    for _, title, actions in _numbered(plan, criteria):
        out += [f"### {md(title)}", ""]
        if not actions:
            out += ["Aucune action sur cet axe.", ""]
        for number, action in actions:
            existing, new = _partners(action)
            partners = ", ".join(md(x) for x in existing) + (" (déjà engagés)" if existing else "")
            if new:
                partners += ("" if not existing else " ; ") + ", ".join(md(x) for x in new) + " (à mobiliser)"
            intro, steps = _intro_and_steps(action)
            out += [f"#### {number}. {md(action.title)}", "", md(intro) or "—", ""]
            if steps:
                out += ["Étapes :", ""] + [f"{i}. {md(step)}" for i, step in enumerate(steps, 1)] + [""]
            out += [f"- **Public** : {md(action.public) or '—'}",
                    f"- **Porteur** : {md(action.lead) or '—'}",
                    f"- **Partenaires** : {partners or '—'}",
                    f"- **Calendrier** : {md(action.calendar.describe()) if action.calendar else '—'}",
                    f"- **Indicateurs** : {'; '.join(md(i) for i in action.indicators) or '—'}",
                    f"- **Finalités** : {md(_finalites_text(action, criteria)) or '—'}",
                    f"- **Budget** : {md(_budget(action))}",
                    f"- **Sources** : {'; '.join(md(s) for s in _source_titles(plan, action.sources)) or '—'}",
                    f"- **Origine** : {md(_origin(action))}", ""]

    table = plan.budget
    header, rows = budget_rows(table)
    out += ["## Budget prévisionnel", "", "| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    out += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    out += [""] + [f"- {md(line)}" for line in funding_lines(table)] + [""]
    to_cost = [t for r in table.rows for t in r.to_cost]
    if to_cost:
        out += ["Actions à chiffrer (postes à évaluer localement) :", ""] + [f"- {md(t)}" for t in to_cost] + [""]

    periods = semesters(plan)
    out += ["## Calendrier", "", "| Action | " + " | ".join(f"mois {a}-{b}" for a, b in periods) + " |",
            "| --- |" + " :---: |" * len(periods)]
    for _, _, actions in _numbered(plan, criteria):
        for number, action in actions:
            start, end = _months(action)
            cells = ["■" if start <= b and end >= a else "" for a, b in periods]
            out.append(f"| {number}. {md(action.title)} | " + " | ".join(cells) + " |")
    out.append("")

    everyone = [x for a in plan.actions for x in a.partners]
    new_ones = {x for a in plan.actions for x in a.new_partners}
    out += ["## Partenaires", "",
            f"- **Déjà engagés** : {', '.join(md(x) for x in dict.fromkeys(everyone) if x not in new_ones) or '—'}",
            f"- **À mobiliser** : {', '.join(md(x) for x in dict.fromkeys(everyone) if x in new_ones) or '—'}", ""]

    g = plan.governance
    out += ["## Gouvernance", "", f"- **Présidence** : {md(g.chair)}", f"- **Rythme** : {md(g.frequency)}",
            f"- **Comité de pilotage** : {', '.join(md(x) for x in g.steering_committee)}"]
    if g.working_group:
        out.append(f"- **Instance opérationnelle** : {md(g.working_group)}")
    if g.coordinator:
        out.append(f"- **Coordination** : {md(g.coordinator)}")
    out.append("")

    e = plan.evaluation
    out += ["## Évaluation", "", md(e.approach), ""] + [f"- {md(m)}" for m in e.milestones] + [""]

    out += ["## Sources", ""]
    for ref in plan.fiches:
        evidence = f" — niveau de preuve : {md(ref.evidence)}" if ref.evidence else ""
        out.append(f"- **{md(ref.title)}**{evidence}")
        out += [f"  - {md(r)}" for r in ref.references]
    if not plan.fiches:
        out.append("Aucune fiche citée.")
    out += ["", f"*{md(REVIEW_LINE)}*", ""]
    return "\n".join(out)


# -- DOCX ---------------------------------------------------------------------------------------------------
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def _x(text: object) -> str:
    """Text python-docx accepts (XML forbids most control characters). Text that a spreadsheet would run as a
    formula once pasted (=, +, -, @, tab first) gets a leading apostrophe, as spreadsheets expect (OWASP)."""
    value = _CONTROL.sub("", str(text))
    return "'" + value if _FORMULA_START.match(value) else value


def _table(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(_x(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = _x(text)
    return table


def _french(document) -> None:
    """The document's language (Word's spelling checker, screen readers): French on the default run style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run_properties = document.styles.element.find(qn("w:docDefaults"))
    run_properties = run_properties.find(qn("w:rPrDefault")).find(qn("w:rPr")) if run_properties is not None else None
    targets = [run_properties] if run_properties is not None else []
    targets.append(document.styles["Normal"].element.get_or_add_rPr())
    for rpr in targets:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "fr-FR")
        lang.set(qn("w:eastAsia"), "fr-FR")


def _with_links(paragraph, text: str) -> None:
    """The text, with each web address as a clickable hyperlink."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    position = 0
    for match in _PLAIN_URL.finditer(text):
        url = match.group(0).rstrip(".,;)")
        end = match.start() + len(url)
        if match.start() > position:
            paragraph.add_run(_x(text[position:match.start()]))
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        color = OxmlElement("w:color")
        color.set(qn("w:val"), "0563C1")
        props.extend([style, color, underline])
        run.append(props)
        node = OxmlElement("w:t")
        node.text = _x(url)
        run.append(node)
        link.append(run)
        paragraph._p.append(link)
        position = end
    if position < len(text):
        paragraph.add_run(_x(text[position:]))


def to_docx_bytes(plan: ActionPlan, criteria: CallCriteria | None = None) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    criteria = _criteria_for(plan, criteria)
    p = plan.profile
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.styles["Normal"].font.size = Pt(10)
    properties = document.core_properties
    properties.title = _x(f"Plan d'actions — {p.name}")[:250]
    properties.author = AUTHOR
    properties.subject = _x(criteria.title if criteria else "Plan d'actions")[:250]
    properties.language = "fr-FR"
    properties.keywords = "plan d'actions; prévention; jeunes; trafics de stupéfiants"
    _french(document)

    document.add_heading(_x(f"Plan d'actions — {p.name}"), level=0)
    document.add_paragraph().add_run(REVIEW_LINE).italic = True
    if criteria:
        document.add_paragraph(_x(f"Appel à projets : {criteria.title}."))
    document.add_paragraph(_x(f"Mode de rédaction : {plan.mode}."))
    if plan.notice:
        document.add_paragraph().add_run(_x(f"Avertissement : {plan.notice}")).bold = True

    document.add_heading("Contexte et situation locale", level=1)
    document.add_paragraph(_x(plan.summary))

    document.add_heading("Objectifs", level=1)
    if plan.objectives:
        _table(document, ["Finalité", "Objectif", "Indicateur", "Cible"],
               [[_finalite_label(o.finalite, criteria), o.statement, o.indicator or "—", o.target or "—"]
                for o in plan.objectives])
    else:
        document.add_paragraph("Aucun objectif n'est encore défini.")

    document.add_heading("Actions par axe", level=1)
    for _, title, actions in _numbered(plan, criteria):
        document.add_heading(_x(title), level=2)
        if not actions:
            document.add_paragraph("Aucune action sur cet axe.")
            continue
        rows = []
        for number, action in actions:
            existing, new = _partners(action)
            partners = "; ".join(existing) + ("" if not new else ("\n" if existing else "") + "À mobiliser : "
                                               + "; ".join(new))
            intro, steps = _intro_and_steps(action)
            steps_text = "".join(f"\n{i}. {step}" for i, step in enumerate(steps, 1))
            rows.append([f"{number}. {action.title}\n\n{intro}" + (f"\n\nÉtapes :{steps_text}" if steps else ""),
                         action.public,
                         f"{action.lead}\n\nPartenaires : {partners or '—'}",
                         (action.calendar.describe() if action.calendar else "—") + f"\n\nBudget : {_budget(action)}",
                         "\n".join(f"• {i}" for i in action.indicators) or "—",
                         "\n".join(_source_titles(plan, action.sources)) or "—"])
        _table(document, ["Action", "Public", "Porteur et partenaires", "Calendrier", "Indicateurs", "Sources"], rows)
        notes = [f"{number}. {a.title} : {_origin(a)}" for number, a in actions if a.origin != "catalogue" or a.note]
        for note in notes:
            document.add_paragraph(_x(note), style="List Bullet")

    document.add_heading("Budget prévisionnel", level=1)
    table = plan.budget
    header, budget = budget_rows(table)
    _table(document, header, budget)
    for line in funding_lines(table):
        document.add_paragraph(_x(line), style="List Bullet")
    to_cost = [t for r in table.rows for t in r.to_cost]
    if to_cost:
        document.add_paragraph("Actions à chiffrer (postes à évaluer localement) :")
        for item in to_cost:
            document.add_paragraph(_x(item), style="List Bullet 2")

    periods = semesters(plan)
    document.add_heading("Calendrier", level=1)
    rows = []
    for _, _, actions in _numbered(plan, criteria):
        for number, action in actions:
            start, end = _months(action)
            rows.append([f"{number}. {action.title}"] + ["■" if start <= b and end >= a else "" for a, b in periods])
    _table(document, ["Action"] + [f"mois {a}-{b}" for a, b in periods], rows)

    document.add_heading("Partenaires", level=1)
    everyone = list(dict.fromkeys(x for a in plan.actions for x in a.partners))
    new_ones = {x for a in plan.actions for x in a.new_partners}
    document.add_paragraph(_x("Déjà engagés : " + (", ".join(x for x in everyone if x not in new_ones) or "—")))
    document.add_paragraph(_x("À mobiliser : " + (", ".join(x for x in everyone if x in new_ones) or "—")))

    document.add_heading("Indicateurs", level=1)
    _table(document, ["Action", "Indicateurs"],
           [[f"{n}. {a.title}", "\n".join(f"• {i}" for i in a.indicators) or "—"]
            for _, _, actions in _numbered(plan, criteria) for n, a in actions])

    document.add_heading("Gouvernance", level=1)
    g = plan.governance
    for label, value in (("Présidence", g.chair), ("Rythme", g.frequency),
                         ("Comité de pilotage", ", ".join(g.steering_committee)),
                         ("Instance opérationnelle", g.working_group), ("Coordination", g.coordinator)):
        if value:
            document.add_paragraph(_x(f"{label} : {value}"), style="List Bullet")

    document.add_heading("Évaluation", level=1)
    document.add_paragraph(_x(plan.evaluation.approach))
    for milestone in plan.evaluation.milestones:
        document.add_paragraph(_x(milestone), style="List Bullet")

    document.add_heading("Sources", level=1)
    for ref in plan.fiches:
        evidence = f" — niveau de preuve : {ref.evidence}" if ref.evidence else ""
        document.add_paragraph(_x(f"{ref.title}{evidence}"), style="List Bullet")
        for reference in ref.references:
            _with_links(document.add_paragraph(style="List Bullet 2"), reference)
    document.add_paragraph().add_run(REVIEW_LINE).italic = True

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
