"""« Quelles actions pour… » questions: for each axis (or the one asked), two or three actions from the fiches that
fit the question's constraints (an action whose own public excludes the asked ages is not proposed)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..criteria import CallCriteria
from ..documents import Kind
from ..glossary import Glossary
from ..retrieval import Filters, HybridRetriever, Passage
from .base import Citations, is_answer_sentence
from .extractive import ScoredSentence, SentenceScorer
from .models import Answer
from .query import Query

ACTIONS_PER_AXIS = 3
# where a fiche says what to do: its implementation first, else its description (never its indicators, partners or
# the summary of its front matter)
IDEA_SECTIONS = ("mise en œuvre", "description")
NO_FICHE_FOR_AXIS = "Aucune fiche ne correspond à cet axe pour cette question."
# a sentence that says what an action is *not* for (« ne concernent pas les 12-15 ans ») is no idea to propose
EXCLUDING = re.compile(r"\bne (?:concerne|concernent|s'adresse|s’adresse|s'adressent|s’adressent|vise|visent|convient|"
                       r"conviennent)\s+pas\b|\bpas adapté|\bréservé", re.I)
# a public named by its school level (« collégiens et lycéens absentéistes … ; jeunes de 16 à 18 ans ») spans its ages
SCHOOL_AGES = {"collégien": (11, 15), "lycéen": (15, 18), "CM1": (9, 10), "CM2": (10, 11)}
AGE_SPAN = re.compile(r"(\d{1,2})\s*(?:à|-|–)\s*(\d{1,2})\s*ans|(\d{1,2})\s*ans et plus|(\d{1,2})\s*ans")


def fiche_ages(public: str) -> tuple[int, int] | None:
    """The ages a fiche's public spans (« jeunes de 16 à 25 ans » → (16, 25)); None when it names none."""
    ages = [age for word, span in SCHOOL_AGES.items() if re.search(rf"\b{word}", public, re.I) for age in span]
    for low, high, plus, single in AGE_SPAN.findall(public):
        if low:
            ages += [int(low), int(high)]
        elif plus:
            ages += [int(plus), 25]
        elif single:
            ages.append(int(single))
    return (min(ages), max(ages)) if ages else None


def fits_ages(wanted: tuple[int, int] | None, public: tuple[int, int] | None) -> bool:
    """An action whose public does not meet the asked ages is not proposed for them."""
    return wanted is None or public is None or (public[0] <= wanted[1] and wanted[0] <= public[1])


@dataclass
class ActionSources:
    """The fiche passages chosen for a request for ideas: per requested axis, up to ACTIONS_PER_AXIS fiches, each
    with its sentence closest to the request."""

    axes: list[str]
    passages: list[Passage] = field(default_factory=list)
    picks: list[tuple[str, ScoredSentence]] = field(default_factory=list)  # (axis, sentence of passages[i])
    closest: int | None = None  # the pick of the fiche closest to the whole request, shown first


def _idea_passages(passages: list[Passage]) -> list[Passage]:
    """A fiche's passages that say what to do: its implementation first, else its description."""
    return ([p for p in passages if p.section.lower().startswith(IDEA_SECTIONS[0])]
            or [p for p in passages if p.section.lower().startswith(IDEA_SECTIONS)])


def pick_action_sources(query: Query, retriever: HybridRetriever, scorer: SentenceScorer, axes: list[str],
                        ages: dict[str, tuple[int, int] | None], proven: frozenset[str] = frozenset(),
                        glossary: Glossary | None = None) -> ActionSources:
    """Per axis, up to ACTIONS_PER_AXIS fiches that fit the question (its ages, its words), each with its sentence
    closest to the request. `ages`: the ages each fiche's public spans, by doc id; `proven`: the fiches whose
    evidence is « probant », the only ones kept when the question asks for evaluated actions; `glossary`: to tell
    a sentence that names a programme for other ages (« … missions locales, E2C, EPIDE … » for collégiens)."""
    sources = ActionSources(axes=list(axes))
    used_docs: set[str] = set()
    vector = list(query.vector)
    for axis in axes:
        found = retriever.search(query.text, k=12, filters=Filters(axis=axis, kind=Kind.PRACTICE.value))
        found = [p for p in found if fits_ages(query.ages, ages.get(p.doc_id))
                 and (not query.proven_only or p.doc_id in proven)]
        found = [p for p in found if p.axes and p.axes[0] == axis] or found  # fiches whose main axis it is first
        taken = 0
        for passage in found:
            if passage.doc_id in used_docs or taken >= ACTIONS_PER_AXIS:
                continue
            candidates = _idea_passages([p for p in found if p.doc_id == passage.doc_id]) or _idea_passages(
                retriever.search(query.text, k=4, filters=Filters(doc_id=passage.doc_id), vector=vector))
            if not candidates:
                continue
            best = next((s for s in scorer.score(query.text, vector, candidates)  # nor one for other ages
                         if is_answer_sentence(s.text) and not EXCLUDING.search(s.text)
                         and fits_ages(query.ages, fiche_ages(s.text))
                         and not names_a_programme_for_other_ages(s.text, query.ages, glossary, ages)), None)
            if best is None:
                continue
            sources.passages.append(candidates[best.passage_index])
            sources.picks.append((axis, ScoredSentence(best.text, len(sources.passages) - 1, best.score)))
            used_docs.add(passage.doc_id)
            taken += 1
    if len(axes) > 1 and not query.generic_request:
        sources.closest = _closest_pick(query, retriever, sources, ages, proven)
    return sources


