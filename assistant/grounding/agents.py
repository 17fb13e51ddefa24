"""Who does what: « le CISPD est présidé par le préfet » needs a passage where the préfet presides, not one that
names the préfet elsewhere (« présidé par le président de l'EPCI, … où le maire réunit le préfet »).

A sentence's passive verb and its agent (« présidé par le préfet », « financées principalement par les conseils
régionaux ») are looked for in the passage: where the passage uses the same verb, the agent's words must be in that
clause (or one of the next two that opens with « par »: « porté, depuis 2019, par … »); where it does not, anywhere in the passage.
A clause that uses the verb without naming anyone does not contradict an agent the passage gives elsewhere.

>>> names = lambda text: {k for k in ("préfet", "EPCI") if k.lower() in text.lower()}
>>> agent_mismatch("Le CISPD est présidé par le préfet.", "Le CISPD, présidé par le président de l'EPCI, réunit le préfet.",
...                names)
'« présidé par le préfet » : le passage ne le dit pas de « préfet »'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ..text_fr import analyse
from .details import CLAUSE_BREAK

# a past participle (« présidé », « financées », « conduit »), an adverb perhaps, « par », then the agent's words
PASSIVE_AGENT = re.compile(
    r"\b([^\W\d_]{3,}(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|it|ite|its|ites))\s+(?:[^\W\d_]+ment\s+)?par\s+"
    r"(?:(?:les|le|la|une|un|des|son|sa|ses|leurs|leur)\s+|l['’]\s*)?([^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2})",
    re.I)
# whom a thing is for (or is entrusted to): « l'appel s'adresse aux départements », « réservé aux communes », « une
# mission confiée au département »
RECIPIENT = re.compile(
    r"\b(s['’]adress\w*|destin\w*|réserv\w*|ouvert\w*|confi[ée]\w*)\s+(?:uniquement\s+|exclusivement\s+|seulement\s+)?"
    r"(?:aux|au|à\s+la|à\s+l['’]|à)\s*([^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2})", re.I)
# whom an aid goes to: « un accompagnement financier et méthodologique aux communes », « une subvention à la commune »
AID_RECIPIENT = re.compile(
    r"\b((?:accompagnement|soutien|aide|appui|financement|subvention|cofinancement)s?)(?:\s+(?!aux?\b|à\b)[^\W\d_]+){0,4}"
    r"\s+(?:aux|au|à\s+la|à\s+l['’])\s*([^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2})", re.I)
AGENT_STOP = re.compile(r"\s+(?:de|du|des|d['’]|et|ou|en|à|au|aux|dans|pour|avec|sur|qui|que|depuis)\b.*$", re.I)


@lru_cache(maxsize=20_000)
def passive_agents(text: str) -> tuple[tuple[str, str, frozenset[str], frozenset[str]], ...]:
    """(verb and agent as written, agent words, verb stems, agent stems, whether it says whom rather than by whom)
    of each « <participle> par <agent> » and « s'adresse aux <recipients> »."""
    out = []
    for match in [*PASSIVE_AGENT.finditer(text), *RECIPIENT.finditer(text), *AID_RECIPIENT.finditer(text)]:
        agent = AGENT_STOP.sub("", match.group(2))
        verb, agent_terms = frozenset(analyse(match.group(1))), frozenset(analyse(agent))
        if verb and agent_terms:
            written = text[match.start():match.start(2)] + agent
            out.append((written, agent, verb, agent_terms, match.re is not PASSIVE_AGENT))
    return tuple(out)


@lru_cache(maxsize=50_000)
def _clauses(text: str) -> tuple[tuple[str, frozenset[str], bool], ...]:
    """(text, stems, opens with « par ») of each clause."""
    return tuple((part, frozenset(analyse(part)), part.strip().lower().startswith("par "))
                 for part in CLAUSE_BREAK.split(text))


def agent_mismatch(claim: str, unit: str, names: Callable[[str], set[str]] | None = None) -> str | None:
    """Why the passage does not give the sentence's agent of a passive verb (or whom a thing is for), or None.

    `names(text)`: the actors, acronyms and programmes a text names in any form (`EntityLexicon`), so that « l'ARS »
    and « l'agence régionale de santé » are one agent. Whom a thing is for is checked only when it is such a name
    (« les départements », « les communes »): a public said in other words (« les jeunes » for « les collégiens de
    11 à 14 ans ») is the similarity's and the ages' to judge."""
    agents = passive_agents(claim)
    if not agents:
        return None
    clauses = _clauses(unit)
    for written, agent, verb, agent_terms, recipient in agents:
        named = names(agent) if names else set()
        if recipient and not named:
            continue
        with_verb = [i for i, (_, terms, _) in enumerate(clauses) if verb & terms]
        if with_verb:  # in the verb's clause, or in one of the next two when it opens with « par » (an agent) or
            # whatever it opens with (whom: « s'adressent à trois publics : les jeunes… »)
            places = [" ".join([clauses[i][0], *(part for part, _, by in clauses[i + 1:i + 3] if by or recipient)])
                      for i in with_verb]
        else:
            places = [unit]
        if any(agent_terms <= frozenset(analyse(place)) or (named and named <= names(place)) for place in places):
            continue
        # a contradiction needs another actor in the verb's clause (« présidé par le président de l'EPCI »); a verb
        # whose clause names nobody (« des conduites addictives ») says nothing against an agent the passage names.
        # An agent the lexicon does not know (« une circulaire ») that the passage gives is left to the similarity.
        # (of such an agent, its head noun: « un essai-pilote » for « un essai-pilote mené »)
        given = named <= names(unit) if named else frozenset(analyse(agent.split()[0])) <= frozenset(analyse(unit))
        if given and not (with_verb and names and any(names(place) - named for place in places)):
            continue
        return f"« {written} » : le passage ne le dit pas de « {agent} »"
    return None
