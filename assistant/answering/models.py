"""What an answer is, as the CLI's `--json`, the UI and the API return it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

from ..grounding.models import GroundingSummary  # counted by the grounding checker
from ..provenance import kind_label
from .instructions import instruction_sentences

__all__ = ["Answer", "AnswerGrounding", "Citation", "GroundingSummary", "Role", "SourceConflict", "Turn"]

Role = Literal["user", "assistant"]


class Turn(BaseModel):
    role: Role
    content: str


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    section: str
    kind: str = Field("", description="Where the passage comes from: appel, pratique (a fiche), référence, document "
                                      "local (a document the collectivity added).")
    excerpt: str
    quotes: list[str] = Field(default_factory=list, description="The passage's sentences that the answer uses.")
    score: float
    added_by: str | None = Field(None, description="A document the collectivity added: who added it.")
    added_at: str | None = Field(None, description="A document the collectivity added: when (ISO 8601, UTC).")
    instructions: list[str] = Field(default_factory=list, description="Sentences of the excerpt that read as orders "
                                    "to the assistant: quoted as data, never followed, never an answer's lead.")

    @computed_field(description="The kind as users read it: Appel, Fiche, Référence, Document de la collectivité.")
    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @classmethod
    def of(cls, passage, n: int, excerpt: str, quotes: list[str] | None = None) -> "Citation":
        """The citation of a retrieval `Passage`, its provenance included."""
        return cls(n=n, doc_id=passage.doc_id, title=passage.title, section=passage.section, kind=passage.kind,
                   excerpt=excerpt, quotes=list(quotes or []), score=round(passage.similarity, 4),
                   added_by=passage.added_by or None, added_at=passage.added_at or None,
                   instructions=instruction_sentences(excerpt))


class SourceConflict(BaseModel):
    """A user's document that says otherwise than the call on a fact of the call: shown, never taken as the call."""

    fact: str = Field(description="Id of the fact of the call (facts.yaml).")
    doc_id: str
    title: str
    added_by: str | None = None
    added_at: str | None = None
    document_value: str = Field(description="What the document says, as found in it (« 31 décembre 2024 »).")
    call_value: str = Field(description="What the call says (« 30 avril 2024 »).")
    document_n: int = Field(description="The [n] of the document's passage among the answer's citations.")
    call_n: int | None = Field(None, description="The [n] of the call's passage.")
    text: str = Field(description="The French sentence shown in the answer.")


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
    conflicts: list[SourceConflict] = Field(default_factory=list, description="The collectivity's documents that "
                                            "contradict the call on a fact of the call (the call is what the answer "
                                            "states).")
    retrieval_query: str = ""
    intent: str = Field("", description="How the question was understood (fait de l'appel, définition…).")

    def public_dict(self) -> dict:
        """The object that `aap ask --json` prints and the web API `/ask` returns."""
        return self.model_dump(mode="json", include={
            "answer", "mode", "insufficient_evidence", "citations", "grounding", "notice", "removed_citations",
            "closest_sources", "intent", "conflicts"})