def _closest_pick(query: Query, retriever: HybridRetriever, sources: ActionSources,
                  ages: dict[str, tuple[int, int] | None], proven: frozenset[str]) -> int | None:
    """« Des jeunes squattent les halls l'été » : the fiche on halls answers it before the axes do. The index of its
    pick, when retrieval over all fiches puts it first (by meaning and words alike) and its axis keeps another pick
    once it is moved up."""
    found = [p for p in retriever.search(query.text, k=3, filters=Filters(kind=Kind.PRACTICE.value),
                                         vector=list(query.vector))
             if fits_ages(query.ages, ages.get(p.doc_id)) and (not query.proven_only or p.doc_id in proven)]
    if not found or not found[0].similarity:  # found by its words alone: too weak a sign of what the request is about
        return None
    for i, (axis, sentence) in enumerate(sources.picks):
        if sources.passages[sentence.passage_index].doc_id == found[0].doc_id:
            others = sum(1 for a, _ in sources.picks if a == axis) - 1
            return i if i > 0 and others else None  # the very first pick already leads
    return None


def names_a_programme_for_other_ages(sentence: str, wanted: tuple[int, int] | None, glossary: Glossary | None,
                                     ages: dict[str, tuple[int, int] | None]) -> bool:
    return bool(wanted and glossary) and any(
        subject.fiche and not fits_ages(wanted, ages.get(subject.fiche)) for subject in glossary.find(sentence))


def short_title(title: str) -> str:
    """« Unplugged (programme CPS au collège) » → « Unplugged »: the name of the fiche's action, for a summary."""
    return re.split(r"\s+(?:\(|—|:)\s*", title, maxsplit=1)[0].strip()


def compose_actions(sources: ActionSources, criteria: CallCriteria, notice: str | None = None,
                    ages: tuple[int, int] | None = None, proven_only: bool = False) -> Answer:
    """The offline answer: per axis, the chosen fiches with their sentence, cited."""
    citations = Citations()
    closest = sources.closest
    order = ([closest] if closest is not None else []) + [i for i in range(len(sources.picks)) if i != closest]
    numbered = {i: (sources.picks[i][1].text, citations.cite(sources.passages[sources.picks[i][1].passage_index],
                                                              sources.picks[i][1].text)) for i in order}
    audience = (f" pour les {ages[0]}-{ages[1]} ans" if ages[0] != ages[1] else f" pour les jeunes de {ages[0]} ans") \
        if ages else ""
    audience += " dont l'efficacité a été évaluée (niveau de preuve « probant »)" if proven_only else ""
    names = list(dict.fromkeys(short_title(p.title) for p in sources.passages))
    # a lead-in (it ends with « : »), so that the quick check weighs the cited lines below, not this summary
    if closest is not None:  # its name first, its line before the axes
        first = short_title(sources.passages[sources.picks[closest][1].passage_index].title)
        names = [first] + [n for n in names if n != first]
    lead = f"Pistes d'actions{audience} tirées des fiches de bonnes pratiques" + (
        f" ({', '.join(names)})" if names else "") + (
        ", la plus proche de la demande d'abord :" if closest is not None else ", axe par axe :")
    parts = [lead]
    if closest is not None:
        axis, sentence = sources.picks[closest]
        text, n = numbered[closest]
        parts.append(f"- **{sources.passages[sentence.passage_index].title}** (axe {criteria.axis(axis).number}) : "
                     f"{text} [{n}]")
        parts.append("\nPuis, axe par axe :")
    for axis in sources.axes:
        meta = criteria.axis(axis)
        parts.append(f"\n### Axe {meta.number} — {meta.short}")
        entries = [(i, s) for i, (a, s) in enumerate(sources.picks) if a == axis and i != closest]
        if not entries:
            parts.append(NO_FICHE_FOR_AXIS)
        for i, sentence in entries:
            text, n = numbered[i]
            parts.append(f"- **{sources.passages[sentence.passage_index].title}** : {text} [{n}]")
    return Answer(answer="\n".join(parts), mode="none", citations=citations.all(), notice=notice)


def axes_left_out(text: str, axes: list[str], criteria: CallCriteria) -> list[int]:
    """Numbers of the requested axes that have no « Axe N » heading in a model's answer."""
    present = {int(n) for n in re.findall(r"^\s*#{0,4}\s*\**\s*axe\s*n?°?\s*([1-9])\b", text, re.I | re.M)}
    return [criteria.axis(a).number for a in axes if criteria.axis(a).number not in present]
