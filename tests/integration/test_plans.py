"""Draft plans over the real knowledge base (real Chroma, real embedding model), through the facade and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import Assistant
from assistant.cli import main
from assistant.errors import InvalidInput
from assistant.plans import ActionPlan, load_profile
from assistant.plans.export import to_docx_bytes, to_json, to_markdown

pytestmark = pytest.mark.integration
PROFILES = Path(__file__).resolve().parents[2] / "examples" / "profiles"
EXAMPLES = sorted(p.stem for p in PROFILES.glob("*.yaml"))


@pytest.fixture(scope="module")
def plans(knowledge_assistant) -> dict[str, ActionPlan]:
    return {name: knowledge_assistant.draft(load_profile(PROFILES / f"{name}.yaml")) for name in EXAMPLES}


@pytest.fixture
def cli_env(knowledge_assistant, monkeypatch):
    """The CLI opens the store the session fixture already filled (no second ingestion)."""
    monkeypatch.setenv("AAP_DATA_DIR", str(knowledge_assistant.settings.data_dir))
    return CliRunner()


def test_there_are_four_contrasting_example_profiles():
    assert {"grande-ville", "petite-ville", "intercommunalite-rurale", "ville-moyenne-recrutement-en-ligne"} <= set(
        EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_gives_a_valid_plan_in_every_format(knowledge_assistant, plans, name):
    plan = plans[name]
    report = knowledge_assistant.validate(plan)
    assert report.ok, report.errors
    assert plan.mode == "catalogue" and plan.notice is None
    assert all(a.is_concrete and a.sources and a.origin == "catalogue" for a in plan.actions)
    assert ActionPlan.model_validate_json(to_json(plan)) == plan
    markdown = to_markdown(plan, knowledge_assistant.criteria)
    document = Document(io.BytesIO(to_docx_bytes(plan, knowledge_assistant.criteria)))
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    for action in plan.actions:
        assert action.title in cells
        assert action.sources[0] in {f.id for f in plan.fiches}
    assert plan.profile.name.split()[-1] in markdown


def test_the_same_profile_gives_the_same_plan(knowledge_assistant, plans):
    again = knowledge_assistant.draft(load_profile(PROFILES / "grande-ville.yaml"))
    assert again == plans["grande-ville"]


def test_no_fiche_is_used_twice_and_each_axis_has_two_or_three_actions(knowledge_assistant, plans):
    for plan in plans.values():
        sources = [a.sources[0] for a in plan.actions]
        assert len(sources) == len(set(sources))
        for axis in knowledge_assistant.criteria.axis_ids:
            assert 2 <= len(plan.actions_on(axis)) <= 3


def test_contrasting_territories_get_visibly_different_plans(plans):
    city = {a.sources[0] for a in plans["grande-ville"].actions}
    rural = {a.sources[0] for a in plans["intercommunalite-rurale"].actions}
    online = {a.sources[0] for a in plans["ville-moyenne-recrutement-en-ligne"].actions}
    assert len(city & rural) <= len(city) / 2
    # deal points in building halls: the halls, with the bailleurs
    assert {"reappropriation-halls", "gusp-bailleurs"} <= city and not {"reappropriation-halls", "gusp-bailleurs"} & rural
    # no quartier prioritaire: nothing that needs one
    assert not {"cites-educatives", "contrat-de-ville-qpv", "vvv-quartiers-ete"} & rural
    # recruitment online: the online fiches
    assert {"recrutement-reseaux-sociaux", "promeneurs-du-net"} <= online
    assert plans["intercommunalite-rurale"].actions[0].description != plans["grande-ville"].actions[0].description


def test_actions_are_written_for_the_territory(plans):
    city = plans["grande-ville"]
    halls = next(a for a in city.actions if a.sources == ["reappropriation-halls"])
    assert halls.description.startswith("À Port-Aurèle, pour les 11-17 ans")
    assert any("dans les 4 quartiers prioritaires" in a.description for a in city.actions)
    assert not any("quartiers prioritaires" in a.description or "le quartier prioritaire" in a.description
                   for a in plans["intercommunalite-rurale"].actions)
    assert halls.partners[:2] == ["bailleur social", "prévention spécialisée"]  # the ones it already has, first
    assert set(halls.new_partners) and not set(halls.new_partners) & set(city.profile.existing_partners)
    assert halls.calendar.end_month == 24 and halls.indicators


def test_pilotage_brings_the_governance_the_profile_lacks(plans):
    rural = plans["intercommunalite-rurale"].actions_on("pilotage")[0]
    assert rural.title.startswith("Installer le CISPD de la Communauté de communes des Monts du Vernois")
    city = plans["grande-ville"].actions_on("pilotage")[0]
    assert city.title == "Créer au sein du CLSPD un groupe thématique « jeunes et trafics »"
    assert plans["grande-ville"].governance.chair.startswith("le maire de Port-Aurèle")
    assert "CISPD" in plans["intercommunalite-rurale"].governance.working_group


def test_objectives_follow_the_priority_finalites(plans):
    for plan in plans.values():
        assert [o.finalite for o in plan.objectives] == plan.profile.priority_finalites
        assert all(o.is_measurable for o in plan.objectives)


def test_a_malformed_profile_is_refused_in_french(knowledge_assistant):
    with pytest.raises(InvalidInput, match="« population » \\(nombre d'habitants\\) : doit être supérieur"):
        knowledge_assistant.draft({**load_profile(PROFILES / "petite-ville.yaml").model_dump(), "population": -1})


def test_an_llm_plan_through_the_facade_is_completed_and_checked(knowledge_assistant, plans):
    data = json.loads(plans["petite-ville"].model_dump_json())
    output = {"summary": data["summary"], "objectives": data["objectives"],
              "actions": [{k: v for k, v in a.items() if k not in {"origin", "note", "new_partners"}}
                          for a in data["actions"] if a["axis"] != "alternatives"],
              "governance": data["governance"], "evaluation": data["evaluation"]}
    fake = GenericFakeChatModel(messages=iter([AIMessage(json.dumps(output, ensure_ascii=False))] * 3))
    settings = knowledge_assistant.settings.model_copy(update={"llm_provider": "openai", "llm_model": "fake"})
    assistant = Assistant(settings, knowledge_assistant.kb, knowledge_assistant.criteria, chat_model=fake)
    plan = assistant.draft(load_profile(PROFILES / "petite-ville.yaml"))
    assert plan.mode == "openai · fake" and "alternatives" in plan.notice
    assert all(a.origin == "catalogue" for a in plan.actions_on("alternatives"))
    assert assistant.validate(plan).ok


# -- CLI ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "json", "docx"])
def test_aap_draft_writes_each_format(cli_env, tmp_path, fmt):
    out = tmp_path / f"plan.{fmt}"
    result = cli_env.invoke(main, ["draft", "--profile", str(PROFILES / "petite-ville.yaml"), "--format", fmt,
                                   "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Plan écrit dans {out}" in result.output and "Vérification : conforme" in result.output
    if fmt == "json":
        assert ActionPlan.model_validate_json(out.read_text(encoding="utf-8")).actions
    elif fmt == "md":
        assert out.read_text(encoding="utf-8").startswith("# Plan d'actions — Commune de Saint-Vérand-sur-Orge")
    else:
        assert "Actions par axe" in "\n".join(p.text for p in Document(str(out)).paragraphs)


def test_aap_draft_prints_markdown_by_default(cli_env):
    result = cli_env.invoke(main, ["draft", "--profile", str(PROFILES / "grande-ville.yaml")],
                            catch_exceptions=False)
    assert result.exit_code == 0 and "# Plan d'actions — Ville de Port-Aurèle" in result.output


def test_aap_draft_refuses_a_malformed_profile_listing_each_field(cli_env, tmp_path):
    bad = tmp_path / "profil.yaml"
    bad.write_text("name: ''\nkind: region\npopulation: -3\nqpv_count: 0\ntarget_ages: '11-17'\n"
                   "priority_finalites: [inconnue]\ncouleur: bleu\n", encoding="utf-8")
    result = cli_env.invoke(main, ["draft", "--profile", str(bad)])
    assert result.exit_code == 2
    for field in ("« name »", "« kind »", "« population »", "« priority_finalites »",
                  "« couleur » : champ inconnu"):
        assert field in result.output, field


def test_aap_validate_exits_1_naming_the_missing_axis(cli_env, tmp_path, plans):
    data = json.loads(plans["grande-ville"].model_dump_json())
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    ok = cli_env.invoke(main, ["validate", str(good)], catch_exceptions=False)
    assert ok.exit_code == 0 and "Conforme aux exigences bloquantes" in ok.output
    data["actions"] = [a for a in data["actions"] if a["axis"] != "alternatives"]
    broken = tmp_path / "plan-sans-axe-4.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cli_env.invoke(main, ["validate", str(broken)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "axe 4 « Proposer des alternatives et occuper le terrain » (alternatives), qui n'a aucune action" in \
        result.output
    as_json = cli_env.invoke(main, ["validate", str(broken), "--json"], catch_exceptions=False)
    report = json.loads(as_json.output)
    assert as_json.exit_code == 1 and report["ok"] is False and "alternatives" in report["errors"][0]


def test_aap_validate_on_a_missing_file_is_a_french_error(cli_env, tmp_path):
    result = cli_env.invoke(main, ["validate", str(tmp_path / "absent.json")])
    assert result.exit_code == 2 and "fichier de plan introuvable ou illisible" in result.output


@pytest.mark.parametrize("command", ["draft", "validate"])
def test_plan_commands_have_help_with_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Exemple" in result.output
