"""Every action template of every fiche: the collectivity's own action, complete steps, sane ages, roles in the
call's actor vocabulary (never another territory's organisation), and a cost only with its source's figure."""

from __future__ import annotations

import re

import pytest

from assistant.config import Settings
from assistant.criteria import load_criteria
from assistant.loaders import load_practices
from assistant.plans.actors import ActorMatcher
from assistant.plans.selection import age_ranges
from assistant.text_fr import fold

SETTINGS = Settings(_env_file=None)
PRACTICES = load_practices(SETTINGS.knowledge_dir)
MATCHER = ActorMatcher(load_criteria(SETTINGS.call_dir))
# fiches that are guidance for the whole plan, not an action of their own (the planner never picks them)
GUIDANCE_ONLY = {"cofinancements", "evaluation-plan-local", "limits", "peur-ne-protege-pas"}
# places and organisations the fiches cite as examples: they stay examples, never a partner elsewhere
EXAMPLE_PLACES = ("CoDES 06", "Loos", "Sarcelles", "Lille", "Laval", "Villeurbanne", "Brest", "Sète", "Melun",
                  "Valbonne", "Manche", "Moselle", "Sauvegarde 71", "Cedr'Agir", "Grenoble", "Haute-Vienne", "Oppelia")
INFINITIVE = re.compile(r"^[A-ZÉÈÀÂÎÔÛ][a-zéèêëàâîïôûç]+(er|ir|re|oir)$")
TEMPLATES = [(p, i, t) for p in PRACTICES for i, t in enumerate(p.meta.actions)]


def test_every_action_fiche_has_templates_and_only_guidance_fiches_have_none():
    assert {p.meta.id for p in PRACTICES if not p.meta.actions} == GUIDANCE_ONLY
    assert len(TEMPLATES) >= 40


@pytest.mark.parametrize("practice,index,template", TEMPLATES, ids=[f"{p.meta.id}-{i}" for p, i, _ in TEMPLATES])
def test_template(practice, index, template):
    # the title is the collectivity's action: a verb, never the fiche's title nor a numbered heading
    assert template.title != practice.meta.title and not re.match(r"^\d", template.title)
    assert INFINITIVE.match(template.title.split()[0]), template.title
    # complete, short sentences
    for step in template.steps:
        assert step[0].isupper() and step.endswith(".") and not step.endswith(":."), step
        assert 5 <= len(step.split()) <= 40 and " ; " not in step, step
    # ages within what the fiche describes (when its public names ages), never a single age
    assert template.ages.max - template.ages.min >= 1
    named = age_ranges(practice.meta.public)
    if named and template.ages.span != (0, 30):
        assert any(lo <= template.ages.max and template.ages.min <= hi for lo, hi in named), named
    # roles from the call's actor vocabulary, with no example territory's organisation
    for role in [template.lead, *template.partners]:
        assert MATCHER.category_of(role), f"rôle hors du vocabulaire des acteurs : {role}"
        assert not re.search(r"\d", role) and not any(place in role for place in EXAMPLE_PLACES), role
    assert len({MATCHER.category_of(r) for r in template.partners}) >= 1
    assert template.indicators and template.duration_months >= 1
    # a cost range or a funder's ceiling only with its figure in the fiche's own sourced text; else items to cost
    body = " ".join(practice.body.replace("\u202f", " ").replace("\u00a0", " ").split())
    if template.cost is not None:
        for amount in {template.cost.low, template.cost.high}:
            assert f"{amount:,} €".replace(",", " ") in body, amount
    for ceiling in template.funding:
        assert f"{ceiling.max_eur:,}".replace(",", " ") in body, ceiling
    assert template.cost is not None or template.cost_items
    assert "{ages}" in template.public or not re.search(r"\d+ ans", template.public)


def test_conditions_use_the_known_vocabulary_and_fit_the_fiche():
    by_id = {p.meta.id: p for p in PRACTICES}
    assert "qpv" in by_id["vvv-quartiers-ete"].meta.actions[0].requires
    assert "logement_social" in by_id["reappropriation-halls"].meta.actions[0].requires
    assert "college" in by_id["unplugged"].meta.actions[0].requires
    # a roles' category is what it names, not the word « association »
    assert MATCHER.category_of("association de prévention spécialisée") == "departement"
    assert fold("Éducation nationale") in fold(by_id["unplugged"].meta.actions[0].partners[0])
