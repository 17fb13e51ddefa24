"""Which fiches fit a territory: per axis, rank the fiches against the profile, then pick two or three per axis.

Scores combine the search (the profile's situation, per axis: dense with one embedding for all axes, and BM25; each
problem on its own: BM25) with the fiches' front matter (priority finalités, ages, whether the fiche needs a quartier
prioritaire). Same profile, same store: same picks. Without a store the front matter alone ranks the fiches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..criteria import CallCriteria
from ..documents import Kind
from ..loaders import Practice
from ..knowledge_base import KnowledgeBase
from ..retrieval import Filters
from ..text_fr import analyse
from .conditions import territory_facts
from .profile import Profile
from .templates import Fit, best_fit

GOVERNANCE_FICHE = "clspd-cispd"  # always on the call's steering axis: the instance that carries the project
PER_AXIS_MIN, PER_AXIS_MAX = 2, 3
THIRD_PICK_RATIO = 0.55  # a third fiche on an axis only if it scores at least this share of the axis's best
SECONDARY_AXIS = 0.75  # a fiche counts less on an axis that is not its main one (the first of its `axes`)

AGE_RANGE = re.compile(r"(\d{1,2})\s*(?:-|–|à|et)\s*(\d{1,2})\s*ans|(\d{1,2})\s*ans\s+et\s+plus")
AGE_WORDS = {"collégien": (11, 15), "lycéen": (15, 18), "école élémentaire": (6, 11), "cm1": (9, 11),
             "cm2": (9, 11), "mineur": (10, 17)}
QPV_TERM = re.compile(r"quartiers? prioritaires?|\bqpv\b|politique de la ville", re.I)
QPV_HEDGE_BEFORE = re.compile(r"priorit|y compris|en particulier|notamment", re.I)


def age_ranges(public: str) -> list[tuple[int, int]]:
    """Age ranges a fiche's public names: « de 12 à 16 ans », « (8-12 ans) », « 15 ans et plus », « collégiens »."""
    found = []
    for match in AGE_RANGE.finditer(public):
        if match.group(3):
            found.append((int(match.group(3)), 30))
        else:
            found.append((int(match.group(1)), int(match.group(2))))
    if not found:
        lower = public.lower()
        found = [span for word, span in AGE_WORDS.items() if word in lower]
    return found


def age_overlap(public: str, wanted: tuple[int, int]) -> tuple[int, int] | None | bool:
    """The widest overlap of the fiche's ages with the profile's; None if the fiche names no age; False if disjoint."""
    ranges = age_ranges(public)
    if not ranges:
        return None
    overlaps = [(max(lo, wanted[0]), min(hi, wanted[1])) for lo, hi in ranges if max(lo, wanted[0]) <= min(hi, wanted[1])]
    if not overlaps:
        return False
    return max(overlaps, key=lambda span: (span[1] - span[0], -span[0]))


def needs_qpv(public: str) -> bool:
    """True when the fiche's public is a quartier prioritaire, without hedge (« en priorité », « ou des… »)."""
    for clause in re.split(r"[,;]", public):
        match = QPV_TERM.search(clause)
        if match and not QPV_HEDGE_BEFORE.search(clause[:match.start()]) and " ou " not in clause[match.end():]:
            return True
    return False


@dataclass
class Candidate:
    practice: Practice
    axis: str
    score: float = 0.0
    problems: list[str] = field(default_factory=list)  # the profile's problems this fiche came up for
    ages: tuple[int, int] | None = None
    forced: bool = False
    fit: Fit | None = None  # the fiche's action template filled for this territory

    @property
    def id(self) -> str:
        return self.practice.meta.id


def _ranks(doc_ids: Sequence[str]) -> dict[str, float]:
    """Rank score of each distinct fiche in a result list: 1/2, 1/3, 1/4…"""
    order = list(dict.fromkeys(doc_ids))
    return {doc: 1.0 / (rank + 2) for rank, doc in enumerate(order)}


