"""Answer quality, measured on what the user reads: `tests/eval/answers.yaml` (`aap eval answers`).

Each question lists the facts its answer must state (groups of any-of phrases, all groups required, the first one
being the key fact) and phrases that mean a wrong topic. Phrases match the answer's text case- and
accent-insensitively. The set is split in a tuning half and a test half; the test half is read only at the end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, field_validator

from .sentences import split_sentences
from .text_fr import fold

KINDS = ("call_fact", "call_yesno", "call_unstated", "definition", "howto", "ideas", "conversation", "out_of_scope")


class AnswerCase(BaseModel):
    id: str
    half: str
    kind: str
    q: str
    facts: list[list[str]] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)

    @field_validator("history", mode="before")
    @classmethod
    def _one_turn(cls, value):
        """A single previous question may be written as a string (« » when there is none)."""
        return ([value] if value else []) if isinstance(value, str) else value


def load_cases(path: Path, half: str = "both") -> list[AnswerCase]:
    cases = [AnswerCase.model_validate(item) for item in yaml.safe_load(Path(path).read_text(encoding="utf-8"))]
    return [c for c in cases if half == "both" or c.half == half]


def _has(text: str, phrases: list[str]) -> bool:
    folded = fold(text)
    return any(fold(p) in folded for p in phrases)


@dataclass
class Outcome:
    case: AnswerCase
    answer: str
    flagged: bool
    facts_present: bool
    key_first: bool
    wrong_topic: bool
    missing: list[list[str]] = field(default_factory=list)
    intent: str = ""

    @property
    def right(self) -> bool:
        if self.case.kind == "out_of_scope":
            return self.flagged
        return self.facts_present and not self.wrong_topic and not self.flagged


def judge(case: AnswerCase, answer) -> Outcome:
    text = answer.answer
    sentences = split_sentences(text)
    first = sentences[0] if sentences else ""
    missing = [group for group in case.facts if not _has(text, group)]
    avoided = [p for p in case.avoid if _has(text, [p])]
    in_scope = case.kind != "out_of_scope"
    return Outcome(case=case, answer=text, flagged=answer.insufficient_evidence,
                   facts_present=not missing and not (in_scope and answer.insufficient_evidence),
                   key_first=bool(case.facts) and _has(first, case.facts[0]) and not answer.insufficient_evidence,
                   wrong_topic=in_scope and (bool(avoided) or answer.insufficient_evidence or (
                       bool(case.facts) and all(not _has(text, g) for g in case.facts))),
                   missing=missing, intent=getattr(answer, "intent", ""))


def run_case(assistant, case: AnswerCase):
    history = []
    for previous in case.history:
        reply = assistant.ask(previous, history=history)
        history += [{"role": "user", "content": previous}, {"role": "assistant", "content": reply.answer}]
    return assistant.ask(case.q, history=history)


def evaluate(assistant, cases: list[AnswerCase]) -> list[Outcome]:
    return [judge(case, run_case(assistant, case)) for case in cases]


def _pct(n: int, d: int) -> str:
    return f"{n / d:.1%}" if d else "—"


def report(outcomes: list[Outcome], title: str, show_errors: bool = False) -> str:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.case.kind].append(o)
    lines = [f"### {title} ({len(outcomes)} questions)", "",
             "| type | questions | faits clés présents | fait clé en 1re phrase | hors sujet | signalés hors champ |",
             "| --- | --- | --- | --- | --- | --- |"]
    in_scope = [o for o in outcomes if o.case.kind != "out_of_scope"]
    for kind in [k for k in KINDS if k in by_kind]:
        group = by_kind[kind]
        if kind == "out_of_scope":
            lines.append(f"| {kind} | {len(group)} | — | — | — | {_pct(sum(o.flagged for o in group), len(group))} |")
            continue
        lines.append(f"| {kind} | {len(group)} | {_pct(sum(o.facts_present for o in group), len(group))} | "
                     f"{_pct(sum(o.key_first for o in group), len(group))} | "
                     f"{_pct(sum(o.wrong_topic for o in group), len(group))} | "
                     f"{_pct(sum(o.flagged for o in group), len(group))} |")
    lines.append(f"| **dans le champ** | {len(in_scope)} | {_pct(sum(o.facts_present for o in in_scope), len(in_scope))} | "
                 f"{_pct(sum(o.key_first for o in in_scope), len(in_scope))} | "
                 f"{_pct(sum(o.wrong_topic for o in in_scope), len(in_scope))} | "
                 f"{_pct(sum(o.flagged for o in in_scope), len(in_scope))} |")
    conversations = by_kind.get("conversation", [])
    oos = by_kind.get("out_of_scope", [])
    lines += ["", f"Relances justes : {_pct(sum(o.right for o in conversations), len(conversations))} ; "
                  f"hors champ signalés : {_pct(sum(o.flagged for o in oos), len(oos))} ; questions du champ signalées "
                  f"à tort : {_pct(sum(o.flagged for o in in_scope), len(in_scope))}."]
    if show_errors:
        lines += ["", "Erreurs :"]
        for o in outcomes:
            if not o.right or (o.case.facts and not o.key_first):
                lines.append(f"- {o.case.id} [{o.intent}] {o.case.q!r} (historique : {o.case.history}) — manque "
                             f"{o.missing}, 1re phrase {'ok' if o.key_first else 'sans le fait clé'}\n  → "
                             + o.answer[:400].replace("\n", " ⏎ "))
    return "\n".join(lines)


def run_answer_eval(assistant, path: Path, half: str = "tuning", show_errors: bool = False,
                    unseen: bool = True) -> str:
    """`unseen`: the question classifier is trained without any question of this set (first turns included)."""
    halves = ["tuning", "test"] if half == "both" else [half]
    if unseen and assistant.qa.intents is not None:
        cases = load_cases(path, "both")
        assistant.qa.intents = assistant.qa.intents.without([c.q for c in cases] + [h for c in cases for h in c.history])
    parts = []
    for name in halves:
        outcomes = evaluate(assistant, load_cases(path, name))
        parts.append(report(outcomes, f"Moitié « {name} »", show_errors))
    return "\n\n".join(parts)
