"""What a territory has, as the action templates' conditions need it (`requires: [qpv, college, …]`).

A figure the profile gives wins; otherwise the profile's words decide (context, problems, partners). A condition the
profile says nothing about is not met: an action that needs a collège is not proposed to a territory that never
mentions one.

>>> from assistant.plans.profile import Profile
>>> facts = territory_facts(Profile.model_construct(qpv_count=0, colleges=None, context="Un point de deal près du "
...     "collège.", problems=[], existing_partners=[]))
>>> sorted(c for c, ok in facts.items() if ok)
['college', 'point_de_deal']
"""

from __future__ import annotations

import re

from ..practice_actions import Condition
from ..text_fr import fold
from .profile import Profile

CONDITION_LABELS: dict[str, str] = {
    "qpv": "un quartier prioritaire de la politique de la ville",
    "college": "un collège sur le territoire",
    "lycee": "un lycée professionnel ou un CFA",
    "logement_social": "des logements sociaux (un bailleur social)",
    "point_de_deal": "un point de deal ou un lieu de trafic identifié",
    "cite_educative": "une cité éducative labellisée",
}
# on folded text (accents and case removed)
_WORDS: dict[str, re.Pattern] = {
    "college": re.compile(r"\bcolleg"),
    "lycee": re.compile(r"\blycee|\bcfa\b|apprenti"),
    "logement_social": re.compile(r"bailleur|\bhlm\b|logement social|logements sociaux|\bhalls?\b|immeuble|residence"),
    "point_de_deal": re.compile(r"\bdeal|trafic|guet|revente|point de vente|livreur"),
    "cite_educative": re.compile(r"cite educative|cites educatives"),
}


def territory_facts(profile: Profile) -> dict[Condition, bool]:
    text = fold(" ".join([profile.context, *profile.problems, *profile.existing_partners]))
    facts = {name: bool(pattern.search(text)) for name, pattern in _WORDS.items()}
    facts["qpv"] = profile.qpv_count > 0
    facts["logement_social"] = facts["logement_social"] or profile.qpv_count > 0  # a QPV is social housing
    if profile.colleges is not None:
        facts["college"] = profile.colleges > 0
    return facts  # type: ignore[return-value]


def unmet(requires: list[str], facts: dict[str, bool]) -> list[str]:
    return [c for c in requires if not facts.get(c, False)]
