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
CLOSEST_FICHES = 2  # fiches that answer a precise request, before the axes
CLOSEST_SEARCHED = 4  # passages searched over all fiches for them
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
    closest: list[int] = field(default_factory=list)  # picks of the fiches closest to the whole request, shown first


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
            if _add_pick(sources, axis, passage.doc_id, [p for p in found if p.doc_id == passage.doc_id], query,
                         retriever, scorer, ages, glossary):
                used_docs.add(passage.doc_id)
                taken += 1
    if len(axes) > 1 and not query.generic_request:
        sources.closest = _closest_picks(query, retriever, scorer, sources, ages, proven, glossary)
    return sources


def _add_pick(sources: ActionSources, axis: str, doc_id: str, found: list[Passage], query: Query,
              retriever: HybridRetriever, scorer: SentenceScorer, ages: dict[str, tuple[int, int] | None],
              glossary: Glossary | None, what_it_is: bool = False) -> bool:
    """The fiche's best sentence for the request (`_best_sentence`), added as a pick of `axis`."""
    best = _best_sentence(doc_id, found, query, retriever, scorer, ages, glossary, what_it_is)
    if best is None:
        return False
    passage, sentence = best
    sources.passages.append(passage)
    sources.picks.append((axis, ScoredSentence(sentence.text, len(sources.passages) - 1, sentence.score)))
    return True


def _best_sentence(doc_id: str, found: list[Passage], query: Query, retriever: HybridRetriever,
                   scorer: SentenceScorer, ages: dict[str, tuple[int, int] | None], glossary: Glossary | None,
                   what_it_is: bool) -> tuple[Passage, ScoredSentence] | None:
    """The fiche's sentence closest to the request among those that say what to do (`what_it_is`: or what the
    programme is, for a fiche that answers the request itself), none that excludes the asked ages."""
    vector = list(query.vector)
    described = [p for p in found if p.section.lower().startswith(IDEA_SECTIONS)] if what_it_is else []
    candidates = described or _idea_passages(found) or _idea_passages(
        retriever.search(query.text, k=4, filters=Filters(doc_id=doc_id), vector=vector))
    best = next((s for s in scorer.score(query.text, vector, candidates)  # nor one for other ages
                 if is_answer_sentence(s.text) and not EXCLUDING.search(s.text)
                 and fits_ages(query.ages, fiche_ages(s.text))
                 and not names_a_programme_for_other_ages(s.text, query.ages, glossary, ages)), None) \
        if candidates else None
    return (candidates[best.passage_index], best) if best is not None else None


def _closest_picks(query: Query, retriever: HybridRetriever, scorer: SentenceScorer, sources: ActionSources,
                   ages: dict[str, tuple[int, int] | None], proven: frozenset[str],
                   glossary: Glossary | None) -> list[int]:
    """« Vers quels lieux d'écoute orienter un garçon de 14 ans ? »: the fiches that answer the request itself lead,
    before the axes. They are the first fiches that retrieval over all fiches finds (by meaning and words alike), up to
    CLOSEST_FICHES, each with its axis among those asked; one already picked under an axis moves up when that axis
    keeps another pick."""
    found = [p for p in retriever.search(query.text, k=CLOSEST_SEARCHED, filters=Filters(kind=Kind.PRACTICE.value),
                                         vector=list(query.vector))
             if fits_ages(query.ages, ages.get(p.doc_id)) and (not query.proven_only or p.doc_id in proven)]
    if not any(p.similarity for p in found):  # found by words alone: too weak a sign of what the request is about
        return []
    closest: list[int] = []
    docs = list(dict.fromkeys(p.doc_id for p in found))[:CLOSEST_FICHES]
    # the first fiche by words and meaning together; a second one only when its meaning is close too
    docs = docs[:1] + [d for d in docs[1:] if any(p.similarity for p in found if p.doc_id == d)]
    for doc_id in docs:
        picked = next((i for i, (_, s) in enumerate(sources.picks)
                       if sources.passages[s.passage_index].doc_id == doc_id), None)
        if picked is None:
            passages = [p for p in found if p.doc_id == doc_id]
            axis = next((a for a in passages[0].axes if a in sources.axes), None)
            if axis is None or not _add_pick(sources, axis, doc_id, passages, query, retriever, scorer, ages, glossary,
                                             what_it_is=True):
                continue
            picked = len(sources.picks) - 1
        else:
            axis = sources.picks[picked][0]
            if sum(1 for i, (a, _) in enumerate(sources.picks) if a == axis and i not in closest) <= 1:
                continue  # moved up, it would leave its axis empty
            described = _best_sentence(doc_id, [p for p in found if p.doc_id == doc_id], query, retriever, scorer,
                                       ages, glossary, what_it_is=True)
            if described is not None:  # what the programme is, where the request is what it answers
                sources.passages[picked] = described[0]
                sources.picks[picked] = (axis, ScoredSentence(described[1].text, picked, described[1].score))
        closest.append(picked)
    return closest


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
    order = closest + [i for i in range(len(sources.picks)) if i not in closest]
    numbered = {i: (sources.picks[i][1].text, citations.cite(sources.passages[sources.picks[i][1].passage_index],
                                                              sources.picks[i][1].text)) for i in order}
    audience = (f" pour les {ages[0]}-{ages[1]} ans" if ages[0] != ages[1] else f" pour les jeunes de {ages[0]} ans") \
        if ages else ""
    audience += " dont l'efficacité a été évaluée (niveau de preuve « probant »)" if proven_only else ""
    names = list(dict.fromkeys(short_title(p.title) for p in sources.passages))
    first = list(dict.fromkeys(short_title(sources.passages[sources.picks[i][1].passage_index].title) for i in closest))
    names = first + [n for n in names if n not in first]  # the closest fiches' names first
    # a lead-in (it ends with « : »), so that the quick check weighs the cited lines below, not this summary
    if len(sources.axes) == 1:  # « pour l'axe 2 je mets quoi ? »: what the call puts under it, in its own words
        meta = criteria.axis(sources.axes[0])
        audience = f" pour l'axe {meta.number} de l'appel (« {meta.label} »){audience},"
    lead = f"Pistes d'actions{audience} tirées des fiches de bonnes pratiques"
    listed = f" ({', '.join(names)})" if names else ""

    def line(i: int) -> str:
        axis, sentence = sources.picks[i]
        text, n = numbered[i]
        return f"**{sources.passages[sentence.passage_index].title}** (axe {criteria.axis(axis).number}) : {text} [{n}]"

    if not closest:
        parts = [f"{lead}{listed}, axe par axe :"]
    else:  # the request answered in the lead-in's sentence: the piste that fits it best
        parts = [f"{lead}{listed} ; la plus proche de la demande : {line(closest[0])}"]
        if len(closest) > 1:
            parts.append("\nAutres pistes proches de la demande :")
            parts += [f"- {line(i)}" for i in closest[1:]]
        parts.append("\nPuis, axe par axe :")
    for axis in sources.axes:
        meta = criteria.axis(axis)
        parts.append(f"\n### Axe {meta.number} — {meta.short}")
        entries = [(i, s) for i, (a, s) in enumerate(sources.picks) if a == axis and i not in closest]
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
