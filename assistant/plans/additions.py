"""What a language model adds to a plan is checked like the rest: an action it wrote must rest on a fiche, say
something of its own and hold no placeholder; an objective's target must be a real one.

The drafter sends these reasons back to the model in the repair round, then drops what is still wrong and
completes the axes from the catalogue; the compliance report (`aap validate`) counts them as blocking errors.

>>> PLACEHOLDER.search("cible chiffrée") is not None, PLACEHOLDER.search("30 % des collégiens d'ici le mois 12")
(True, None)
"""

from __future__ import annotations

import re

from ..text_fr import fold
from .models import Action, Objective

# A text left to fill: « cible chiffrée », « à définir », « XX % », « [à compléter] », « TBD », « … » alone.
PLACEHOLDER = re.compile(
    r"\[(?!\s*\d+(?:\s*[,;]\s*\d+)*\s*\])[^\]]{0,60}\]|<[^>]{0,60}>|\{[^}]{0,60}\}|\bX{2,}\b|\bà (?:définir|compléter|préciser|déterminer|renseigner)\b"
    r"|\bcibles? chiffrées?\b|\bTBD\b|\bTODO\b|\bN/A\b|^\W*$|^(?:\.\.\.|…)$", re.I)


def placeholder_in(text: str) -> str | None:
    """The placeholder found in `text`, if any (an empty text is one)."""
    match = PLACEHOLDER.search(text.strip())
    return None if match is None else (match.group(0) or "texte vide")


def action_problems(action: Action, others: list[Action]) -> list[str]:
    """Why a model's action cannot count as it is (empty when it can). `others`: the plan's actions before it."""
    if action.origin != "llm":
        return []
    problems = []
    if not action.sources:
        problems.append("elle ne s'appuie sur aucune des fiches fournies (« sources » vide)")
    fields = [("titre", action.title), ("description", action.description), ("public", action.public),
              ("porteur", action.lead)] + [("partenaire", p) for p in action.partners] \
        + [("indicateur", i) for i in action.indicators]
    for label, text in fields:
        found = placeholder_in(text) if text else None
        if found:
            problems.append(f"le champ {label} contient un texte à remplir (« {found} »)")
            break
    same = next((o for o in others if _same_text(o.description, action.description)), None)
    if same is not None and action.description.strip():
        problems.append(f"sa description reprend mot pour mot celle de l'action « {same.title} »")
    return problems


def objective_problems(objective: Objective) -> list[str]:
    problems = []
    for label, text in (("cible", objective.target), ("indicateur", objective.indicator)):
        found = placeholder_in(text) if text else None
        if found:
            problems.append(f"son {label} est un texte à remplir (« {found} »)")
    return problems


def addition_problems(actions: list[Action], objectives: list[Objective]) -> list[str]:
    """One French sentence per action or objective that cannot count as it is."""
    lines = []
    for i, action in enumerate(actions):
        problems = action_problems(action, actions[:i])
        if problems:
            lines.append(f"L'action « {action.title} » proposée par le modèle ne peut pas compter telle quelle : "
                         + " ; ".join(problems) + ".")
    for objective in objectives:
        problems = objective_problems(objective)
        if problems:
            lines.append(f"L'objectif « {objective.statement} » n'est pas mesurable tel quel : "
                         + " ; ".join(problems) + ".")
    return lines


def _same_text(a: str, b: str) -> bool:
    return bool(a.strip()) and fold(a) == fold(b)
