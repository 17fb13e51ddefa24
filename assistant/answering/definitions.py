"""« Que veut dire CLSPD ? », « C'est quoi TAPAJ ? »: the glossary's line, then the first sentences of the fiche
that describes the subject, each cited."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..glossary import name_pattern
from ..retrieval import Filters, HybridRetriever, LEXICAL_ONLY, Passage
from ..sentences import split_sentences
from ..text_fr import fold
from .actions import fiche_ages
from .base import Citations, is_answer_sentence
from .models import Answer
from .query import AGE_ASKED, Query

DESCRIPTION_SENTENCES = 2


class DefinitionAnswerer:
    def __init__(self, retriever: HybridRetriever):
        self.retriever = retriever

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[Answer]:
        if query.compares:  # « Quelle différence entre un PAEJ et une CJC ? »: each defined, side by side
            pair = list(query.subjects[:2])
            if query.ages:  # « TAPAJ ou chantier éducatif pour des 17 ans ? »: the one whose public holds them first
                pair.sort(key=lambda subject: not _public_holds(subject.public, query.ages))
            blocks = [self._parts(query, subject, sentences=1) for subject in pair]
            seen: set[tuple[str, ...]] = set()  # one fiche for both (« E2C et EPIDE »): its sentences once
            parts = [part for block in blocks if block for part in block
                     if tuple(part[2]) not in seen and not seen.add(tuple(part[2]))]
            if len([b for b in blocks if b]) < 2:
                parts = blocks[0] if blocks and blocks[0] else []
        else:
            parts = self._parts(query, query.subjects[0])
        if not parts:  # defined nowhere after all: the caller's extractive answer takes over
            return
        citations = Citations()
        lines = []
        for line, passage, quotes in parts:
            n = [citations.cite(passage, q) for q in quotes][0]
            lines.append(f"{line} [{n}]")
        yield Answer(answer="\n\n".join(lines), mode="none", citations=citations.all())

    def _parts(self, query: Query, subject, sentences: int = DESCRIPTION_SENTENCES
               ) -> list[tuple[str, Passage, list[str]]]:
        """The subject's glossary line, its fiche's first sentences and its public: (line, passage, quoted)."""
        parts: list[tuple[str, Passage, list[str]]] = []  # (line, passage, its quoted sentences)
        if subject.definition and subject.reference_doc:
            passage = self.retriever.passage_containing(subject.reference_doc, subject.definition)
            if passage is not None:
                quote = _line_in(passage.text, subject.definition) or subject.definition
                parts.append((_plain_definition(subject.definition), passage, [quote]))
        if subject.fiche:
            description = self._description(subject.fiche, subject.fiche_title or subject.label)
            opening = [s for s in split_sentences(description.text) if is_answer_sentence(s) and len(s.split()) >= 5
                       ][:sentences] if description else []
            if opening:
                body = " ".join(opening)
                shared_line = subject.definition is not None and "/" in subject.definition.split("—")[0]
                # « C'est quoi la prévention situationnelle ? »: the glossary line defines another name (« ESSP — … »)
                other_name = subject.definition is not None and not _asked_by_line_name(query.question, subject)
                if not parts or shared_line or other_name:  # « CLSPD / CISPD — … »: the fiche's own sentence names it
                    parts.insert(0, (body, description, opening))
                else:
                    parts.append((f"La fiche « {subject.fiche_title} » le décrit ainsi : {body}", description, opening))
            if subject.public:
                summary = self.retriever.passage_containing(subject.fiche, f"Public visé : {subject.public}")
                if summary is not None:
                    sentence = f"Public visé : {subject.public}."
                    public = (sentence if not query.compares else f"{subject.label}, public visé : "
                              f"{subject.public}.", summary, [sentence])
                    # « TAPAJ, c'est pour qui ? »: its public is the answer, what it is comes next
                    if AGE_ASKED.search(fold(query.question)) or query.compares and query.ages:
                        parts.insert(0, public)
                    else:
                        parts.append(public)
        return parts

    def _description(self, doc_id: str, title: str) -> Passage | None:
        """The first passage of the fiche's « Description » section (its opening sentences define the subject)."""
        found = self.retriever.search(f"{title} description", k=8, filters=Filters(doc_id=doc_id), weights=LEXICAL_ONLY)
        described = [p for p in found if p.section.lower().startswith("description")] or [
            p for p in found if "en bref" not in p.section.lower()]
        if not described:
            return None
        positions = {c.id: c.position for c in self.retriever.kb.chunks([i for p in described for i in p.chunk_ids])}
        return min(described, key=lambda p: min(positions.get(i, 1 << 30) for i in p.chunk_ids))


def _public_holds(public: str | None, ages: tuple[int, int]) -> bool:
    """Does a fiche's « Public visé » span the ages asked (« jeunes de 16 à 25 ans » holds 17)?"""
    span = fiche_ages(public or "")
    return span is not None and span[0] <= ages[0] and ages[1] <= span[1]


def _asked_by_line_name(question: str, subject) -> bool:
    """Does the question name the subject by a name its glossary line spells (« MDA », « maison des adolescents »),
    or by no name at all (a follow-up)? « Prévention situationnelle » is not in « ESSP — étude de sûreté… »."""
    line, folded = fold(subject.definition), fold(question)
    named = [name for name in subject.names if name_pattern(name).search(folded)]
    return not named or any(name_pattern(name).search(line) for name in named)


def _plain_definition(line: str) -> str:
    """« CLSPD / CISPD — conseil local … » : the glossary line as a sentence."""
    text = line.replace("**", "").strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _line_in(text: str, definition: str) -> str | None:
    """The glossary line as it stands in the passage (with its Markdown), for highlighting."""
    head = definition.split("—")[0].strip()
    for line in text.splitlines():
        item = re.sub(r"^\s*-\s*", "", line).strip()
        # the line the subject heads, not one that only mentions it (« INPES — … a fait adapter le PSFP. »)
        if head and item.replace("**", "").startswith(head):
            return item
    return None
