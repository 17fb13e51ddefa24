"""Exports: Markdown (escaped), DOCX (reopened with python-docx), JSON (loads back unchanged)."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from assistant.config import Settings
from assistant.criteria import load_criteria
from assistant.loaders import load_practices
from assistant.plans import ActionPlan
from assistant.plans.export import REVIEW_LINE, md, to_docx_bytes, to_json, to_markdown
from assistant.plans.planner import Planner

HOSTILE = {
    "name": "Commune de <script>alert('x')</script>Bourg", "kind": "commune", "population": 9000, "qpv_count": 1,
    "context": "Un point de deal. <img src=x onerror=alert(1)> [cliquez](javascript:alert(1)) **gras**\n# Titre",
    "problems": ["point de deal <b>hall</b>"], "target_ages": "12-16",
    "existing_partners": ["CLSPD", "bailleur | social"], "priority_finalites": ["espace_public"],
}


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(Settings(_env_file=None).call_dir)


@pytest.fixture(scope="module")
def plan(criteria) -> ActionPlan:
    planner = Planner(criteria, load_practices(Settings(_env_file=None).knowledge_dir), kb=None)
    return planner.draft(HOSTILE)


def test_markdown_never_carries_live_html_or_links_from_user_text(plan, criteria):
    text = to_markdown(plan, criteria)
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt;Bourg" in text
    assert not re.search(r"(?<!\\)\]\(javascript:", text) and "\\[cliquez\\](javascript:" in text  # no live link
    assert "bailleur \\| social" in text  # a table cell cannot be split by user text
    assert "\n# Titre" not in text


def test_rendered_markdown_has_no_script_image_or_javascript_link(plan, criteria):
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(to_markdown(plan, criteria))
    assert "<script" not in rendered and "<img" not in rendered and "<b>hall" not in rendered
    assert 'href="javascript' not in rendered and "<h1>Titre" not in rendered
    assert "&lt;script&gt;" in rendered


def test_markdown_has_every_part_and_every_action(plan, criteria):
    text = to_markdown(plan, criteria)
    for heading in ("## Situation locale", "## Objectifs", "## Actions", "### Axe 1 — Concevoir le projet",
                    "### Axe 4 — Proposer des alternatives", "## Calendrier", "## Partenaires", "## Gouvernance",
                    "## Évaluation", "## Sources"):
        assert heading in text, heading
    for action in plan.actions:
        assert md(action.title) in text
    assert md(REVIEW_LINE) in text


@pytest.mark.parametrize("text, expected", [
    ("a <b> & c", "a &lt;b&gt; &amp; c"), ("*x* _y_ `z`", "\\*x\\* \\_y\\_ \\`z\\`"), ("# t", "\\# t"),
    ("1. t", "1\\. t"), ("ligne 1\nligne 2", "ligne 1 ligne 2"), ("https://a.fr/x_y", "https://a.fr/x_y"),
])
def test_md_escaping(text, expected):
    assert md(text) == expected


def test_docx_reopens_with_every_action_and_the_review_line(plan, criteria):
    document = Document(io.BytesIO(to_docx_bytes(plan, criteria)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert REVIEW_LINE in paragraphs
    for heading in ("Contexte et situation locale", "Objectifs", "Actions par axe", "Budget prévisionnel", "Calendrier",
                    "Partenaires", "Indicateurs", "Gouvernance", "Évaluation", "Sources"):
        assert heading in paragraphs, heading
    axis_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Action" and len(t.columns) == 6]
    assert len(axis_tables) == 4  # one table per axis
    for action in plan.actions:
        assert action.title in cells and all(step in cells for step in action.steps)
        intro = action.description
        for step in action.steps:
            intro = intro.replace(step, "")
        assert " ".join(intro.split()) in cells  # the description's opening, then its steps as a numbered list
        assert all(indicator in cells for indicator in action.indicators)
    assert "<script>alert('x')</script>Bourg" in paragraphs  # kept as text: Word does not run it


def test_docx_survives_control_characters(plan, criteria):
    dirty = plan.model_copy(update={"summary": "Situation\x00 avec\x0b des caractères\x1f de contrôle."})
    document = Document(io.BytesIO(to_docx_bytes(dirty, criteria)))
    assert any("Situation avec des caractères de contrôle." in p.text for p in document.paragraphs)


def test_json_loads_back_unchanged(plan):
    assert ActionPlan.model_validate_json(to_json(plan)) == plan
