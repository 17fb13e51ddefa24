"""« Que veut dire CLSPD ? », « C'est quoi TAPAJ ? »: the glossary's line, then the first sentences of the fiche
that describes the subject, each cited."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..retrieval import Filters, HybridRetriever, LEXICAL_ONLY, Passage
from ..sentences import split_sentences
from .base import Citations, is_answer_sentence
from .models import Answer
from .query import Query

DESCRIPTION_SENTENCES = 2


class DefinitionAnswerer:
    def __init__(self, retriever: HybridRetriever):
        self.retriever = retriever

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[Answer]:
        subject = query.subjects[0]
        citations = Citations()
        lines: list[str] = []
        if subject.definition and subject.reference_doc:
            passage = self.retriever.passage_containing(subject.reference_doc, subject.definition)
            if passage is not None:
                quote = _line_in(passage.text, subject.definition) or subject.definition
                lines.append(f"{_plain_definition(subject.definition)} [{citations.cite(passage, quote)}]")
        if subject.fiche:
            description = self._description(subject.fiche, subject.fiche_title or subject.label)
            sentences = [s for s in split_sentences(description.text) if is_answer_sentence(s) and len(s.split()) >= 5
                         ][:DESCRIPTION_SENTENCES] if description else []
            if sentences:
                n = citations.cite(description, sentences[0])
                for sentence in sentences[1:]:
                    citations.cite(description, sentence)
                body = " ".join(sentences)
                lines.append(f"{body} [{n}]" if not lines else
                             f"La fiche « {subject.fiche_title} » le décrit ainsi : {body} [{n}]")
        if not lines:  # defined nowhere after all: the caller's extractive answer takes over
            return
        yield Answer(answer="\n\n".join(lines), mode="none", citations=citations.all())

    def _description(self, doc_id: str, title: str) -> Passage | None:
        found = self.retriever.search(f"{title} description", k=6, filters=Filters(doc_id=doc_id), weights=LEXICAL_ONLY)
        return next((p for p in found if p.section.lower().startswith("description")), None) or (
            next((p for p in found if "en bref" not in p.section.lower()), None))


def _plain_definition(line: str) -> str:
    """« CLSPD / CISPD — conseil local … » : the glossary line as a sentence."""
    text = line.replace("**", "").strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _line_in(text: str, definition: str) -> str | None:
    """The glossary line as it stands in the passage (with its Markdown), for highlighting."""
    head = definition.split("—")[0].strip()
    for line in text.splitlines():
        if head and head in line.replace("**", ""):
            return re.sub(r"^\s*-\s*", "", line).strip()
    return None
