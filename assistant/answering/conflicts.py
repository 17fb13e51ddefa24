"""A user's document that contradicts the call on a fact of the call is shown as a conflict, never as the answer.

The call wins (DESIGN.md, trust order): the answer states the call's value, then says « Votre document « Note »
(ajouté par marie le 4 décembre 2026) indique 31 décembre 2024 [2] ; l'appel indique 30 avril 2024 [1]. » What a
contradiction looks like for each fact is data of the call (`conflict` in facts.yaml, read by `ConflictRule`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..call_facts import CallFact, CallFacts, ConflictRule
from ..criteria import CallCriteria
from ..documents import Kind
from ..grounding.details import DATE_ISO, DATE_NUMERIC, DATE_TEXT, MONTHS
from ..provenance import MONTHS_FR, added_note
from ..retrieval import Filters, HybridRetriever, Passage
from ..sentences import split_sentences
from ..text_fr import fold_keeping_offsets
from .base import excerpt
from .models import Answer, Citation, SourceConflict
from .query import Intent, Query

HEADER = "⚠️ Vos documents disent autre chose que l'appel ; c'est le texte de l'appel qui fait foi :"
LOCAL_PASSAGES = 8  # the user's passages read for a conflict on the fact asked (the best ones for the question)
DENIAL = re.compile(r"\b(?:ne|n'|pas|plus|non|aucune?|jamais|exclue?s?|interdite?s?)\b")
COUNT_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
               "neuf": 9, "dix": 10}
COUNT = r"\b(\d{1,2}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+(?:(?:grands?|principaux|seule?s?)\s+)?"


@dataclass(frozen=True)
class Found:
    fact: CallFact
    passage: Passage
    sentence: str
    value: str  # what the document says, as written (or as a French date)


def contradiction(rule: ConflictRule, sentence: str) -> str | None:
    """What `sentence` says against the call on this fact, or None when it agrees, denies or speaks of another
    subject. Patterns read the sentence folded one character for one, so a match is cut from the original."""
    folded = fold_keeping_offsets(sentence.replace("’", "'"))
    subjects = [m.span() for m in rule.about_pattern.finditer(folded)]
    if not subjects:
        return None

    def near(start: int, end: int) -> bool:
        return any(start - rule.near <= s_end and s_start <= end + rule.near for s_start, s_end in subjects)

    if rule.dates:
        found = [(m, d) for m, d in _dates(folded) if near(*m.span())]
        if found:
            nearest = min(found, key=lambda f: min(abs(f[0].start() - s) for s, _ in subjects))
            match, (day, month, year) = nearest
            calls = [date.fromisoformat(d) for d in rule.dates]
            if not any(month == c.month and day in (None, c.day) and year in (None, c.year) for c in calls):
                return _french(day, month, year)
    if rule.counts and rule.count is not None:
        for match in re.finditer(COUNT + rf"(?:{rule.counts})\b", folded):
            word = match.group(1)
            number = int(word) if word.isdigit() else COUNT_WORDS[word]
            if number != rule.count and near(*match.span()) and not _denied(folded, match):
                return sentence[match.start():match.end()]
    if rule.contradicting_pattern is not None:
        for match in rule.contradicting_pattern.finditer(folded):
            if near(*match.span()) and not _denied(folded, match):
                return sentence[match.start():match.end()]
    return None


def _denied(folded: str, match: re.Match) -> bool:
    """The clause around the value says no (« les associations ne peuvent pas candidater »); a negation inside the
    value is its own (« pas obligatoire de couvrir tous les axes »)."""
    start = max(folded.rfind(sep, 0, match.start()) for sep in (",", ";", ".", ":", "(")) + 1
    ends = [i for i in (folded.find(sep, match.end()) for sep in (",", ";", ".", ")")) if i >= 0]
    return bool(DENIAL.search(folded[start:match.start()] + " " + folded[match.end():min(ends, default=len(folded))]))


def _dates(folded: str):
    for m in DATE_ISO.finditer(folded):
        yield m, (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    for m in DATE_NUMERIC.finditer(folded):
        yield m, (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for m in DATE_TEXT.finditer(folded):
        if m.group(1) or m.group(3):  # « mai » alone is not a date
            yield m, (int(m.group(1)) if m.group(1) else None, MONTHS[m.group(2)],
                      int(m.group(3)) if m.group(3) else None)


def _french(day: int | None, month: int, year: int | None) -> str:
    if not 1 <= month <= 12:
        return f"{day}/{month}/{year}"
    head = "" if day is None else ("1er " if day == 1 else f"{day} ")
    return f"{head}{MONTHS_FR[month - 1]}{f' {year}' if year else ''}"


class ConflictFinder:
    def __init__(self, criteria: CallCriteria, facts: CallFacts, retriever: HybridRetriever):
        self.criteria, self.retriever = criteria, retriever
        self.ruled = [f for f in facts.facts if f.conflict is not None]

    def find(self, query: Query, answer: Answer, passages: list[Passage]) -> list[Found]:
        """For a fact of the call: the user's passages on it that contradict it. Otherwise: the user's passages that
        the answer quotes, read against every fact of the call."""
        if not self.ruled:
            return []
        if query.intent is Intent.CALL_FACT:
            fact = query.fact
            if getattr(fact, "conflict", None) is None:
                return []
            local = self.retriever.search(query.text, k=LOCAL_PASSAGES, filters=Filters(kind=Kind.LOCAL.value),
                                          vector=list(query.vector) if query.vector else None)
            return self._scan([(p, split_sentences(p.text)) for p in local], [fact])
        quoted = {(c.doc_id, q) for c in answer.citations if c.kind == Kind.LOCAL.value for q in c.quotes}
        cited = [p for p in passages if p.kind == Kind.LOCAL.value and any(d == p.doc_id and q in p.text
                                                                           for d, q in quoted)]
        return self._scan([(p, split_sentences(p.text)) for p in cited], self.ruled)

    def _scan(self, passages: list[tuple[Passage, list[str]]], facts: list[CallFact]) -> list[Found]:
        found, seen = [], set()
        for passage, sentences in passages:
            for sentence in sentences:
                for fact in facts:
                    value = contradiction(fact.conflict, sentence)
                    if value and (passage.doc_id, fact.id) not in seen:  # one conflict per document and fact
                        seen.add((passage.doc_id, fact.id))
                        found.append(Found(fact, passage, sentence.strip(), value))
        return found

    def attach(self, answer: Answer, found: list[Found]) -> Answer:
        """The answer with its conflicts: listed after it, each citing the document's passage and the call's."""
        if not found:
            return answer
        citations = list(answer.citations)
        conflicts = []
        for f in found:
            doc_n = self._cite(citations, f.passage, f.sentence)
            call_n = self._cite_call(citations, f.fact)
            note = added_note(f.passage.added_by, f.passage.added_at)
            text = (f"Votre document « {f.passage.title} »{f' ({note})' if note else ''} indique {f.value} [{doc_n}] ; "
                    f"l'appel indique {f.fact.conflict.call_value}" + (f" [{call_n}]." if call_n else "."))
            conflicts.append(SourceConflict(
                fact=f.fact.id, doc_id=f.passage.doc_id, title=f.passage.title, added_by=f.passage.added_by or None,
                added_at=f.passage.added_at or None, document_value=f.value, call_value=f.fact.conflict.call_value,
                document_n=doc_n, call_n=call_n, text=text))
        block = "\n\n" + HEADER + "\n" + "\n".join(f"- {c.text}" for c in conflicts)
        return answer.model_copy(update={"answer": answer.answer + block, "citations": citations,
                                         "conflicts": answer.conflicts + conflicts})

    @staticmethod
    def _cite(citations: list[Citation], passage: Passage, sentence: str) -> int:
        for c in citations:
            if c.doc_id == passage.doc_id and (sentence in c.quotes or sentence in c.excerpt):
                return c.n
        n = max((c.n for c in citations), default=0) + 1
        citations.append(Citation.of(passage, n, excerpt(passage, [sentence]), [sentence]))
        return n

    def _cite_call(self, citations: list[Citation], fact: CallFact) -> int | None:
        quotes = [q.text for q in fact.quotes]
        for c in citations:
            if c.doc_id == self.criteria.id and any(q in c.quotes or q in c.excerpt for q in quotes):
                return c.n
        passage = self.retriever.passage_containing(self.criteria.id, quotes[0])
        return self._cite(citations, passage, quotes[0]) if passage is not None else None


def without_conflicts(text: str) -> str:
    """The answer without its conflict block (what the grounding checker reads: the block quotes no source)."""
    return text.split("\n\n" + HEADER, 1)[0]
