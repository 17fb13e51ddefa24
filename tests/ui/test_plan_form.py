"""The plan form's French validation and its example profiles (no browser: the callbacks' functions)."""

from __future__ import annotations

import pytest

from assistant.errors import InvalidInput
from assistant.plans import load_profile
from assistant.plans.profile import profile_from_form as checked_profile
from ui.plan import example_profiles, form_from_profile, profile_from_form


def test_an_empty_form_names_each_field_by_its_french_label_and_no_english_reaches_the_user():
    with pytest.raises(InvalidInput) as caught:
        checked_profile(profile_from_form("", None, None, None, "", "", "", "", []))
    message = str(caught.value)
    for label in ("« Nom de la collectivité »", "« Type de collectivité »", "« Nombre d'habitants »",
                  "« Nombre de quartiers prioritaires (QPV) »", "« Tranche d'âge visée »", "« Finalités prioritaires »"):
        assert label in message, label
    for internal in ("« name »", "« kind »", "« population »", "qpv_count", "Value ", "less than", "Error"):
        assert internal not in message, internal


def test_bad_numbers_and_duration_are_said_in_french_with_the_label():
    values = profile_from_form("Commune de Test", "commune", 0.0, -1.0, "", "", "11-17", "", ["prevenir_entree"],
                               colleges=2.5, budget_eur=-10.0, duration_months=18)
    with pytest.raises(InvalidInput) as caught:
        checked_profile(values)
    message = str(caught.value)
    assert "« Nombre d'habitants » : doit être supérieur ou égal à 1" in message
    assert "« Nombre de collèges » : doit être un nombre entier" in message
    assert "« Enveloppe demandée (euros) » : doit être supérieur ou égal à 0" in message
    assert "« Durée du plan (mois) » : durée « 18 » non proposée : choisissez 12, 24 ou 36 mois" in message


def test_each_example_profile_fills_the_form_in_one_click_and_round_trips():
    examples = example_profiles()
    assert len(examples) >= 6 and all(label and not label.endswith(",") for label, _ in examples)
    for _, path in examples:
        profile = load_profile(path)
        values = form_from_profile(profile)
        assert checked_profile(profile_from_form(*values)) == profile
