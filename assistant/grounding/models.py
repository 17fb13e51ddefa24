"""What the grounding checker returns: one verdict per sentence, the passage behind it, and a summary.

`GroundingReport.model_dump()` is the JSON of `aap check --json`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["supported", "weak", "unsupported"]


class GroundingSummary(BaseModel):
    supported: int = 0
    weak: int = 0
    unsupported: int = 0


class SourcePassage(BaseModel):
    """The passage a verdict rests on, as a reviewer reads it."""

    doc_id: str
    title: str
    section: str
    excerpt: str = Field(description="The sentence(s) of the passage that support, or contradict, the checked sentence.")


class CitationCheck(BaseModel):
    """One `[n]` mark of a sentence: does the passage it points to support the sentence?"""

    n: int
    correct: bool
    reason: str
    supporting: SourcePassage | None = Field(
        None, description="When the citation is wrong: a passage that does support the sentence, if there is one.")


class SentenceCheck(BaseModel):
    text: str
    verdict: Verdict
    passage: SourcePassage | None
    reason: str
    score: float = Field(0.0, description="Similarity of the sentence to the passage (0 to 1).")
    citations: list[CitationCheck] = Field(default_factory=list)
    action: str | None = Field(None, description="For a plan: the title of the action the sentence describes.")
    nuance: str | None = Field(None, description="A supported sentence that says it a little differently from its "
                                                 "source (« jusqu'au 30 avril » for « avant le 30 avril »): how.")


class GroundingReport(BaseModel):
    sentences: list[SentenceCheck] = Field(default_factory=list)
    summary: GroundingSummary = Field(default_factory=GroundingSummary)

    @classmethod
    def of(cls, sentences: list[SentenceCheck]) -> "GroundingReport":
        summary = GroundingSummary()
        for sentence in sentences:
            setattr(summary, sentence.verdict, getattr(summary, sentence.verdict) + 1)
        return cls(sentences=sentences, summary=summary)

    @property
    def wrong_citations(self) -> list[tuple[SentenceCheck, CitationCheck]]:
        return [(s, c) for s in self.sentences for c in s.citations if not c.correct]

    def summary_fr(self) -> str:
        """The report as a reviewer reads it in a terminal."""
        marks = {"supported": "✔ appuyée", "weak": "~ fragile", "unsupported": "✘ NON APPUYÉE"}
        lines: list[str] = []
        action = None
        for i, s in enumerate(self.sentences, 1):
            if s.action and s.action != action:
                action = s.action
                lines.append(f"\n## {action}")
            lines.append(f"{i}. [{marks[s.verdict]}{' (nuance)' if s.nuance else ''}] {s.text}")
            lines.append(f"   {s.reason}")
            if s.passage:
                lines.append(f"   Passage : « {s.passage.excerpt} »")
            for c in s.citations:
                if not c.correct:
                    lines.append(f"   ⚠ {c.reason}")
        wrong = len(self.wrong_citations)
        lines.append(f"\nBilan : {self.summary.supported} appuyée(s), {self.summary.weak} fragile(s), "
                     f"{self.summary.unsupported} non appuyée(s)" + (f" ; {wrong} citation(s) erronée(s)." if wrong else "."))
        return "\n".join(lines).lstrip("\n")
