"""What an answer is, as the CLI's `--json`, the UI and the API return it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..grounding.models import GroundingSummary  # counted by the grounding checker

__all__ = ["Answer", "AnswerGrounding", "Citation", "GroundingSummary", "Role", "Turn"]

Role = Literal["user", "assistant"]


class Turn(BaseModel):
    role: Role
    content: str


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    section: str
    kind: str = ""
    excerpt: str
    quotes: list[str] = Field(default_factory=list, description="The passage's sentences that the answer uses.")
    score: float


class AnswerGrounding(GroundingSummary):
    """The quick check under an answer: the checker's counts, and whether the answer answers the question."""

    answers_question: bool = Field(True, description="Does its lead carry what the question asks (a date for "
                                                     "« quand », yes or no…), from passages close to it?")
    relevance_note: str | None = Field(None, description="Why the answer may not answer the question (French).")


class Answer(BaseModel):
    answer: str
    mode: str
    insufficient_evidence: bool = False
    citations: list[Citation] = Field(default_factory=list)
    grounding: AnswerGrounding = Field(default_factory=AnswerGrounding)
    closest_sources: list[Citation] = Field(default_factory=list, description="When nothing answers: the nearest passages.")
    notice: str | None = Field(None, description="A French notice for the user (e.g. the LLM failed, offline fallback).")
    removed_citations: list[int] = Field(default_factory=list, description="[n] marks of the LLM that matched no passage.")
    retrieval_query: str = ""
    intent: str = Field("", description="How the question was understood (fait de l'appel, définition…).")

    def public_dict(self) -> dict:
        """The object that `aap ask --json` prints and the web API `/ask` returns."""
        data = self.model_dump(include={"answer", "mode", "insufficient_evidence", "citations", "grounding", "notice",
                                        "removed_citations", "closest_sources", "intent"})
        for citation in data["citations"] + data["closest_sources"]:
            citation.pop("kind", None)
        return data
