"""« Quelles actions pour… » questions: for each axis (or the one asked), two or three actions from the fiches."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..criteria import CallCriteria
from ..documents import Kind
from ..retrieval import Filters, HybridRetriever, Passage
from ..text_fr import analyse
from .extractive import ScoredSentence, SentenceScorer, cite
from .models import Answer

ACTION_REQUEST = re.compile(
    r"(\b(quelles?|quels?|des|d'|d’|autres?|exemples? d['’])\s*(actions?|idées?|pistes?|initiatives?)\b)"
    r"|(\bpropos\w*\b.*\b(actions?|idées?|pistes?)\b)|(\bque (faire|mettre en place|proposer)\b)"
    r"|(\bidées?\b.*\baxe\b)", re.I)
AXIS_WORDS = {
    "pilotage": ("pilotage", "mobiliser les acteurs", "gouvernance", "concevoir le projet"),
    "protection": ("protéger", "protection", "parentalité", "compétences psychosociales"),
    "attractivite": ("attractivité", "attractivite", "image positive", "contre-discours"),
    "alternatives": ("alternatives", "occuper le terrain", "espace public", "insertion"),
}
ACTIONS_PER_AXIS = 3
NO_FICHE_FOR_AXIS = "Aucune fiche ne correspond à cet axe pour cette question."


# Words of a request for ideas that name no subject ("Quelles actions proposer pour notre commune ?"), as stems.
GENERIC_REQUEST_WORDS = frozenset(analyse(
    "quelles actions idées pistes initiatives exemples proposer propositions faire mettre place mener concrètes "
    "notre nos commune communes ville intercommunalité territoire collectivité projet dossier appel axe axes "
    "pourrait pourrions pourriez pouvons peut-on possibles envisager autre autres"))


def is_action_request(question: str) -> bool:
    return bool(ACTION_REQUEST.search(question))


def is_generic_request(question: str) -> bool:
    """A request for ideas whose only subject is the call itself: every word is a request word (or an axis number)."""
    return is_action_request(question) and all(w in GENERIC_REQUEST_WORDS or w.isdigit() for w in analyse(question))


def requested_axes(question: str, criteria: CallCriteria) -> list[str]:
    """Axes named in the question ("axe 3", "l'attractivité"); all of them when none is."""
    text = question.lower()
    named = [criteria.axes[int(n) - 1].id for n in re.findall(r"\baxe\s*n?°?\s*([1-9])\b", text)
             if int(n) <= len(criteria.axes)]
    named += [axis for axis, words in AXIS_WORDS.items() if any(w in text for w in words) and axis in criteria.axis_ids]
    return list(dict.fromkeys(named)) or criteria.axis_ids


@dataclass
class ActionSources:
    """The fiche passages chosen for a request for ideas: per requested axis, up to ACTIONS_PER_AXIS fiches, each
    with its sentence closest to the request."""

    axes: list[str]
    passages: list[Passage] = field(default_factory=list)
    picks: list[tuple[str, ScoredSentence]] = field(default_factory=list)  # (axis, sentence of passages[i])


def pick_action_sources(question: str, retriever: HybridRetriever, scorer: SentenceScorer,
                        query_vector: list[float], axes: list[str]) -> ActionSources:
    sources = ActionSources(axes=list(axes))
    used_docs: set[str] = set()
    for axis in axes:
        found = retriever.search(question, k=12, filters=Filters(axis=axis, kind=Kind.PRACTICE.value))
        found = [p for p in found if p.axes and p.axes[0] == axis] or found  # fiches whose main axis it is first
        taken = 0
        for passage in found:
            if passage.doc_id in used_docs or taken >= ACTIONS_PER_AXIS:
                continue
            candidates = [p for p in found if p.doc_id == passage.doc_id and "Fiche en bref" not in p.section] or [passage]
            scored = scorer.score(question, query_vector, candidates)
            if not scored:
                continue
            best = scored[0]
            sources.passages.append(candidates[best.passage_index])
            sources.picks.append((axis, ScoredSentence(best.text, len(sources.passages) - 1, best.score)))
            used_docs.add(passage.doc_id)
            taken += 1
    return sources


def compose_actions(sources: ActionSources, criteria: CallCriteria, notice: str | None = None) -> Answer:
    """The offline answer: per axis, the chosen fiches with their sentence, cited."""
    lines, citations = cite([s for _, s in sources.picks], sources.passages)
    numbered = dict(zip(range(len(sources.picks)), lines))
    parts = ["Pistes d'actions tirées des fiches de bonnes pratiques, axe par axe :"]
    for axis in sources.axes:
        meta = criteria.axis(axis)
        parts.append(f"\n### Axe {meta.number} — {meta.short}")
        entries = [(i, s) for i, (a, s) in enumerate(sources.picks) if a == axis]
        if not entries:
            parts.append(NO_FICHE_FOR_AXIS)
        for i, sentence in entries:
            text, n = numbered[i]
            parts.append(f"- **{sources.passages[sentence.passage_index].title}** : {text} [{n}]")
    return Answer(answer="\n".join(parts), mode="none", citations=citations, notice=notice)


def axes_left_out(text: str, axes: list[str], criteria: CallCriteria) -> list[int]:
    """Numbers of the requested axes that have no « Axe N » heading in a model's answer."""
    present = {int(n) for n in re.findall(r"^\s*#{0,4}\s*\**\s*axe\s*n?°?\s*([1-9])\b", text, re.I | re.M)}
    return [criteria.axis(a).number for a in axes if criteria.axis(a).number not in present]
