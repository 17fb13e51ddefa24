"""The shipped knowledge base: every fiche valid, the coverage the call needs, the call text word for word."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.criteria import load_criteria
from assistant.loaders import PRACTICE_SECTIONS, load_knowledge, load_practices, split_front_matter

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
SEED = ROOT.parent / "shared" / "seeds" / "000_5972d37cfff52236.txt"
PRACTICES = load_practices(KNOWLEDGE)
CRITERIA = load_criteria(KNOWLEDGE / "calls" / "mildeca-2024")


def test_at_least_forty_fiches_with_unique_ids():
    ids = [p.meta.id for p in PRACTICES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("practice", PRACTICES, ids=lambda p: p.meta.id)
def test_fiche_is_complete(practice):
    meta = practice.meta
    assert practice.path.stem == meta.id
    assert set(meta.axes) <= set(CRITERIA.axis_ids)
    assert set(meta.finalites) <= set(CRITERIA.finalite_ids)
    assert re.findall(r"^## (.+?)\s*$", practice.body, re.M) == list(PRACTICE_SECTIONS)
    assert 300 <= practice.word_count <= 900
    assert all(s.title and s.publisher for s in meta.sources)
    steps = practice.section("Mise en œuvre par une collectivité")
    assert len(re.findall(r"\w+", steps)) >= 60, "la mise en œuvre doit être concrète"
    assert practice.section("Indicateurs").count("- ") >= 1


def test_every_axis_is_the_main_axis_of_eight_fiches_and_every_finalite_has_five():
    main_axes = Counter(p.meta.axes[0] for p in PRACTICES)
    finalites = Counter(f for p in PRACTICES for f in p.meta.finalites)
    assert {a: main_axes[a] for a in CRITERIA.axis_ids} == {a: main_axes[a] for a in CRITERIA.axis_ids}
    assert all(main_axes[a] >= 8 for a in CRITERIA.axis_ids), main_axes
    assert all(finalites[f] >= 5 for f in CRITERIA.finalite_ids), finalites


def test_topics_the_issue_requires_are_covered():
    text = " ".join((p.meta.title + " " + p.body) for p in PRACTICES).lower()
    for topic in ["clspd", "diagnostic", "limits", "fipd", "unplugged", "good behavior game", "psfp", "primavera",
                  "tabado", "reaap", "cjc", "paej", "maison des adolescents", "prévention spécialisée",
                  "médiation sociale", "promeneurs du net", "réussite éducative", "psad", "mission locale",
                  "contrat d'engagement jeune", "e2c", "epide", "service civique", "tapaj", "chantiers éducatifs",
                  "argent de poche", "ville vie vacances", "quartiers d'été", "sport", "gusp", "bailleur",
                  "prévention situationnelle", "marches exploratoires", "gpo", "réseaux sociaux", "argent facile",
                  "évaluation"]:
        assert topic in text, topic


def test_reference_documents_exist():
    ids = {d.doc_id for d in load_knowledge(KNOWLEDGE)}
    assert {"mildeca-2024", "acteurs", "acronymes"} <= ids


def test_acteurs_covers_every_actor_category_of_the_call():
    _, body = split_front_matter((KNOWLEDGE / "reference" / "acteurs.md").read_text(encoding="utf-8"), Path("x"))
    for actor in CRITERIA.actors:
        assert actor.is_named_in(body), actor.id


@pytest.mark.skipif(not SEED.exists(), reason="le texte source de l'appel n'est pas à côté du dépôt")
def test_call_text_is_kept_word_for_word():
    _, call = split_front_matter((KNOWLEDGE / "calls" / "mildeca-2024" / "call.md").read_text(encoding="utf-8"),
                                 Path("x"))
    def words(text: str) -> list[str]:  # list markers, heading marks and emphasis are layout, not words
        text = re.sub(r"^\s*(?:[-•]|#+)\s+", "", text, flags=re.M).replace("*", "")
        return re.findall(r"[\w’'/:.-]+", text)

    assert words(SEED.read_text(encoding="utf-8")) == words(call)


def test_criteria_match_the_call():
    assert CRITERIA.axis_ids == ["pilotage", "protection", "attractivite", "alternatives"]
    assert len(CRITERIA.finalites) == 5
    assert str(CRITERIA.deadline) == "2024-04-30"
    assert CRITERIA.min_actions_per_axis == 1
    assert {a.id for a in CRITERIA.eligible_applicants} == {"commune", "intercommunalite"}
    assert len(CRITERIA.actors) >= 12
