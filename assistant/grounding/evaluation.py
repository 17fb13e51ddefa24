"""`aap eval grounding`: precision and recall of the "unsupported" verdict, and recall of "supported", on the
labelled sets of tests/eval (grounding.yaml, grounding_fresh.yaml, grounding_paraphrases.yaml).

Each sentence is checked as a text citing its passage (`"… [1]"` with the passage as [1]), against the whole
knowledge base and the call's data as well, by the checker the application uses. A set is cut in two halves: by the
entries' own `half` field (tuning / test) when they have one, else by a stable hash of each entry's `source` (the
sentences built from one passage stay together). Thresholds are chosen on the tuning half (« réglage ») and figures
reported on the other (« mesure »).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from ..errors import InvalidInput
from .checker import Candidate, GroundingChecker, Thresholds
from .claims import claims_of, clean_markdown
from .sources import Source

SUPPORTED_KINDS = ("verbatim", "paraphrase")
NEGATIVE_KINDS = ("date", "amount", "age", "actor", "programme", "negation", "axis", "invented")
# of the paraphrase sets: « nuance » is a qualifier dropped or hardened (« souvent » → « toujours », « peut » → « doit »);
# « ajout » is a true list with one item that the passage does not give
OTHER_NEGATIVE_KINDS = ("scope", "obligation", "nuance", "ajout")
KIND_LABELS = {"verbatim": "reprise mot pour mot", "paraphrase": "paraphrase", "date": "date changée",
               "amount": "montant changé", "age": "âge changé", "actor": "acteur ou lieu changé",
               "programme": "programme changé", "negation": "négation ajoutée ou retirée", "axis": "axe échangé",
               "invented": "affirmation inventée", "scope": "portée changée", "obligation": "obligation inventée",
               "nuance": "nuance forcée", "ajout": "élément ajouté à une liste"}
HALVES = {"calibration": "calibration", "tuning": "calibration", "report": "report", "test": "report"}


class EvalSentence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    label: str
    text: str

    @model_validator(mode="after")
    def _consistent(self) -> "EvalSentence":
        expected = "supported" if self.kind in SUPPORTED_KINDS else "unsupported"
        if self.kind not in SUPPORTED_KINDS + NEGATIVE_KINDS + OTHER_NEGATIVE_KINDS:
            raise ValueError(f"type inconnu : {self.kind}")
        if self.label != expected:
            raise ValueError(f"« {self.text} » : le type {self.kind} appelle l'étiquette {expected}")
        return self


class EvalEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    doc_id: str
    passage: str
    sentences: list[EvalSentence]
    half: Literal["tuning", "test"] | None = None


@dataclass(frozen=True)
class EvalItem:
    id: str
    source: str
    doc_id: str
    passage: str
    kind: str
    label: str
    text: str
    half: str = ""  # calibration | report

    @property
    def negative(self) -> bool:
        return self.label == "unsupported"


def load_grounding_set(path: Path) -> list[EvalItem]:
    try:
        entries = [EvalEntry.model_validate(e) for e in yaml.safe_load(Path(path).read_text(encoding="utf-8"))]
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise InvalidInput(f"Jeu d'évaluation illisible ({path}) : {exc}") from exc
    return [EvalItem(f"{e.source}-{i}", e.source, e.doc_id, e.passage, s.kind, s.label, s.text,
                     HALVES[e.half] if e.half else half(e.source))
            for e in entries for i, s in enumerate(e.sentences, 1)]


def half(source: str) -> str:
    """"calibration" or "report", stable across runs and machines."""
    return "calibration" if int(hashlib.sha256(source.encode()).hexdigest(), 16) % 2 == 0 else "report"


def _squash(text: str) -> str:
    return " ".join(re.sub(r"[’']", "'", clean_markdown(text)).split()).lower()


def passage_source(checker: GroundingChecker, item: EvalItem) -> Source:
    """The item's passage as the checker sees a cited passage: its text, within its document's section."""
    wanted = _squash(item.passage)
    chunks = [c for c in checker.kb.store.all_chunks() if c.doc_id == item.doc_id]
    if not chunks:
        raise InvalidInput(f"Document « {item.doc_id} » absent de la base : lancez `aap ingest`.")
    home = next((c for c in chunks if wanted in _squash(c.text)), chunks[0])
    return Source(doc_id=item.doc_id, title=home.title, section=home.section, text=item.passage, axes=home.axes, n=1)


@dataclass
class ItemResult:
    item: EvalItem
    candidates: list[Candidate]
    verbatim: bool

    def verdict(self, checker: GroundingChecker, thresholds: Thresholds) -> str:
        return "supported" if self.verbatim else checker.decide(self.candidates, thresholds).verdict


def run_items(checker: GroundingChecker, items: list[EvalItem]) -> list[ItemResult]:
    """Gather each sentence's candidates once, so that thresholds can be tried without embedding again."""
    from .checker import _Job

    results = []
    claims = [claims_of(f"{item.text} [1]")[0] for item in items]
    texts = [c.plain for c in claims]  # every sentence embedded in batches first: one call per item is slow
    checker.vectors.vectors(list(dict.fromkeys(texts + [checker.rewrite(t)[0] for t in texts])))
    for item, claim in zip(items, claims):
        source = passage_source(checker, item)
        job = _Job(claim, [source], [source])
        verbatim = checker._verbatim(job) is not None
        candidates = [] if verbatim else checker._candidates(claim, checker._units(job))
        results.append(ItemResult(item, candidates, verbatim))
    return results


