"""The call's own data as evidence: what `criteria.yaml` and `facts.yaml` establish (who may apply, the deadline,
how to apply, the axes and how many, the minimum of actions), each as a sentence the checker compares a text with,
and the counts they give (« quatre axes », « cinq finalités »).

Everything comes from the call pack: another call gives other sentences, in the same words.

>>> [s.text for s in criteria_statements(criteria)][:2]                         # doctest: +SKIP
["L'appel s'adresse aux communes et aux intercommunalités.", 'Les dossiers sont à déposer avant le 30 avril 2024.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..criteria import NUMBER_WORDS, CallCriteria
from .structure import noun_key

ANSWER_OPENING = re.compile(r"^(?:oui|non)\s*[:,;]\s*", re.I)


@dataclass(frozen=True)
class CallStatement:
    text: str  # what the call's data say, as a sentence
    evidence: str  # what establishes it: the call's own words, or the data of criteria.yaml


def _plural(label: str) -> str:
    """« commune » → « communes », « syndicat mixte » → « syndicats mixtes » (up to the first preposition)."""
    words = label.split()
    for i, word in enumerate(words):
        if word.lower() in {"de", "du", "des", "d'", "à", "au", "aux", "en", "pour"} or "'" in word:
            break
        words[i] = word if word[-1] in "sxz" else word + "s"
    return " ".join(words)


def _words(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def _join(items: list[str], last: str = "et") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def criteria_statements(criteria: CallCriteria) -> list[CallStatement]:
    """The call's requirements (criteria.yaml) said as sentences."""
    axes, finalites, minimum = len(criteria.axes), len(criteria.finalites), criteria.min_actions_per_axis
    applicants = [f"aux {_plural(a.label)}" for a in criteria.eligible_applicants]
    out = [
        CallStatement(f"L'appel compte {criteria.axes_count_words()} d'intervention.",
                      "Axes : " + " ; ".join(f"{a.number}. {a.short}" for a in criteria.axes) + "."),
        CallStatement(f"L'appel vise {_words(finalites)} finalités.",
                      "Finalités : " + " ; ".join(f.label for f in criteria.finalites) + "."),
        CallStatement(f"L'appel s'adresse {_join(applicants)}.",
                      "Candidats : " + ", ".join(a.label for a in criteria.eligible_applicants) + "."),
        CallStatement(f"Les dossiers sont à déposer avant le {criteria.deadline_fr}.",
                      f"Date limite : {criteria.deadline_fr}."),
        CallStatement(f"Le dépôt se fait {criteria.submission.mode}, sur la plateforme {criteria.submission.platform}.",
                      f"Dépôt : {criteria.submission.mode}, {criteria.submission.platform} ({criteria.submission.url})."),
        CallStatement(f"Le projet comporte au moins {minimum} action concrète dans chacun des {axes} axes.",
                      f"Au moins {minimum} action concrète par axe, {axes} axes."),
        CallStatement(f"L'appel vise {finalites} finalités : " + " ; ".join(f.label for f in criteria.finalites) + ".",
                      "Finalités : " + " ; ".join(f.label for f in criteria.finalites) + "."),
    ]
    # each axis by its rank: « le troisième axe de l'appel est de lutter contre l'attractivité des réseaux criminels »
    out += [CallStatement(f"Le {ORDINAL_WORDS.get(a.number, f'{a.number}e')} axe de l'appel est de {a.label}.",
                          f"Axe {a.number} : {a.label}.") for a in criteria.axes]
    return out


ORDINAL_WORDS = {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième", 6: "sixième",
                 7: "septième", 8: "huitième", 9: "neuvième"}


def fact_statements(statements: dict[str, list[str]]) -> list[CallStatement]:
    """The call facts' sentences (`CallFacts.statements`: sentence -> the call's quotes), without a « Oui : » or
    « Non : » that answers a question."""
    out = []
    for sentence, quotes in statements.items():
        text = ANSWER_OPENING.sub("", sentence).strip()
        if text and quotes:
            evidence = " … ".join(f"« {q.strip()} »" for q in quotes)
            out.append(CallStatement(text[0].upper() + text[1:], evidence))
            head, _, tail = text.partition(" : ")
            if " ; " in tail:  # a sentence that enumerates (the axes, the finalités): also said without the list
                out.append(CallStatement(head[0].upper() + head[1:] + ".", evidence))
    return list({s.text: s for s in out}.values())


def call_counts(criteria: CallCriteria) -> dict[tuple[int, str], str]:
    """(number, noun key) -> why it holds, for the counts the call's data give."""
    counts = {(len(criteria.axes), noun_key("axes")): f"l'appel compte {len(criteria.axes)} axes",
              (len(criteria.finalites), noun_key("finalités")): f"l'appel compte {len(criteria.finalites)} finalités"}
    counts[(criteria.min_actions_per_axis, noun_key("actions"))] = (
        f"l'appel demande au moins {criteria.min_actions_per_axis} action par axe")
    return counts


def call_statements(criteria: CallCriteria, statements: dict[str, list[str]] | None = None) -> list[CallStatement]:
    """Everything the call's data say: the call facts' sentences (`statements`), then those of criteria.yaml."""
    return fact_statements(statements or {}) + criteria_statements(criteria)
