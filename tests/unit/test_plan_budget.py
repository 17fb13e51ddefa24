"""The budget table: amounts per axis and per year from what the collectivity typed or a source gives, against the
envelope, with the MILDECA share and the co-funding lines apart; never an invented amount."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from assistant.config import Settings
from assistant.criteria import load_criteria
from assistant.loaders import load_practices
from assistant.plans import ActionPlan, load_profile
from assistant.plans.export import to_docx_bytes, to_json, to_markdown
from assistant.plans.planner import Planner

PROFILE = Path(__file__).resolve().parents[2] / "examples" / "profiles" / "ville-clspd-en-sommeil.yaml"


@pytest.fixture(scope="module")
def setup():
    settings = Settings(_env_file=None)
    criteria = load_criteria(settings.call_dir)
    return Planner(criteria, load_practices(settings.knowledge_dir), None).draft(PROFILE), criteria


def test_a_drafted_plan_lists_what_to_cost_and_separates_mildeca_from_cofunding(setup):
    plan, _ = setup
    table = plan.budget
    assert table.years == 2 and table.envelope_eur == 60000 and not table.complete
    assert [(c.funder, c.amount_eur, c.status) for c in table.cofunding[:2]] == [("CAF", 8000, "engagé"),
                                                                              ("FIPD", None, "engagé")]
    # every action is either costed or listed with the items to cost (no bare « à chiffrer »)
    listed = [t for r in table.rows for t in r.to_cost]
    assert len(listed) + sum(r.costed for r in table.rows) == len(plan.actions)
    assert all("(à chiffrer : " in t for t in listed)
    # a known funder's ceiling from a fiche is a co-funding line « à solliciter », not a cost
    assert all(c.status == "à solliciter" for c in table.cofunding[2:])


def test_typed_amounts_sum_per_axis_and_per_year_against_the_envelope(setup):
    plan, criteria = setup
    data = json.loads(plan.model_dump_json())
    first, second = data["actions"][0], data["actions"][-1]
    first["budget_eur"] = 24000  # months 1 to 24: half each year
    second["budget_eur"] = 10000
    edited = ActionPlan.model_validate(data, context={"criteria": criteria})
    table = edited.budget
    row = next(r for r in table.rows if r.axis == first["axis"])
    assert row.per_year[0].low == 12000 and row.per_year[1].low == 12000 and row.costed == 1
    assert table.total.low == table.total.high == 34000
    assert sum(a.low for a in table.per_year) == 34000
    assert any("60\u202f000 €" in n and "8\u202f000 €" in n for n in table.notes)
    # the same table in the three exports
    assert json.loads(to_json(edited))["budget"]["total"] == {"low": 34000, "high": 34000}
    markdown = to_markdown(edited, criteria)  # its inline text normalises spaces
    assert "## Budget prévisionnel" in markdown and "34 000 €" in markdown
    assert "Part demandée (MILDECA) : 60 000 €" in markdown
    document = Document(io.BytesIO(to_docx_bytes(edited, criteria)))
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "34\u202f000 €" in cells and document.core_properties.language == "fr-FR"


def test_a_plan_json_with_its_budget_loads_back_and_a_shorter_plan_has_fewer_years(setup):
    plan, criteria = setup
    assert ActionPlan.model_validate_json(to_json(plan), context={"criteria": criteria}) == plan
    short = load_profile({**plan.profile.model_dump(), "duration_months": 12})
    one_year = Planner(criteria, load_practices(Settings(_env_file=None).knowledge_dir), None).draft(short)
    assert one_year.budget.years == 1 and all(a.calendar.end_month <= 12 for a in one_year.actions)