@dataclass
class Scores:
    n: int
    tp: int
    fp: int
    fn: int
    true: int = 0  # true sentences
    kept: int = 0  # true sentences judged "supported"

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def supported_recall(self) -> float:
        """The share of true sentences judged "supported" (neither "weak" nor "unsupported")."""
        return self.kept / self.true if self.true else 1.0


def score(pairs: list[tuple[EvalItem, str]]) -> Scores:
    tp = sum(1 for i, v in pairs if i.negative and v == "unsupported")
    fp = sum(1 for i, v in pairs if not i.negative and v == "unsupported")
    fn = sum(1 for i, v in pairs if i.negative and v != "unsupported")
    true = sum(1 for i, _ in pairs if not i.negative)
    return Scores(len(pairs), tp, fp, fn, true, sum(1 for i, v in pairs if not i.negative and v == "supported"))


def per_kind(pairs: list[tuple[EvalItem, str]]) -> dict[str, Scores]:
    """For a kind of change: its negatives, and as possible false alarms the true sentences of the same passages."""
    out = {}
    for kind in NEGATIVE_KINDS + OTHER_NEGATIVE_KINDS:
        sources = {i.source for i, _ in pairs if i.kind == kind}
        subset = [(i, v) for i, v in pairs if i.kind == kind or (not i.negative and i.source in sources)]
        if subset:
            out[kind] = score(subset)
    return out


GRID = {
    "weak": [round(0.93 + 0.005 * i, 3) for i in range(21)],
    "conflict": [0.76, 0.80],
    "margin": [0.0, 0.02],
    "coverage_weight": [0.1, 0.2, 0.3],
}
STRONG_SHARE = 0.95  # share of the calibration's true sentences that should come out "supported" rather than "weak"


def tune(checker: GroundingChecker, results: list[ItemResult], base: Thresholds) -> Thresholds:
    """Thresholds chosen on `results` (the calibration half).

    First the line between "unsupported" and the rest (`weak`, with the contradiction settings and the weight of
    shared words): the best F1 of "unsupported" among the settings with precision >= 0.85, recall >= 0.90 and every
    kind of change at recall >= 0.75 (if none qualifies, the best F1). Then the line between "weak" and
    "supported": the score that 95 % of the true sentences reach, so that the loosest restatements are flagged
    for a second look.
    """
    best_key, best = None, base
    for values in itertools.product(*GRID.values()):
        t = replace(base, **dict(zip(GRID, values)))
        t = replace(t, supported=t.weak)
        verdicts = [(r.item, r.verdict(checker, t)) for r in results]
        s = score(verdicts)
        worst_kind = min((k.recall for k in per_kind(verdicts).values()), default=1.0)
        f1 = 2 * s.precision * s.recall / max(s.precision + s.recall, 1e-9)
        key = (s.precision >= 0.85 and s.recall >= 0.90 and worst_kind >= 0.75, round(f1, 4), s.recall)
        if best_key is None or key > best_key:
            best_key, best = key, t
    scores = sorted(_support_score(checker, r, best) for r in results
                    if not r.item.negative and not r.verbatim and r.verdict(checker, best) != "unsupported")
    if scores:
        best = replace(best, supported=max(best.weak, round(scores[int((1 - STRONG_SHARE) * len(scores))], 3)))
    return best


def _support_score(checker: GroundingChecker, result: ItemResult, t: Thresholds) -> float:
    decision = checker.decide(result.candidates, t)
    return decision.best.score(t) if decision.best else 0.0


