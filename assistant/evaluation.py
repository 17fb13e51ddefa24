"""Quality figures: retrieval on tests/eval/questions.yaml (recall@1, recall@5, MRR@10, out-of-scope detection)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from .retrieval import FusionWeights, HybridRetriever, Passage


class EvalQuestion(BaseModel):
    q: str
    gold: list[str] = Field(default_factory=list)
    out_of_scope: bool = False


def load_questions(path: Path) -> list[EvalQuestion]:
    return [EvalQuestion.model_validate(item) for item in yaml.safe_load(Path(path).read_text(encoding="utf-8"))]


@dataclass
class RetrievalScores:
    name: str
    recall_at_1: float
    recall_at_5: float
    mrr_at_10: float
    questions: int


def first_gold_rank(passages: list[Passage], gold: list[str]) -> int | None:
    return next((rank for rank, p in enumerate(passages, 1) if p.doc_id in gold), None)


def score_retrieval(name: str, retriever: HybridRetriever, questions: list[EvalQuestion],
                    weights: FusionWeights) -> RetrievalScores:
    in_scope = [q for q in questions if not q.out_of_scope]
    ranks = [first_gold_rank(retriever.search(q.q, k=10, weights=weights), q.gold) for q in in_scope]
    n = len(in_scope)
    return RetrievalScores(
        name=name, questions=n,
        recall_at_1=sum(1 for r in ranks if r == 1) / n,
        recall_at_5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr_at_10=sum(1 / r for r in ranks if r is not None) / n,
    )


def scope_rates(assistant, questions: list[EvalQuestion]) -> tuple[float, float]:
    """(share of out-of-scope questions flagged, share of in-scope questions flagged) by `ask`."""
    flagged = {True: 0, False: 0}
    totals = {True: 0, False: 0}
    for q in questions:
        totals[q.out_of_scope] += 1
        flagged[q.out_of_scope] += assistant.ask(q.q).insufficient_evidence
    return flagged[True] / max(totals[True], 1), flagged[False] / max(totals[False], 1)


def run_retrieval_eval(settings, question_paths: list[Path], models: list[str]) -> str:
    """The tables of docs/benchmarks.md: every model and fusion, side by side, on each question set."""
    import tempfile

    from .facade import Assistant
    from .retrieval import DEFAULT_WEIGHTS

    question_sets = {path.name: load_questions(path) for path in question_paths}
    rows = {name: [] for name in question_sets}
    default_assistant = None
    for model in models:
        data_dir = settings.data_dir if model == settings.embedding_model else Path(tempfile.mkdtemp(prefix="aap-eval-"))
        assistant = Assistant.from_settings(settings.model_copy(update={"embedding_model": model,
                                                                        "data_dir": data_dir}))
        assistant.ingest()
        retriever = HybridRetriever(assistant.kb)
        runs = ([("BM25 seul", FusionWeights(0, 1))] if model == models[0] else []) + [
            ("dense seul", FusionWeights(1, 0)), ("hybride RRF 1:1", FusionWeights(1, 1)),
            (f"hybride RRF {DEFAULT_WEIGHTS.dense:g}:{DEFAULT_WEIGHTS.lexical:g} (défaut)", DEFAULT_WEIGHTS)]
        for name, weights in runs:
            label = "—" if weights.dense == 0 else model
            for set_name, questions in question_sets.items():
                s = score_retrieval(name, retriever, questions, weights)
                rows[set_name].append(f"| {label} | {name} | {s.recall_at_1:.3f} | {s.recall_at_5:.3f} | {s.mrr_at_10:.3f} |")
        if model == settings.embedding_model:
            default_assistant = assistant
    lines = []
    for set_name, questions in question_sets.items():
        lines += [f"Questions : {sum(not q.out_of_scope for q in questions)} dans le champ, "
                  f"{sum(q.out_of_scope for q in questions)} hors champ ({set_name})", "",
                  "| modèle | recherche | recall@1 | recall@5 | MRR@10 |", "| --- | --- | --- | --- | --- |",
                  *rows[set_name]]
        if default_assistant is not None:
            oos, ins = scope_rates(default_assistant, questions)
            lines += ["", f"Hors champ signalés : {oos:.1%} des questions hors champ, "
                          f"{ins:.1%} des questions dans le champ."]
        lines.append("")
    return "\n".join(lines)
