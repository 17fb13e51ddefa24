"""The compliance report: blocking errors, warnings and coverage, for valid plans and for broken raw JSON."""

from __future__ import annotations

import json

import pytest

from assistant.config import Settings
from assistant.criteria import load_criteria
from assistant.loaders import load_practices
from assistant.plans import ActionPlan, ComplianceReport
from assistant.plans.planner import Planner

PROFILE = {
    "name": "Ville de Port-Aurèle", "kind": "commune", "population": 95000, "qpv_count": 4,
    "context": "Des points de deal dans les halls d'immeubles ; des guetteurs de 12 ans.",
    "problems": ["points de deal dans les halls", "guetteurs mineurs"], "target_ages": "11-17",
    "existing_partners": ["CLSPD", "bailleur social", "prévention spécialisée"],
    "priority_finalites": ["espace_public", "prevenir_entree"],
}


@pytest.fixture(scope="module")
def planner():
    settings = Settings(_env_file=None)
    return Planner(load_criteria(settings.call_dir), load_practices(settings.knowledge_dir), kb=None)


@pytest.fixture(scope="module")
def plan_json(planner) -> str:
    return planner.draft(PROFILE).model_dump_json()


def test_a_drafted_plan_is_compliant_with_coverage(planner, plan_json):
    report = planner.validate(ActionPlan.model_validate_json(plan_json))
    assert report.ok and report.errors == []
    assert [a.axis for a in report.axes] == ["pilotage", "protection", "attractivite", "alternatives"]
    assert all(a.ok and a.concrete_actions >= 2 for a in report.axes)
    priorities = {f.finalite for f in report.finalites if f.priority}
    assert priorities == {"espace_public", "prevenir_entree"}
    assert all(f.actions >= 1 and f.objectives == 1 for f in report.finalites if f.priority)
    assert report.actors_named == 12 and report.actors_mobilised * 2 >= report.actors_named
    assert {a.actor for a in report.actors if a.mobilised} >= {"bailleurs", "prefecture", "procureur"}
    # a catalogue draft cannot know the budget: every action is flagged, never silently accepted
    assert any("sans budget chiffré" in w for w in report.warnings)
    assert report.model_dump()["ok"] is True


@pytest.mark.parametrize("kind", ["dict", "json"])
def test_removing_an_axis_gives_a_blocking_error_naming_it_without_raising(planner, plan_json, kind):
    data = json.loads(plan_json)
    data["actions"] = [a for a in data["actions"] if a["axis"] != "protection"]
    report = planner.validate(data if kind == "dict" else json.dumps(data))
    assert not report.ok
    assert len(report.errors) == 1
    assert "axe 2 « Protéger les plus jeunes » (protection), qui n'a aucune action" in report.errors[0]
    coverage = {a.axis: a for a in report.axes}
    assert not coverage["protection"].ok and coverage["protection"].actions == 0
    assert coverage["pilotage"].ok  # the rest of the report is still computed


def test_a_broken_plan_reports_every_problem_in_french(planner, plan_json):
    data = json.loads(plan_json)
    data["profile"]["kind"] = "département"
    data["actions"][0]["axis"] = "securite"
    data["actions"][1]["sources"] = ["fiche-qui-n-existe-pas"]
    data["objectives"][0]["finalite"] = "sport"
    del data["governance"]
    report = planner.validate(data)
    text = "\n".join(report.errors)
    assert not report.ok
    assert "profil › « kind » (type de collectivité) : type de collectivité « département » non accepté" in text
    assert "action n°1" in text and "axe « securite » inconnu" in text
    assert "source(s) inconnue(s) fiche-qui-n-existe-pas" in text
    assert "objectif n°1" in text and "finalité « sport » inconnue" in text
    assert "« governance » (gouvernance) : champ obligatoire manquant" in text


@pytest.mark.parametrize("payload, expected", [
    ("{ pas du json", "n'est pas un JSON valide"),
    ("[1, 2]", "doit être un objet JSON"),
    ("{}", "« profile » (profil) : champ obligatoire manquant"),
])
def test_garbage_gives_a_report_not_an_exception(planner, payload, expected):
    report = planner.validate(payload)
    assert isinstance(report, ComplianceReport) and not report.ok
    assert any(expected in e for e in report.errors)


def test_warnings_for_few_actors_uncovered_priority_unmeasurable_objective_and_missing_source(planner, plan_json):
    data = json.loads(plan_json)
    for action in data["actions"]:
        action.update(lead="service jeunesse", partners=["centre social"], new_partners=[])
    data["governance"]["steering_committee"] = ["élus"]
    data["governance"]["chair"] = "le maire"
    data["profile"]["priority_finalites"].append("contre_image")
    for action in data["actions"]:
        action["finalites"] = [f for f in action["finalites"] if f != "contre_image"] or ["dynamique_partenariale"]
    data["objectives"][0]["target"] = "beaucoup mieux"
    data["actions"][0]["sources"] = []
    data["actions"][1]["budget_eur"] = 12000
    report = planner.validate(data)
    assert report.ok, report.errors  # warnings never block
    warnings = "\n".join(report.warnings)
    assert "Seulement 2 des 12 catégories d'acteurs" in warnings and "une majorité des acteurs" in warnings
    assert "La finalité prioritaire « contre_image »" in warnings
    assert "n'a pas d'indicateur mesurable" in warnings
    assert "1 action(s) sans fiche source" in warnings
    assert f"{len(data['actions']) - 1} action(s) sans budget chiffré" in warnings


def test_summary_is_french_and_complete(planner, plan_json):
    data = json.loads(plan_json)
    data["actions"] = [a for a in data["actions"] if a["axis"] != "alternatives"]
    summary = planner.validate(data).summary_fr()
    assert "NON CONFORME : 1 erreur(s) bloquante(s)." in summary
    assert "✗ axe 4 « Proposer des alternatives et occuper le terrain » : 0 action(s) concrète(s)" in summary
    assert "Acteurs cités par l'appel mobilisés :" in summary