def report(checker: GroundingChecker, results: list[ItemResult], thresholds: Thresholds) -> str:
    lines = []
    halves = {"calibration": [], "report": []}
    for r in results:
        halves[r.item.half].append((r.item, r.verdict(checker, thresholds)))
    total = [p for pairs in halves.values() for p in pairs]
    lines.append(f"Jeu : {len(total)} phrases, dont {sum(i.negative for i, _ in total)} pièges (non appuyées) ; "
                 f"moitié de réglage {len(halves['calibration'])}, moitié de mesure {len(halves['report'])}.")
    lines.append(f"Seuils : appuyée ≥ {thresholds.supported:g}, fragile ≥ {thresholds.weak:g}, contradiction ≥ "
                 f"{thresholds.conflict:g} (marge {thresholds.margin:g}), poids des mots communs "
                 f"{thresholds.coverage_weight:g}.")
    lines += ["", "| moitié | phrases | précision « non appuyée » | rappel « non appuyée » | rappel « appuyée » |",
              "| --- | --- | --- | --- | --- |"]
    for name, label in (("calibration", "réglage"), ("report", "**mesure**"), (None, "ensemble")):
        pairs = halves[name] if name else total
        s = score(pairs)
        lines.append(f"| {label} | {s.n} | {s.precision:.3f} | {s.recall:.3f} | {s.supported_recall:.3f} |")
    lines += ["", "Par type de changement (moitié de mesure ; précision : pièges de ce type et phrases vraies des "
                  "mêmes passages) :", "",
              "| type | pièges | rappel | précision |", "| --- | --- | --- | --- |"]
    for kind, s in per_kind(halves["report"]).items():
        lines.append(f"| {KIND_LABELS[kind]} | {s.tp + s.fn} | {s.recall:.3f} | {s.precision:.3f} |")
    lines += ["", "| phrases vraies (moitié de mesure) | nombre | appuyées | fragiles | non appuyées |",
              "| --- | --- | --- | --- | --- |"]
    for kind in SUPPORTED_KINDS:
        verdicts = [v for i, v in halves["report"] if i.kind == kind]
        if verdicts:
            lines.append(f"| {KIND_LABELS[kind]} | {len(verdicts)} | {verdicts.count('supported')} | "
                         f"{verdicts.count('weak')} | {verdicts.count('unsupported')} |")
    return "\n".join(lines)


def errors(checker: GroundingChecker, results: list[ItemResult], thresholds: Thresholds,
           halves: tuple[str, ...] = ("calibration",)) -> str:
    """The sentences of `halves` the checker gets wrong (a true one not "supported", a negative not "unsupported"),
    with its reason: what to look at next. The tuning half only, by default: the other one measures."""
    lines = []
    for r in results:
        verdict = r.verdict(checker, thresholds)
        wrong = verdict != "unsupported" if r.item.negative else verdict != "supported"
        if r.item.half in halves and wrong:
            decision = checker.decide(r.candidates, thresholds) if not r.verbatim else None
            reason = decision.reason if decision else "mot pour mot"
            best = f"{decision.best.similarity:.3f}" if decision and decision.best else "-"
            lines.append(f"[{r.item.half}] {r.item.kind} → {verdict} ({best}) : {r.item.text}\n    {reason}")
    return "\n".join(lines)


def summary(results_by_set: dict[str, list[ItemResult]], checker: GroundingChecker, thresholds: Thresholds) -> str:
    """One row per set and half: the figures to compare from one change to the next."""
    lines = ["| jeu | moitié | phrases | pièges | précision « non appuyée » | rappel « non appuyée » | "
             "rappel « appuyée » | fragiles |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, results in results_by_set.items():
        for half_name, label in (("calibration", "réglage"), ("report", "mesure")):
            pairs = [(r.item, r.verdict(checker, thresholds)) for r in results if r.item.half == half_name]
            if pairs:
                s = score(pairs)
                weak = sum(1 for _, v in pairs if v == "weak")
                lines.append(f"| {name} | {label} | {s.n} | {s.tp + s.fn} | {s.precision:.3f} | {s.recall:.3f} | "
                             f"{s.supported_recall:.3f} | {weak} |")
    return "\n".join(lines)


def run_grounding_eval(assistant, paths: Path | list[Path], tune_thresholds: bool = False, show_errors: bool = False,
                       error_halves: tuple[str, ...] = ("calibration",)) -> str:
    """The figures of each set (a summary table first when there are several), with the checker the application
    uses: the call's data and synonyms are evidence."""
    from ..retrieval import HybridRetriever

    paths = [paths] if isinstance(paths, Path) else list(paths)
    checker = assistant.grounding_checker(HybridRetriever(assistant.kb))
    results_by_set = {Path(p).name: run_items(checker, load_grounding_set(p)) for p in paths}
    thresholds = checker.thresholds
    out = []
    if tune_thresholds:
        calibration = [r for results in results_by_set.values() for r in results if r.item.half == "calibration"]
        thresholds = tune(checker, calibration, thresholds)
        out.append(f"Seuils choisis sur les moitiés de réglage : {thresholds}")
    if len(paths) > 1:
        out += [summary(results_by_set, checker, thresholds), ""]
    for name, results in results_by_set.items():
        out += [f"## {name}" if len(paths) > 1 else "", report(checker, results, thresholds), ""]
        if show_errors:
            out += ["Erreurs :", errors(checker, results, thresholds, error_halves), ""]
    return "\n".join(line for line in out if line is not None).strip("\n")
