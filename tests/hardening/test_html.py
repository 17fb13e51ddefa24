"""Campaign 2, short (the API side; the browser side is tests/ui/test_hostile_html.py): 20 hostile payloads in a
document, questions, a profile and a reviewed text give no live markup in any answer, store, export or report,
and the DOCX and Markdown exports hold no cell a spreadsheet would run. Full: `python -m hardening html`."""

from __future__ import annotations

import pytest

from hardening import html

pytestmark = pytest.mark.integration


def test_hostile_payloads_never_become_live_markup_or_formulas(tmp_path):
    result = html.run(tmp_path, count=20, browser=False, questions_every=4, log=lambda *_: None)
    assert result["documents"]["rejected"] == []
    assert result["documents"]["fetchable_in_store"] == result["documents"]["fetchable_in_titles"] == 0
    assert result["questions"]["fetchable"] == 0, result["questions"]["examples"]
    exports = result["exports"]
    assert exports["markdown_fetchable"] == 0 and exports["docx_live_markup"] == 0 and exports["json_roundtrip"]
    assert exports["markdown_formula_cells"] == 0, exports["markdown_formula_examples"]
    assert exports["docx_formula_cells"] == 0, exports["docx_formula_examples"]
