"""Draft plans over the real knowledge base (real Chroma, real embedding model), through the facade and the CLI."""

from __future__ import annotations

import io
import json
import re
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
from assistant.loaders import load_practices
from assistant.plans.actors import ActorMatcher
from assistant.plans.conditions import territory_facts, unmet
from assistant.plans.export import to_docx_bytes, to_json, to_markdown
from assistant.plans.partners import group_of
from assistant.plans.templates import clip

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


def test_there_are_six_contrasting_example_profiles():
    assert {"grande-ville", "petite-ville", "intercommunalite-rurale", "ville-moyenne-recrutement-en-ligne",
            "ville-clspd-en-sommeil", "bourg-rural-12-mois"} <= set(EXAMPLES)


# -- the rubric: what a project manager would otherwise have to rewrite ---------------------------------------
EXAMPLE_PLACES = ("CoDES", "Loos", "Sarcelles", "Lille", "Laval", "Villeurbanne", "Brest", "Sète", "Melun",
                  "Valbonne", "Manche", "Moselle", "Sauvegarde 71", "Grenoble", "Haute-Vienne")
DEGENERATE = re.compile(r"\b(\d{1,2})\s*(?:-|à)\s*(\d{1,2})\s*ans\b")


def _internal_ids(knowledge_assistant) -> set[str]:
    criteria = knowledge_assistant.criteria
    fiches = {p.meta.id for p in load_practices(knowledge_assistant.settings.knowledge_dir)}
    return ({f for f in fiches if "-" in f} | {f for f in criteria.finalite_ids if "_" in f}
            | {"attractivite", "prevenir_entree", "logement_social", "point_de_deal"})


@pytest.mark.parametrize("name", EXAMPLES)
def test_rubric_a_plan_a_project_manager_can_take_to_partners(knowledge_assistant, plans, name):
    plan = plans[name]
    practices = {p.meta.id: p for p in load_practices(knowledge_assistant.settings.knowledge_dir)}
    fiche_titles = {p.meta.title for p in practices.values()}
    matcher = ActorMatcher(knowledge_assistant.criteria)
    facts = territory_facts(plan.profile)
    markdown = to_markdown(plan, knowledge_assistant.criteria)
    document = Document(io.BytesIO(to_docx_bytes(plan, knowledge_assistant.criteria)))
    docx_text = "\n".join([p.text for p in document.paragraphs] +
                          [c.text for t in document.tables for r in t.rows for c in r.cells])
    for action in plan.actions:
        # the collectivity's own action, not a fiche's title or numbered heading
        assert action.title not in fiche_titles and not re.match(r"^\d", action.title), action.title
        # complete steps, no cut-off heading
        assert action.steps and all(s[0].isupper() and s.endswith(".") for s in action.steps), action.steps
        assert "Étapes prévues" not in action.description
        # partners: no other territory's organisation, one line per actor category
        assert not [p for p in action.partners if any(place in p for place in EXAMPLE_PLACES)], action.partners
        groups = [group_of(matcher.category_of(p)) for p in action.partners]
        assert len(groups) == len(set(groups)), (action.title, action.partners)
        # ages and conditions of the template hold for this territory
        template = next(t for t in practices[action.sources[0]].meta.actions
                        if t.title == action.title or action.sources[0] == "clspd-cispd")
        assert clip(template, plan.profile.age_range) is not None or action.sources[0] == "clspd-cispd"
        assert not unmet(template.requires, facts), (action.title, template.requires)
        # a cost range or the items to cost
        assert action.cost is not None and (action.cost.has_range or action.cost.unit_cost or action.cost.items)
    for objective in plan.objectives:
        assert "à fixer" in objective.target or re.search(r"\d+ (des|collèges?|catégories)", objective.target), \
            objective.target
        assert "fixée par le comité de pilotage" not in objective.target
    for text in (markdown, docx_text):
        assert not [m.group(0) for m in DEGENERATE.finditer(text) if m.group(1) == m.group(2)]
        found = [i for i in _internal_ids(knowledge_assistant) if re.search(rf"(?<![\w/.-]){re.escape(i)}(?![\w-]|\.\w)",
                                                                             text)]
        assert not found, f"identifiants internes dans le texte : {found}"
    assert "Budget prévisionnel" in markdown and "Budget prévisionnel" in docx_text