class FicheSelector:
    def __init__(self, practices: Sequence[Practice], criteria: CallCriteria, kb: KnowledgeBase | None):
        self.practices, self.criteria, self.kb = list(practices), criteria, kb
        self._doc_of: dict[str, str] = {}
        self._doc_of_fp = ""

    @cached_property
    def _stems(self) -> dict[str, set[str]]:
        """Each fiche's word stems: how problems are matched when there is no store to search."""
        return {p.meta.id: set(analyse(p.body + " " + p.meta.public)) for p in self.practices}

    # -- search ------------------------------------------------------------------------------------------
    @staticmethod
    def situation_query(profile: Profile) -> str:
        low, high = profile.age_range
        parts = [profile.context, "; ".join(profile.problems), f"jeunes de {low} à {high} ans"]
        return " ".join(p for p in parts if p).strip()

    def _lexical(self, query: str, axis: str | None, k: int = 40) -> list[str]:
        """Fiche ids in BM25 order (no embedding: cheap enough to run once per axis and per problem)."""
        lexical = self.kb.lexical
        if lexical.fingerprint != self._doc_of_fp:
            self._doc_of = {info.id: info.doc_id for info in lexical.infos}
            self._doc_of_fp = lexical.fingerprint
        hits = lexical.search(query, k, allowed=lexical.mask(axis=axis, kind=Kind.PRACTICE.value))
        return [self._doc_of[chunk_id] for chunk_id, _ in hits]

    def _situation(self, query: str) -> dict[str, dict[str, float]]:
        """Per axis, each fiche's rank score for the situation: dense (one embedding for all axes) and BM25."""
        out: dict[str, dict[str, float]] = {axis: {} for axis in self.criteria.axis_ids}
        if self.kb is None or not query:
            return out
        vector = self.kb.embeddings.embed_query(query)
        for axis in self.criteria.axis_ids:
            where = Filters(axis=axis, kind=Kind.PRACTICE.value).chroma_where()
            dense = _ranks([hit.chunk.doc_id for hit in self.kb.store.query(vector, 30, where=where)])
            lexical = _ranks(self._lexical(query, axis))
            out[axis] = {doc: 0.5 * dense.get(doc, 0.0) + 0.5 * lexical.get(doc, 0.0) for doc in {*dense, *lexical}}
        return out

    def _problem_hits(self, profile: Profile) -> dict[str, dict[str, float]]:
        """For each problem, the fiches that come up first for it (BM25, else shared word stems)."""
        hits: dict[str, dict[str, float]] = {}
        for problem in profile.problems:
            if self.kb is not None:
                ranks = _ranks(self._lexical(problem, None, 20))
                hits[problem] = {doc: score for doc, score in ranks.items() if score >= 1 / 6}
            else:
                stems = set(analyse(problem))
                hits[problem] = {pid: 0.3 for pid, s in self._stems.items() if stems and stems <= s}
        return hits

    # -- ranking -------------------------------------------------------------------------------------------
    def rank(self, profile: Profile) -> dict[str, list[Candidate]]:
        situations = self._situation(self.situation_query(profile))
        problem_hits = self._problem_hits(profile)
        facts = territory_facts(profile)
        fits = {p.meta.id: best_fit(p, profile.age_range, facts) for p in self.practices}
        ranked: dict[str, list[Candidate]] = {}
        for axis in self.criteria.axis_ids:
            situation = situations[axis]
            candidates = []
            for practice in self.practices:
                meta = practice.meta
                if axis not in meta.axes or (fits[meta.id] is None and meta.id != GOVERNANCE_FICHE):
                    continue  # no template of this fiche suits the territory's ages or conditions
                matched = [p for p, docs in problem_hits.items() if meta.id in docs]
                score = situation.get(meta.id, 0.0) + 0.7 * sum(problem_hits[p][meta.id] for p in matched)
                score += 0.15 * min(2, len(set(meta.finalites) & set(profile.priority_finalites)))
                score *= 1.0 if meta.axes[0] == axis else SECONDARY_AXIS
                overlap = age_overlap(meta.public, profile.age_range)
                if overlap is False:
                    score *= 0.35
                if needs_qpv(meta.public):
                    score *= 1.1 if profile.qpv_count else 0.3
                fit = fits[meta.id]
                candidates.append(Candidate(practice, axis, round(score, 6), matched,
                                            fit.ages if fit else None, fit=fit))
            candidates.sort(key=lambda c: (-c.score, c.id))
            ranked[axis] = candidates
        return ranked

    # -- picking -------------------------------------------------------------------------------------------
    def pick(self, profile: Profile, ranked: dict[str, list[Candidate]]) -> dict[str, list[Candidate]]:
        """Two or three fiches per axis, never the same fiche twice, every priority finalité served if possible."""
        picks: dict[str, list[Candidate]] = {axis: [] for axis in ranked}
        used: set[str] = set()

        def take(candidate: Candidate) -> None:
            picks[candidate.axis].append(candidate)
            used.add(candidate.id)

        governance = next((c for c in ranked.get(self.criteria.steering_axis, []) if c.id == GOVERNANCE_FICHE), None)
        if governance is not None:
            governance.forced = True
            take(governance)
        order = self.criteria.axis_ids

        def best_open(limit: int, good_enough=lambda axis, c: True) -> Candidate | None:
            """The best unused candidate over the axes that have fewer than `limit` picks (a fiche that fits two
            axes goes where it scores best)."""
            options = []
            for axis in ranked:
                if len(picks[axis]) >= limit:
                    continue
                best = next((c for c in ranked[axis] if c.id not in used), None)
                if best is not None and good_enough(axis, best):
                    options.append(best)
            return min(options, key=lambda c: (-c.score, order.index(c.axis)), default=None)

        while (candidate := best_open(PER_AXIS_MIN)) is not None:
            take(candidate)

        def strong(axis: str, candidate: Candidate) -> bool:
            top = max((c.score for c in picks[axis] if not c.forced), default=0.0)
            return candidate.score >= THIRD_PICK_RATIO * top > 0

        while (candidate := best_open(PER_AXIS_MAX, strong)) is not None:
            take(candidate)
        self._serve_priorities(profile, ranked, picks, used)
        return picks

    def _serve_priorities(self, profile: Profile, ranked, picks, used: set[str]) -> None:
        for finalite in profile.priority_finalites:
            if any(finalite in c.practice.meta.finalites for axis in picks for c in picks[axis]):
                continue
            options = sorted((c for axis in ranked for c in ranked[axis]
                              if c.id not in used and finalite in c.practice.meta.finalites),
                             key=lambda c: (-c.score, c.id))
            for option in options:
                slot = picks[option.axis]
                if len(slot) < PER_AXIS_MAX:
                    slot.append(option)
                    used.add(option.id)
                    break
                weakest = min((c for c in slot if not c.forced), key=lambda c: c.score, default=None)
                others = {f for axis in picks for c in picks[axis] if c is not weakest for f in c.practice.meta.finalites}
                if weakest is not None and all(f in others for f in profile.priority_finalites
                                               if f in weakest.practice.meta.finalites):
                    slot[slot.index(weakest)] = option
                    used.discard(weakest.id)
                    used.add(option.id)
                    break

