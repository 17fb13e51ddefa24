"""Profiles and plans as Pydantic models: French errors naming each field, the four-axis rule, JSON round trip.

Plans here are drafted from the real fiches' front matter without a store (`Planner(..., kb=None)`): fast, and
the same catalogue code the application runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.config import Settings
from assistant.criteria import load_criteria
from assistant.errors import InvalidInput
from assistant.loaders import load_practices
from assistant.plans import ActionPlan, Profile, load_profile
from assistant.plans.models import Action
from assistant.plans.planner import Planner

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "examples" / "profiles"
GOOD = {
    "name": "Commune de Grandval", "kind": "commune", "population": 18000, "qpv_count": 1,
    "context": "Un point de deal près du collège ; des guetteurs de 13 ans.", "problems": ["point de deal"],
    "target_ages": "11-17", "existing_partners": ["CLSPD", "bailleur social"],
    "priority_finalites": ["prevenir_entree", "espace_public"],
}


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(Settings(_env_file=None).call_dir)


@pytest.fixture(scope="module")
def planner(criteria):
    return Planner(criteria, load_practices(Settings(_env_file=None).knowledge_dir), kb=None)


@pytest.fixture(scope="module")
def plan(planner) -> ActionPlan:
    return planner.draft(GOOD)


# -- profiles ---------------------------------------------------------------------------------------------
def test_a_good_profile_loads_from_a_dict_yaml_json_and_a_file(tmp_path):
    from_dict = load_profile(GOOD)
    yaml_text = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in GOOD.items())
    assert load_profile(yaml_text) == from_dict
    assert load_profile(json.dumps(GOOD)) == from_dict
    path = tmp_path / "profil.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert load_profile(path) == load_profile(str(path)) == from_dict
    assert from_dict.age_range == (11, 17) and from_dict.short_name == "Grandval" and from_dict.council == "CLSPD"


def test_every_example_profile_is_valid():
    profiles = sorted(PROFILES.glob("*.yaml"))
    assert len(profiles) >= 4
    kinds = {load_profile(p).kind for p in profiles}
    assert kinds == {"commune", "intercommunalite"}


def test_a_malformed_profile_lists_each_bad_field_in_french():
    bad = {**GOOD, "name": "  ", "kind": "département", "population": -5, "qpv_count": "beaucoup",
           "target_ages": "ados", "priority_finalites": ["prevenir_entree", "sport"], "budget": 1000}
    with pytest.raises(InvalidInput) as caught:
        load_profile(bad)
    message = str(caught.value)
    assert message.startswith("Le profil du territoire n'est pas valide (7 problème(s))")
    for expected in ("« name » (nom de la collectivité) : ne doit pas être vide",
                     "« kind » (type de collectivité) : type de collectivité « département » non accepté par l'appel "
                     "(acceptés : commune, intercommunalite)",
                     "« population » (nombre d'habitants) : doit être supérieur ou égal à 1 (reçu : -5)",
                     "« qpv_count » (nombre de quartiers prioritaires (QPV)) : doit être un nombre entier (reçu : "
                     "'beaucoup')",
                     "« target_ages » (tranche d'âge visée) : « ados » n'est pas une tranche d'âge",
                     "« priority_finalites » (finalités prioritaires) : finalité(s) inconnue(s) : sport",
                     "« budget » : champ inconnu"):
        assert expected in message, expected
    assert len(caught.value.problems) == 7


@pytest.mark.parametrize("change, expected", [
    ({"population": None}, "« population » (nombre d'habitants) : doit être un nombre entier"),
    ({"target_ages": "17-11"}, "tranche d'âge « 17-11 » incohérente"),
    ({"priority_finalites": []}, "doit contenir au moins 1 élément"),
    ({"problems": "point de deal"}, "« problems » (problèmes constatés) : doit être une liste"),
])
def test_each_kind_of_bad_value_gets_its_own_message(change, expected):
    with pytest.raises(InvalidInput, match=None) as caught:
        load_profile({**GOOD, **change})
    assert expected in str(caught.value)


def test_a_missing_field_and_unreadable_text_are_reported_in_french(tmp_path):
    with pytest.raises(InvalidInput) as caught:
        load_profile({k: v for k, v in GOOD.items() if k != "kind"})
    assert "« kind » (type de collectivité) : champ obligatoire manquant" in str(caught.value)
    with pytest.raises(InvalidInput, match="pas un YAML ou JSON lisible"):
        load_profile("name: [non fermé")
    with pytest.raises(InvalidInput, match="ensemble de champs"):
        load_profile("- une\n- liste")
    with pytest.raises(InvalidInput, match="introuvable"):
        load_profile(tmp_path / "absent.yaml")


def test_the_kind_accepts_the_call_label_and_is_stored_as_its_id():
    assert load_profile({**GOOD, "kind": "Intercommunalité"}).kind == "intercommunalite"


# -- plans ------------------------------------------------------------------------------------------------
def test_a_drafted_plan_has_concrete_actions_on_every_axis(plan, criteria):
    for axis in criteria.axis_ids:
        actions = plan.actions_on(axis)
        assert 2 <= len(actions) <= 4, axis
        assert all(a.is_concrete for a in actions)
    assert plan.mode == "catalogue" and plan.notice is None


def test_removing_an_axis_is_rejected_naming_it_in_french(plan):
    data = json.loads(plan.model_dump_json())
    data["actions"] = [a for a in data["actions"] if a["axis"] != "attractivite"]
    with pytest.raises(ValidationError) as caught:
        ActionPlan.model_validate(data)
    text = str(caught.value)
    assert "axe 3 « Lutter contre l'attractivité des réseaux » (attractivite), qui n'a aucune action" in text
    assert "protection" not in text.split("Manque :")[1].split("(Une action")[0]


def test_an_action_that_is_not_concrete_does_not_count_and_the_message_says_why(plan):
    data = json.loads(plan.model_dump_json())
    for action in data["actions"]:
        if action["axis"] == "protection":
            action.update(description="Trop court.", partners=[], indicators=[])
    with pytest.raises(ValidationError) as caught:
        ActionPlan.model_validate(data)
    text = str(caught.value)
    assert "(protection), qui n'a aucune action concrète" in text
    assert "une description d'au moins 25 mots (elle en a 2), au moins un partenaire, au moins un indicateur" in text


def test_unknown_axis_and_finalite_are_errors(plan):
    action = plan.actions[0].model_dump()
    with pytest.raises(ValidationError, match="axe « securite » inconnu"):
        Action.model_validate({**action, "axis": "securite"})
    with pytest.raises(ValidationError, match="finalité\\(s\\) inconnue\\(s\\) : sport"):
        Action.model_validate({**action, "finalites": ["sport"]})


def test_calendar_needs_months_or_phases_in_order(plan):
    action = plan.actions[0].model_dump()
    with pytest.raises(ValidationError, match="mois de début et un mois de fin"):
        Action.model_validate({**action, "calendar": {}})
    with pytest.raises(ValidationError, match="finit \\(mois 2\\) avant de commencer \\(mois 5\\)"):
        Action.model_validate({**action, "calendar": {"start_month": 5, "end_month": 2, "phases": []}})
    phased = Action.model_validate({**action, "calendar": {"phases": [
        {"label": "préparation", "start_month": 2, "end_month": 4}, {"label": "action", "start_month": 5,
                                                                     "end_month": 20}]}})
    assert (phased.calendar.start_month, phased.calendar.end_month) == (2, 20)


def test_json_round_trip_is_exact(plan):
    from assistant.plans.export import to_json

    text = to_json(plan)
    again = ActionPlan.model_validate_json(text)
    assert again == plan and to_json(again) == text


def test_same_profile_same_plan(planner, plan):
    assert planner.draft(GOOD) == plan


def test_a_profile_model_instance_is_accepted_as_is(planner, plan):
    assert planner.draft(Profile.model_validate(GOOD)) == plan


def test_terse_fiches_still_give_concrete_actions_and_a_missing_axis_is_a_french_error(tmp_path):
    import shutil

    from assistant.errors import ConfigurationError

    small = Path(__file__).resolve().parents[1] / "data" / "knowledge"
    shutil.copytree(small, tmp_path / "knowledge")
    settings = Settings(_env_file=None, knowledge_dir=tmp_path / "knowledge", call_id="test-call")
    criteria = load_criteria(settings.call_dir)  # the test call: three axes, its own finalités and applicants
    profile = {**GOOD, "kind": "syndicat mixte", "priority_finalites": ["soutien_educatif", "vie_de_quartier"]}
    with pytest.raises(ConfigurationError, match="aucune fiche de bonne pratique pour l'axe 1 « Repérer"):
        Planner(criteria, load_practices(settings.knowledge_dir), kb=None).draft(profile)
    # one more short fiche (a copy of a test one) on the missing axis: every action they give is concrete
    folder = tmp_path / "knowledge" / "practices"
    text = (folder / "alpha.md").read_text(encoding="utf-8")
    text = text.replace("id: alpha", "id: gamma").replace("axes: [accompagnement]", "axes: [reperage]")
    (folder / "gamma.md").write_text(text, encoding="utf-8")
    plan = Planner(criteria, load_practices(settings.knowledge_dir), kb=None).draft(profile)
    assert [a.axis for a in plan.actions] == ["reperage", "accompagnement", "animation"]
    assert all(a.is_concrete for a in plan.actions)
    assert all(len(a.description.split()) >= 25 for a in plan.actions)
    assert plan.profile.kind == "syndicat" and "Grandval, syndicat mixte de 18 000 habitants" in plan.summary
    assert plan.actions[0].lead.startswith("service de la vie locale")  # the axis's lead service, from the pack