def test_the_town_of_the_issue_gets_its_own_governance_and_a_costed_frame(plans):
    plan = plans["ville-clspd-en-sommeil"]
    pilotage = plan.actions_on("pilotage")[0]
    assert pilotage.title == ("Relancer le CLSPD, qui ne se réunit plus depuis 2020, avec un groupe thématique "
                              "« jeunes et trafics »")
    assert "existe mais" not in pilotage.description
    assert any(a.sources == ["recrutement-reseaux-sociaux"] for a in plan.actions)  # Snapchat
    assert any("collèges du territoire sur 2" in o.target for o in plan.objectives) or \
        any("2 100 jeunes" in o.target.replace("\u202f", " ") for o in plan.objectives)
    budget = plan.budget
    assert budget.envelope_eur == 60000 and [c.funder for c in budget.cofunding][:2] == ["CAF", "FIPD"]
    assert budget.cofunding[0].amount_eur == 8000 and budget.years == 2


def test_a_territory_without_collège_or_quartier_gets_no_action_that_needs_one(plans):
    rural = plans["bourg-rural-12-mois"]
    assert rural.profile.duration_months == 12 and rural.budget.years == 1
    for action in rural.actions:
        assert action.calendar.end_month <= 12
    assert not {"unplugged", "primavera", "theatre-forum-temoignages", "vvv-quartiers-ete", "reappropriation-halls"} \
        & {a.sources[0] for a in rural.actions}


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
    assert halls.description.startswith("À Port-Aurèle, l'action s'adresse aux locataires et jeunes de 11 à 17 ans")
    assert any("des 4 quartiers prioritaires" in a.description for a in city.actions)
    assert not any("quartiers prioritaires" in a.description or "le quartier prioritaire" in a.description
                   for a in plans["intercommunalite-rurale"].actions)
    assert "bailleur social" in halls.partners and any(p.startswith("centres sociaux") for p in halls.partners)
    assert any("à mobiliser" in p for p in halls.partners)  # the roles the territory still has to find
    assert not set(halls.new_partners) & set(city.profile.existing_partners)
    assert halls.calendar.end_month == 24 and halls.indicators
    # the municipal police or the CLSPD are not attached to actions whose template does not name them
    assert not any("CLSPD" in p for a in city.actions_on("protection") for p in a.partners)


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


# -- the plan check -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ville-clspd-en-sommeil", "grande-ville", "intercommunalite-rurale"])
def test_a_catalogue_plan_checks_as_supported_against_its_fiches_the_call_and_the_profile(knowledge_assistant, plans,
                                                                                         name):
    report = knowledge_assistant.check_plan(plans[name])
    assert report.summary.unsupported == 0 and report.summary.weak == 0, [
        (s.text, s.reason) for s in report.sentences if s.verdict != "supported"]
    assert report.summary.supported >= 4 * len(plans[name].actions)  # type, steps, ages, partners of each action
    kinds = {s.passage.doc_id for s in report.sentences if s.passage}
    assert {"profil", knowledge_assistant.criteria.id} <= kinds and kinds & {a.sources[0] for a in plans[name].actions}


def test_what_was_changed_in_a_plan_is_flagged_with_its_reason(knowledge_assistant, plans):
    data = json.loads(plans["ville-clspd-en-sommeil"].model_dump_json())
    action = next(a for a in data["actions"] if a["sources"] == ["recrutement-reseaux-sociaux"])
    action["partners"].append("CoDES 06")  # another territory's organisation, not a role of this action
    action["public"] = "jeunes de 6 à 17 ans"  # the fiche's action is for 11-20 year olds
    data["summary"] = data["summary"].replace("25 000 habitants", "32 000 habitants")
    report = knowledge_assistant.check_plan(data)
    flagged = {s.text: s.reason for s in report.sentences if s.verdict == "unsupported"}
    assert flagged["Partenaire : CoDES 06"] == "la fiche ne prévoit pas ce type de partenaire pour cette action"
    assert "âges hors de ceux de la fiche (11-20 ans)" in flagged["Public : jeunes de 6 à 17 ans"]
    assert any("32000" in reason for reason in flagged.values())
    assert len(flagged) == 3
