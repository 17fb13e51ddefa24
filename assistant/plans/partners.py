"""An action's partners for a territory: the template's roles, one line per actor category, where the profile's
own partners replace the generic role they stand for.

A profile partner takes a role's place only when it is that role: same category for the institutions that are one
body (préfecture, parquet, PJJ, police or gendarmerie, bailleurs), same words for the broad categories (an
« association culturelle » is not the profile's « centres sociaux »; the CAF is not « Promeneurs du Net »).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text_fr import analyse, fold
from .actors import ActorMatcher

ZONE_FORCES = ("police_nationale", "gendarmerie")  # one category for a territory: the force of its zone
ONE_BODY = {"prefecture", "procureur", "pjj", "bailleurs", *ZONE_FORCES}
COUNCIL = re.compile(r"\b(clspd|cispd|conseil (local|intercommunal) de securite)")  # on folded text
TO_MOBILISE = "à mobiliser"


@dataclass
class PartnerLine:
    category: str
    engaged: list[str] = field(default_factory=list)  # the profile's partners
    roles: list[str] = field(default_factory=list)  # generic roles still to find

    def text(self) -> str:
        if not self.engaged:
            return _and(self.roles)
        extra = f" ({TO_MOBILISE} aussi : {', '.join(self.roles)})" if self.roles else ""
        return _and(self.engaged) + extra


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _stems(text: str) -> set[str]:
    return {s for s in analyse(re.sub(r"\(.*?\)", " ", text)) if len(s) > 2}


def group_of(category: str | None) -> str | None:
    return "forces" if category in ZONE_FORCES else category


def is_council(text: str) -> bool:
    return bool(COUNCIL.search(fold(text)))


def merge_partners(roles: list[str], profile_partners: list[str], lead: str, matcher: ActorMatcher,
                   category_labels: dict[str, str]) -> tuple[list[str], list[str]]:
    """(partners, new_partners): one text per category, the profile's partners first; the lead is not repeated."""
    lead_folded = fold(lead)
    lines: dict[str, PartnerLine] = {}
    for role in roles:
        if fold(role) in lead_folded:
            continue
        group = group_of(matcher.category_of(role)) or f"autre:{role}"
        lines.setdefault(group, PartnerLine(group)).roles.append(role)
    for partner in profile_partners:
        if is_council(partner):
            continue  # the prevention council steers the plan; it is not an action's partner
        line = lines.get(group_of(matcher.category_of(partner)) or "")
        if line is None:
            continue
        label = category_labels.get(line.category, "")
        fitting = [r for r in line.roles if line.category in ONE_BODY or
                   _stems(partner) <= _stems(r) | _stems(label) or _stems(r) <= _stems(partner)]
        if fitting:
            role = fitting[0]
            same = fold(partner) in fold(role) or _stems(role) <= _stems(partner) or _stems(partner) <= _stems(role)
            head, _, detail = role.partition("(")
            if detail and fold(partner) in fold(head):
                line.engaged.append(f"{partner} ({detail}")  # « police nationale (référent sûreté) »: keep the detail
            else:
                line.engaged.append(partner if same else f"{partner} ({role})")
            line.roles = [r for r in line.roles if r not in fitting]
        elif line.engaged and _stems(partner) & {s for e in line.engaged for s in _stems(e)}:
            line.engaged.append(partner)
    partners = [line.text() for line in lines.values()]
    new = [line.text() for line in lines.values() if not line.engaged]
    return partners, new
