"""`GroundingChecker`: for each sentence of a text, the passage that supports it, or why none does.

For each sentence the candidates are the sentences (and pairs of adjacent sentences) of the passages it cites, of
the other passages given, then of the best passages of the whole knowledge base; a sentence with its section's
heading, a list item with its lead-in, a whole list with its lead-in; and the call's own data (`call_data`). A
candidate supports the sentence when it is close in meaning (embeddings, the sentence also read in the call's
wording: `synonyms`) *and* every detail agrees: dates, amounts, ages, proportions, numbers (a count the passage
establishes by listing that many items, or the sentence by listing them itself, counts as given), names, who does
what (`agents`), negation, axes (a passage of the call that lists them is cut by axis: `axis_lists`), the call's
finalités (`finalites`). A contradiction needs evidence of another value: a check that cannot read a detail (an
agent the passage gives with nobody else for its verb, a one-word denial) abstains. A detail
that disagrees with the closest candidate makes the sentence unsupported, however similar it looks, unless all it
lacks is a name that the paragraph holding it gives. A date given as another limit of the same day (« jusqu'au » for
« avant le ») is a nuance, named in the reason of a supported sentence.

>>> checker = GroundingChecker(retriever, criteria)                       # doctest: +SKIP
>>> checker.check("Le dépôt se fait avant le 30 mai 2024 [1].", [passage]).sentences[0].verdict   # doctest: +SKIP
'unsupported'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from ..criteria import CallCriteria
from ..clauses import long_clauses
from ..retrieval import HybridRetriever
from ..sentences import section_heading, source_sentences
from ..text_fr import analyse
from .agents import agent_mismatch
from .axis_lists import axis_placement
from .call_data import CallStatement, call_counts, call_statements
from .call_vectors import CallDataVectors
from .claims import Claim, clean_markdown, claims_of, without_reporting_frame
from .compare import Mismatch, compare_details, compare_names, figure_words
from .details import PLAN_AXIS_LABEL, YEAR, Details, extract_details, negation_conflict
from .entities import EntityLexicon
from .finalites import finalite_mismatch
from .lexicon_cache import name_lexicon
from .models import CitationCheck, GroundingReport, SentenceCheck, SourcePassage
from .sources import Source, to_sources
from .structure import listed_counts, passage_sentences, stated_counts
from .synonyms import Synonyms

EXCERPT_CHARS = 400


@dataclass(frozen=True)
class Thresholds:
    """Chosen on the tuning halves of the tests/eval/grounding*.yaml sets (docs/benchmarks.md, session 6): the
    lowest line that loses no false sentence of the paraphrases set's tuning half; a faithful paraphrase in other words
    scores less than a sentence copied from its passage, and the details (dates, numbers, names, negation, scope)
    are what catch a changed one.

    A candidate's score is its cosine similarity to the sentence plus `coverage_weight` times the share of the
    sentence's content words it contains.
    """

    supported: float = 0.985  # an agreeing candidate scoring this supports the sentence…
    weak: float = 0.975  # …this, weakly (a second look is due); below, nothing supports it
    conflict: float = 0.76  # a best candidate this close whose details disagree contradicts the sentence…
    margin: float = 0.0  # …unless an agreeing candidate scores within this margin of it
    coverage_weight: float = 0.1
    kb_passages: int = 4  # passages of the whole knowledge base examined per sentence
    per_passage: int = 6  # sentences of a retrieved passage examined (the closest in words)
    # a sentence that gives this many figures (numbers, years, dates, amounts, percentages, ages, proportions), every
    # one of them in the passage it cites with every other detail agreeing, is supported from this score on: its
    # figures are the evidence, however it words the rest (chosen on the tuning halves, session 11)
    min_figures: int = 3
    figures_supported: float = 0.95


MAX_LIST_ITEMS = 8  # a longer list is compared item by item only
MAX_PASSAGE_SENTENCES = 6  # a cited passage this short is also read whole
MAX_HEADING_WORDS = 8  # a longer heading (a list of programmes) says too much to lend its words to a sentence
SHAPES = {"heading": "titre de section compris", "list": "avec l'introduction de sa liste", "passage": "lu en entier",
          "clause": "par l'une de ses propositions"}


@dataclass
class Unit:
    """One sentence of a source, or two adjacent ones; a sentence with its heading, a list item (or a whole list) with
    its lead-in; one proposition of a long sentence (`clauses`); or a sentence of the call's data.

    `sentences` are what the sentence is compared with in meaning; `text` is what its details are read in: for a
    proposition, its whole sentence, so that a negation, a restriction or a figure of another part still counts."""

    source: Source
    sentences: tuple[str, ...]
    origin: str  # cited | given | knowledge | call
    shape: str = ""  # "" | heading | list | passage | clause | call
    evidence: str = ""  # what a reviewer reads as the passage, when it is not the sentences themselves
    context: str = ""  # the whole sentence of a proposition

    @property
    def text(self) -> str:
        return self.context or " ".join(self.sentences)

    @property
    def excerpt(self) -> str:
        return self.evidence or self.text


@dataclass
class Candidate:
    unit: Unit
    similarity: float  # cosine similarity of the sentence and the unit
    coverage: float  # share of the sentence's content words found in the unit
    mismatches: list[Mismatch]
    notes: list[Mismatch] = field(default_factory=list)  # details that agree, worth saying: a count, a nuance
    swaps: list[tuple[str, str]] = field(default_factory=list)  # the domain's synonyms that bring the two together
    figures: tuple[str, ...] = ()  # the sentence's figures (all of them in the unit when it agrees)

    def score(self, thresholds: Thresholds) -> float:
        return self.similarity + thresholds.coverage_weight * self.coverage

    @property
    def nuance(self) -> str | None:
        return " ; ".join(n.message for n in self.notes if n.kind == "nuance") or None


@dataclass
class Decision:
    verdict: str
    best: Candidate | None
    reason: str

    @property
    def nuance(self) -> str | None:
        return self.best.nuance if self.best is not None and self.verdict != "unsupported" else None


@dataclass
class _Job:
    claim: Claim
    cited: list[Source]
    given: list[Source]
    action: str | None = None
    units: list[Unit] = field(default_factory=list)


class GroundingChecker:
    def __init__(self, retriever: HybridRetriever, criteria: CallCriteria, vectors=None,
                 thresholds: Thresholds = Thresholds(), statements: dict[str, list[str]] | None = None,
                 synonyms: Synonyms | None = None, call_vectors: CallDataVectors | None = None,
                 lexicon_path: Path | None = None):
        """`vectors`: an object with `vectors(list[str]) -> np.ndarray`; by default the knowledge base's sentence
        index (`kb.sentences`, filled at ingestion), which the answers share. `statements`: the call pack's sentences
        (facts.yaml) and the quotes that establish each; `synonyms`: the call pack's synonyms; `call_vectors`: the
        vectors of the call's data, saved at ingestion (by default embedded on first use, kept in memory);
        `lexicon_path`: where the name lexicon is saved beside the store (`lexicon_cache`; None: built in memory)."""
        self.retriever, self.criteria, self.thresholds = retriever, criteria, thresholds
        # the call pack's own sentences (facts.yaml) and the quotes that establish each: the call's data are evidence
        self.statements = {_squash(k).rstrip("."): v for k, v in (statements or {}).items()}
        self.call_statements: list[CallStatement] = call_statements(criteria, statements)
        self.counts = call_counts(criteria)
        self.synonyms = synonyms or Synonyms()
        self._rewritten: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        self._terms: dict[str, set[str]] = {}
        self._listed: dict[str, dict[tuple[int, str], str]] = {}
        self.kb = retriever.kb
        self.vectors = vectors if vectors is not None else self.kb.sentences
        self.call_vectors = call_vectors or CallDataVectors(self.kb.embeddings)
        self._details: dict[str, Details] = {}
        self._offered: dict[str, set[str]] = {}
        self._lexicon_fingerprint: str | None = None
        self._lexicon: EntityLexicon | None = None
        self.lexicon_path = lexicon_path

    # -- public ---------------------------------------------------------------------------------------------
    def check(self, text: str, passages: Sequence | None = None) -> GroundingReport:
        """Verdicts for every sentence of `text`; its `[n]` marks refer to `passages` (numbered from 1)."""
        sources = to_sources(passages or [])
        by_n = {s.n: s for s in sources}
        jobs = [_Job(claim, [by_n[n] for n in claim.cited if n in by_n], sources) for claim in claims_of(text)]
        return GroundingReport.of([self._sentence_check(job, by_n) for job in self._prepare(jobs)])

    def check_actions(self, actions: Sequence[tuple[str, str, list[Source]]]) -> GroundingReport:
        """(title, description, sources cited by the action) -> verdicts of each sentence of each description."""
        jobs = [_Job(claim, list(sources), list(sources), action=title)
                for title, description, sources in actions for claim in claims_of(description)]
        return GroundingReport.of([self._sentence_check(job, {}) for job in self._prepare(jobs)])

    # -- lexicon and caches ---------------------------------------------------------------------------------
    @property
    def lexicon(self) -> EntityLexicon:
        """Built from the knowledge base (or read where it was saved for it), rebuilt when it changes (a user adds a
        document)."""
        if self._lexicon is None or self.kb.lexical.fingerprint != self._lexicon_fingerprint:
            self._lexicon, self._lexicon_fingerprint = name_lexicon(self.kb, self.criteria, self.lexicon_path)
            self._offered.clear()
        return self._lexicon

    def known_names(self, text: str) -> set[str]:
        """The actors, acronyms and programmes `text` names, in any form (not its other words)."""
        key = f"names\x1f{text}"
        if key not in self._offered:
            if len(self._offered) > 50_000:
                self._offered.clear()
            self._offered[key] = {k for k in self.lexicon.offered(text) if not k.startswith("name:")}
        return self._offered[key]

    @cached_property
    def axis_labels(self) -> dict[str, str]:
        return {a.id: a.short.lower() if a.short else a.label for a in self.criteria.axes}

    def details(self, text: str, claim: bool = False) -> Details:
        key = f"{claim}\x1f{text}"
        if key not in self._details:
            if len(self._details) > 50_000:
                self._details.clear()
            self._details[key] = extract_details(text, self.criteria, claim=claim)
        return self._details[key]

    def unit_details(self, unit: Unit, terms: set[str] | None = None) -> Details:
        """The details of a unit; the years its document's title gives count as given (« MILDECA 2024 »). Of a whole
        list read for a sentence of content words `terms`, those of its lead-in and of the items that share the most
        words with the sentence: a figure of another item (« 50 % de filles » in a VVV item) is not the sentence's."""
        details = self.details(unit.text)
        scoped = self._detail_text(unit, terms) if terms else unit.text
        if scoped != unit.text:  # the axes the list names stay the whole list's (`axis_lists`)
            details = replace(self.details(scoped), axes_numbered=details.axes_numbered, axes_named=details.axes_named)
        years = {int(y) for y in YEAR.findall(unit.source.title)}
        return replace(details, years=details.years | years) if years - details.years else details

    def _detail_text(self, unit: Unit, terms: set[str]) -> str:
        if unit.shape != "list" or len(unit.sentences) <= 2:
            return unit.text
        lead, *items = unit.sentences
        overlap = [len(terms & self.terms(item)) for item in items]
        best = max(overlap)
        near = max(min(2, best), best - 2)  # the items nearest the sentence (it may gather several)
        return " ".join([lead, *(i for i, n in zip(items, overlap) if n >= near)]) if best else unit.text

    def offered(self, unit: Unit) -> set[str]:
        key = f"{unit.source.title}\x1f{unit.source.section}\x1f{unit.text}"
        if key not in self._offered:
            if len(self._offered) > 50_000:
                self._offered.clear()
            self._offered[key] = self.lexicon.offered(f"{unit.source.title}\n{unit.source.section}\n{unit.text}")
        return self._offered[key]

    # -- candidates -----------------------------------------------------------------------------------------
    def _prepare(self, jobs: list[_Job]) -> list[_Job]:
        """Gather every job's candidate units, then embed all their sentences in one batch."""
        pending = [job for job in jobs if self._verbatim(job) is None]
        claims = list(dict.fromkeys(job.claim.plain for job in pending))
        rewritten = [self.rewrite(c)[0] for c in claims]
        wanted = list(dict.fromkeys(claims + rewritten))
        vectors = dict(zip(wanted, self.vectors.vectors(wanted))) if claims else {}
        for job in pending:  # the sentence's own vector also searches the base: one encoding per sentence
            job.units = self._units(job, vectors[job.claim.plain])
        texts = [s for job in pending for u in job.units for s in u.sentences]
        if texts:
            self._unit_vectors(list(dict.fromkeys(texts)))
        return jobs

    def rewrite(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """`text` in the call's wording (`synonyms`), with the swaps made."""
        if text not in self._rewritten:
            if len(self._rewritten) > 50_000:
                self._rewritten.clear()
            self._rewritten[text] = self.synonyms.rewrite(text)
        return self._rewritten[text]

    def terms(self, text: str) -> set[str]:
        """The content words of `text`, stemmed, in the call's wording."""
        if text not in self._terms:
            if len(self._terms) > 50_000:
                self._terms.clear()
            self._terms[text] = set(analyse(self.rewrite(text)[0]))
        return self._terms[text]

    def listed(self, source: Source) -> dict[tuple[int, str], str]:
        """The counts a passage establishes by its lists, then those of the call's data."""
        if source.text not in self._listed:
            if len(self._listed) > 50_000:
                self._listed.clear()
            own = {c: f"le passage en énumère {c[0]}" for c in listed_counts(source.text)}
            self._listed[source.text] = {**self.counts, **own}
        return self._listed[source.text]

    @cached_property
    def call_units(self) -> list[Unit]:
        source = Source(doc_id=self.criteria.id, title=self.criteria.name, section="données de l'appel", text="")
        return [Unit(source, (s.text,), "call", "call", s.evidence) for s in self.call_statements]

    def _units(self, job: _Job, vector=None) -> list[Unit]:
        t = self.thresholds
        seen: set[tuple[str, str]] = set()
        units: list[Unit] = []
        terms = self.terms(job.claim.plain)
        axis_claim = bool(self.details(job.claim.plain, claim=True).axes)
        if vector is None:
            vector = self.vectors.vectors([job.claim.plain])[0]
        found = self.retriever.search(job.claim.plain, k=t.kb_passages, vector=[float(x) for x in vector]
                                      ) if t.kb_passages else []
        cited_ids = {id(s) for s in job.cited}
        origins = [(s, "cited") for s in job.cited] + [(s, "given") for s in job.given if id(s) not in cited_ids]
        origins += [(Source.from_passage(p), "knowledge") for p in found]
        for source, origin in origins:
            found = passage_sentences(source.text) if source.text.strip() else []
            sentences, blocks, leads = zip(*found) if found else ((), (), ())
            keep = range(len(sentences))
            limit = t.per_passage if origin == "knowledge" else 3 * t.per_passage  # the closest in words
            if len(sentences) > limit:
                overlap = [len(terms & self.terms(s)) for s in sentences]
                keep = sorted(sorted(keep, key=lambda i: (-overlap[i], i))[:limit])
            kept = set(keep)
            heading = _heading(source)
            windows: list[tuple[tuple[str, ...], str]] = []
            for i in keep:
                windows += [((sentences[i], sentences[i + 1]), "") if j else ((sentences[i],), "")
                            for j in (0, 1) if not j or (i + 1 in kept and blocks[i + 1] == blocks[i])]
                # the propositions of a long sentence: a short sentence may restate one of them
                windows += [((clause, sentences[i]), "clause") for clause in long_clauses(sentences[i])]
                # the sentence right under its heading, when the heading says something of the claim's
                if heading and i == 0 and (self.terms(heading) - self.terms(sentences[i])) & terms:
                    windows.append(((heading, sentences[i]), "heading"))
                # a list item read with its lead-in, and the whole list (a sentence that gathers its items, or counts
                # them); for a claim that puts something in an axis, a list of the call's only whole: cut by axis
                # (`axis_lists`), it says under which axis each thing is, where one item alone does not
                if leads[i]:
                    whole_only = axis_claim and source.doc_id == self.criteria.id
                    if not whole_only:
                        windows.append(((leads[i], sentences[i]), "list"))
                    items = [s for s, lead in zip(sentences, leads) if lead == leads[i]]
                    if 1 < len(items) <= MAX_LIST_ITEMS:
                        windows.append(((leads[i], *items), "list"))
            # a short passage the text cites, read whole: a sentence may gather what it says in several sentences (two
            # neighbouring list items too, which no pair of one block joins)
            if origin != "knowledge" and 1 < len(sentences) <= MAX_PASSAGE_SENTENCES:
                windows.append((tuple(sentences), "passage"))
            for text, shape in windows:
                context = text[1] if shape == "clause" else ""
                text = text[:1] if shape == "clause" else text
                key = (source.doc_id, " ".join(text))
                if key in seen and (origin == "knowledge" or shape):
                    continue
                seen.add(key)
                evidence = f"{text[0]} — {' '.join(text[1:])}" if shape == "heading" else ""
                units.append(Unit(source, text, origin, shape, evidence, context))
        return units + self.call_units

    def _misfiled(self, details: Details) -> Mismatch | None:
        """« Axe 2 — … Action : proposer des alternatives au trafic »: a plan's line that files under one axis what
        the call words as another axis."""
        numbered, named = details.axes_numbered, details.axes_named
        other = sorted(named - numbered)
        if len(numbered) != 1 or not other:
            return None
        return Mismatch("axe", f"la ligne range sous l'axe « {self.axis_labels[next(iter(numbered))]} » ce que l'appel "
                               f"appelle l'axe « {self.axis_labels[other[0]]} »")

    def _about(self, source: Source, named: set[str]) -> bool:
        """Does a fiche's metadata (its axes) speak for the sentence? Not when the sentence names a programme the
        fiche is not about (a contrat-de-ville fiche says nothing of the axis of a cité éducative)."""
        if not named:
            return True
        key = f"{source.title}\x1f{source.section}"
        if key not in self._offered:
            self._offered[key] = self.lexicon.offered(f"{source.title}\n{source.section}")
        return bool(named & self._offered[key])

    @cached_property
    def _call_data_vectors(self) -> dict[str, np.ndarray]:
        texts = [s.text for s in self.call_statements]
        return dict(zip(texts, self.call_vectors.vectors(texts)))

    def _unit_vectors(self, texts: list[str]) -> np.ndarray:
        """The vectors of units' sentences: the call's data from their own index, the rest from the sentence index."""
        call = self._call_data_vectors
        rest = [t for t in texts if t not in call]
        found = dict(zip(rest, self.vectors.vectors(rest))) if rest else {}
        return np.stack([call[t] if t in call else found[t] for t in texts]) if texts else np.zeros((0, 1))

    # -- scoring --------------------------------------------------------------------------------------------
    def _verbatim(self, job: _Job) -> Source | None:
        """A sentence copied word for word from a passage it cites is supported by it, with nothing to weigh; so is
        a sentence of the call's own data (`statements`) cited with the passage that holds its quote."""
        forms = {_squash(job.claim.plain), _squash(job.claim.without_label)}
        forms = {f.rstrip(".") for f in forms if len(f.split()) >= 3}
        quotes = [_squash(q).rstrip(".") for f in forms for q in self.statements.get(f, [])]
        for source in job.cited or job.given:
            haystack = _squash(clean_markdown(source.text))
            if any(f in haystack for f in forms) or any(q in haystack for q in quotes):
                return source
        return None

    def _candidates(self, claim: Claim, units: list[Unit]) -> list[Candidate]:
        if not units:
            return []
        rewritten, swaps = self.rewrite(claim.plain)
        # « Selon l'appel, … », « La fiche rappelle que … »: who says it is not what is said
        said = without_reporting_frame(rewritten)
        claim_vectors = self.vectors.vectors(list(dict.fromkeys([claim.plain, rewritten, said])))
        needed = list(dict.fromkeys(s for u in units for s in u.sentences))
        index = {s: i for i, s in enumerate(needed)}
        matrix = self._unit_vectors(needed)
        similarities = (matrix @ claim_vectors.T)  # (sentences, 1 or 2)
        claim_details = self.details(claim.plain, claim=True)
        if rewritten != claim.plain:  # an axis said in other words (« réduire l'attrait des réseaux »)
            claim_details = replace(claim_details, axes_named=claim_details.axes_named
                                    | self.details(rewritten, claim=True).axes_named)
        required = self.lexicon.required(rewritten)  # in the call's wording: « EPCI » is « intercommunalités »
        named = {k for k in required if k.startswith(("prog:", "acr:"))}
        terms = self.terms(claim.plain)
        stated = stated_counts(claim.plain, lambda part: self.details(part, claim=True).counted)
        # the call's own wording of its finalités says where a thing belongs, whatever the passage
        finalite = finalite_mismatch(claim.plain, self.criteria)
        plan_line = PLAN_AXIS_LABEL.match(claim.plain) is not None
        misfiled = self._misfiled(claim_details) if plan_line else None
        figures = figure_words(claim_details)
        out = []
        for unit in units:
            rows = [index[s] for s in unit.sentences]
            if len(rows) == 1:
                similarity = float(similarities[rows[0]].max())
            else:
                joined = matrix[rows].sum(axis=0)
                similarity = float((similarities[rows].sum(axis=0) / max(np.linalg.norm(joined), 1e-9)).max())
            # the words of what is compared in meaning: a proposition does not borrow those of the rest of its sentence
            coverage = len(terms & self.terms(" ".join(unit.sentences))) / max(len(terms), 1)
            unit_details = self.unit_details(unit, terms)
            # a plan's line (« Axe 2 — Action : … ») files its action under an axis: the fiche's own axes say where
            # it belongs, whatever else the line names
            unit_axes = unit_details.axes | (set(unit.source.axes) if plan_line or self._about(unit.source, named)
                                             else set())
            placement = (axis_placement(terms, claim_details.axes, unit.text, self.criteria)
                         if claim_details.axes and unit.source.doc_id == self.criteria.id else None)
            found = compare_details(claim_details, unit_details, unit_axes, self.axis_labels,
                                    negation_conflict(rewritten, self.rewrite(unit.text)[0]), {**self.listed(unit.source), **stated},
                                    placement)
            found += compare_names(required, self.offered(unit), f"{unit.source.title} {unit.text}")  # « AAP »: its title
            if misfiled and not any(m.kind == "axe" for m in found):
                found.append(misfiled)
            if finalite:
                found.append(Mismatch("axe", finalite))
            # in the call's wording: « bloc communal » = « communes »
            agent = agent_mismatch(rewritten, unit.text, self.known_names)
            if agent:
                found.append(Mismatch("acteur", agent))
            contrary = self.synonyms.opposite(rewritten, unit.text)
            if contrary:  # « réduisent la délinquance » where the passage says « augmentent »
                found.append(Mismatch("négation", f"la phrase dit « {contrary[0]} », le passage « {contrary[1]} »"))
            used = [(a, b) for a, b in swaps if _squash(b) in _squash(unit.text)]
            out.append(Candidate(unit, similarity, coverage, [m for m in found if m.blocking],
                                 [m for m in found if not m.blocking], used, figures))
        return out

    def decide(self, candidates: list[Candidate], thresholds: Thresholds | None = None, prefer: str = "cited"
               ) -> Decision:
        t = thresholds or self.thresholds
        if not candidates:
            return Decision("unsupported", None, "Aucun passage des sources n'en parle.")
        score = {id(c): c.score(t) for c in candidates}
        best = max(candidates, key=lambda c: score[id(c)])
        agreeing = [c for c in candidates if not c.mismatches]
        best_agreeing = max(agreeing, key=lambda c: score[id(c)]) if agreeing else None
        preferred = [c for c in agreeing if c.unit.origin == prefer and score[id(c)] >= t.supported]
        if preferred:  # a passage the sentence cites says it: nothing elsewhere can overrule that
            chosen = max(preferred, key=lambda c: score[id(c)])
            return Decision("supported", chosen, _support(chosen, "Appuyée par"))
        figured = [c for c in agreeing if c.unit.origin == prefer and len(c.figures) >= t.min_figures
                   and score[id(c)] >= t.figures_supported]
        if figured:  # the passage it cites gives every figure of a sentence full of them, and agrees on the rest
            chosen = max(figured, key=lambda c: score[id(c)])
            return Decision("supported", chosen, _support(chosen, "Appuyée par") + " Chiffres retrouvés dans le "
                            "passage : " + ", ".join(f"« {f} »" for f in chosen.figures) + ".")
        if best.mismatches and score[id(best)] >= t.conflict and (
                best_agreeing is None or score[id(best)] - score[id(best_agreeing)] >= t.margin) and not (
                self._completes(best, best_agreeing) and score[id(best_agreeing)] >= t.supported):
            details = " ; ".join(m.message for m in best.mismatches)
            return Decision("unsupported", best, f"Le passage le plus proche, {_where(best.unit.source)}, dit autre "
                                                 f"chose : {details}.")
        if best_agreeing is not None and score[id(best_agreeing)] >= t.supported:
            return Decision("supported", best_agreeing, _support(best_agreeing, "Appuyée par"))
        if best_agreeing is not None and score[id(best_agreeing)] >= t.weak:
            return Decision("weak", best_agreeing, _support(best_agreeing, "Proche de", ", sans le dire assez "
                                                                                       "nettement : à vérifier"))
        if score[id(best)] >= t.weak and best.mismatches:
            details = " ; ".join(m.message for m in best.mismatches)
            return Decision("unsupported", best, f"Le passage le plus proche, {_where(best.unit.source)}, dit autre "
                                                 f"chose : {details}.")
        return Decision("unsupported", None, f"Aucun passage des sources ne l'appuie (le plus proche : "
                                             f"{_where(best.unit.source)}).")

    def _completes(self, best: Candidate, agreeing: Candidate | None) -> bool:
        """Does the closest passage lack only names that its own wider context gives (the sentence is cited alone,
        the paragraph that holds it names « Villeurbanne »), naming nobody else in their place (« à Rennes » where
        the sentence says « à Belfort »)? Then that paragraph is the evidence."""
        if agreeing is None or agreeing.unit.source.doc_id != best.unit.source.doc_id or any(
                m.kind != "nom" for m in best.mismatches):
            return False
        if _squash(clean_markdown(best.unit.text)) not in _squash(clean_markdown(agreeing.unit.source.text)):
            return False
        return not any(key.startswith("name:") for key in self.lexicon.required(best.unit.text))

    # -- report ---------------------------------------------------------------------------------------------
    def _sentence_check(self, job: _Job, by_n: dict[int, Source]) -> SentenceCheck:
        claim = job.claim
        verbatim = self._verbatim(job)
        if verbatim is not None:
            decision = Decision("supported", None, f"Reprise mot pour mot de {_where(verbatim)}.")
            passage, score = _passage(verbatim, claim.without_label), 1.0
            candidates: list[Candidate] = []
        else:
            candidates = self._candidates(claim, job.units)
            decision = self.decide(candidates)
            passage = _passage(decision.best.unit.source, decision.best.unit.excerpt) if decision.best else None
            score = round(decision.best.similarity, 4) if decision.best else 0.0
        citations = [self._citation(n, by_n, claim, candidates, decision, verbatim) for n in claim.cited] if by_n else []
        return SentenceCheck(text=claim.text, verdict=decision.verdict, passage=passage, reason=decision.reason,
                             score=score, citations=citations, action=job.action, nuance=decision.nuance)

    def _citation(self, n: int, by_n: dict[int, Source], claim: Claim, candidates: list[Candidate],
                  overall: Decision, verbatim: Source | None) -> CitationCheck:
        source = by_n.get(n)
        if source is None:
            return CitationCheck(n=n, correct=False, reason=f"Aucun passage n° {n} n'est fourni avec le texte.")
        if verbatim is source or (verbatim is None and self._verbatim(_Job(claim, [source], [source])) is source):
            return CitationCheck(n=n, correct=True, reason=f"La phrase est reprise de {_where(source)}.")
        own = [c for c in candidates if c.unit.source is source]
        if not own:
            own = self._candidates(claim, self._units_of(source))
        decision = self.decide(own)
        if decision.verdict != "unsupported":
            return CitationCheck(n=n, correct=True, reason=f"[{n}] appuie la phrase.")
        supporting = None
        if overall.verdict != "unsupported" and overall.best is not None and overall.best.unit.source is not source:
            supporting = _passage(overall.best.unit.source, overall.best.unit.excerpt)
        elif verbatim is not None and verbatim is not source:
            supporting = _passage(verbatim, claim.plain)
        reason = f"Citation erronée : [{n}] ({_where(source)}) n'appuie pas cette phrase"
        if decision.best is not None and decision.best.mismatches:
            reason += " : " + " ; ".join(m.message for m in decision.best.mismatches)
        reason += "." + (f" Le passage qui l'appuie : {_where_passage(supporting)}." if supporting else "")
        return CitationCheck(n=n, correct=False, reason=reason, supporting=supporting)

    def _units_of(self, source: Source) -> list[Unit]:
        found = source_sentences(source.text)
        units = [Unit(source, (s,), "cited") for s, _ in found]
        units += [Unit(source, (a, b), "cited") for (a, x), (b, y) in zip(found, found[1:]) if x == y]
        units += [Unit(source, (c,), "cited", "clause", context=s) for s, _ in found for c in long_clauses(s)]
        return units


def _squash(text: str) -> str:
    return " ".join(re.sub(r"[«»\"“”’']", "'", text).split()).lower()


def _heading(source: Source) -> str | None:
    """The passage's own heading (the last level of its section), when it says something (two words or more)."""
    heading = section_heading(source.section)
    return heading if heading and heading != source.title and len(heading.split()) <= MAX_HEADING_WORDS else None


def _support(candidate: Candidate, opening: str, closing: str = "") -> str:
    """Why a candidate supports a sentence: the passage (and how it was read), the domain's synonyms that bring them
    together, the counts it establishes, a nuance."""
    unit = candidate.unit
    if unit.shape == "call":
        data = "des données" if opening.endswith(" de") else "les données"
        text = f"{opening.removesuffix(' de')} {data} de l'appel « {unit.source.title} » : « {unit.text.rstrip('.')} »"
    else:
        text = f"{opening} {_where(unit.source)}" + (f", {SHAPES[unit.shape]}" if unit.shape in SHAPES else "")
        if unit.shape == "clause":
            text += f" « {unit.sentences[0].rstrip('.')} »"
    parts = [text + closing + "."]
    if candidate.swaps:
        parts.append("Même sens dans le vocabulaire de l'appel : "
                     + ", ".join(f"« {a} » = « {b} »" for a, b in candidate.swaps) + ".")
    parts += [f"Nombre : {n.message}." for n in candidate.notes if n.kind == "compte"]
    parts += [f"Nuance : {n.message}." for n in candidate.notes if n.kind == "nuance"]
    return " ".join(parts)


def _where(source: Source) -> str:
    return f"« {source.title} » ({source.section})" if source.section else f"« {source.title} »"


def _where_passage(passage: SourcePassage) -> str:
    return f"« {passage.title} » ({passage.section})" if passage.section else f"« {passage.title} »"


def _passage(source: Source, excerpt: str) -> SourcePassage:
    text = excerpt if len(excerpt) <= EXCERPT_CHARS else excerpt[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return SourcePassage(doc_id=source.doc_id, title=source.title, section=source.section, excerpt=text)
