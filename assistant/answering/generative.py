"""LLM modes: numbered, fenced passages in; an answer with `[n]` citations out, checked after the fact."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from ..prompts import load_prompt
from ..retrieval import Passage
from ..llm import LLMFailure, message_text
from ..llm_call import collect, stream_chunks
from .extractive import excerpt
from .models import Answer, Citation, Turn

# at most 9 digits: a hostile "[111…1]" of thousands of digits must not reach int()
CITATION_GROUP = re.compile(r"\[(\s*\d{1,9}(?:\s*[,;]\s*\d{1,9})*\s*)\]")
CANNOT_ANSWER = re.compile(r"ne permettent pas de répondre|ne couvrent pas|ne contiennent pas d'information", re.I)


# A fence tag, also written with a look-alike bracket ("‹/passage>" reads as a closing tag to a model).
FENCE_TAG = re.compile(r"[<‹＜﹤〈]\s*/?\s*(?:passage|conversation)\b[^>›＞﹥〉\n]*[>›＞﹥〉]?", re.I)
# Chat-template control tokens: some servers (llama.cpp, Ollama) would read them as real turn boundaries.
CONTROL_TOKEN = re.compile(r"<\|[^|<>\n]{1,40}\|>|\[/?INST\]|<</?SYS>>", re.I)


def fence(text: str) -> str:
    """Quoted text (a passage, a past turn) cannot close its fence, open a fake one, or carry control tokens."""
    text = CONTROL_TOKEN.sub(lambda m: "(" + m.group(0).strip("<>[]|/").strip("<>|") + ")", text)
    return FENCE_TAG.sub(lambda m: html.escape(m.group(0).replace("‹", "<").replace("›", ">")), text)


def fenced_passages(passages: list[Passage]) -> list[dict]:
    """Passages numbered from 1 as the prompts quote them: fenced text, attribute values without double quotes."""
    return [{"n": i, "title": fence(p.title).replace('"', "'"), "section": fence(p.section).replace('"', "'"),
             "text": fence(p.text)} for i, p in enumerate(passages, 1)]


def build_messages(call_title: str, question: str, passages: list[Passage], fact: str = "") -> list:
    """`fact`: the call's own answer to the question (call pack), which the model leads with."""
    system, user = load_prompt("answer").render(call_title=call_title, question=question,
                                                passages=fenced_passages(passages), fact=fence(fact))
    return [SystemMessage(system), HumanMessage(user)]


def build_action_messages(call_title: str, question: str, axes: list, passages: list[Passage],
                          passage_axes: list[str]) -> list:
    """For a request for ideas: the axes to cover (`AxisInfo`) and the fiche passages chosen for them."""
    labels = {a.id: f"{a.number} — {a.short}" for a in axes}
    numbered = [{**quoted, "axis": labels.get(axis, axis)}
                for quoted, axis in zip(fenced_passages(passages), passage_axes)]
    system, user = load_prompt("actions").render(call_title=call_title, question=question, passages=numbered,
                                                 axes=[{"number": a.number, "short": a.short} for a in axes])
    return [SystemMessage(system), HumanMessage(user)]


def check_citations(text: str, passages: list[Passage]) -> tuple[str, list[Citation], list[int]]:
    """Drop `[n]` marks that match no passage; return the cleaned text, the citations, the removed numbers."""
    removed: list[int] = []
    used: list[int] = []

    def keep_valid(match: re.Match) -> str:
        numbers = [int(x) for x in re.split(r"[,;]", match.group(1))]
        valid = [n for n in numbers if 1 <= n <= len(passages)]
        removed.extend(n for n in numbers if n not in valid)
        used.extend(valid)
        return "".join(f"[{n}]" for n in valid)

    cleaned = CITATION_GROUP.sub(keep_valid, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned).strip()
    citations = []
    for n in sorted(set(used)):
        passage = passages[n - 1]
        citations.append(Citation(n=n, doc_id=passage.doc_id, title=passage.title, section=passage.section,
                                  kind=passage.kind, excerpt=excerpt(passage, []), score=round(passage.similarity, 4)))
    return cleaned, citations, sorted(set(removed))


class LLMAnswerer:
    def __init__(self, model: BaseChatModel, call_title: str, timeout_s: float, label: str):
        self.model, self.call_title, self.timeout_s, self.label = model, call_title, timeout_s, label

    def _call(self, messages: list) -> str:
        return message_text(collect(self.model, messages, self.timeout_s))

    def stream_text(self, question: str, passages: list[Passage], messages: list | None = None, fact: str = ""
                    ) -> Iterator[str]:
        """Partial text as it arrives (for the UI); raises LLMFailure on error, or past the timeout overall (the
        stream is then closed). `messages`: another prompt than the answer's, over the same numbered `passages`."""
        messages = messages or build_messages(self.call_title, question, passages, fact)
        for chunk in stream_chunks(self.model, messages, self.timeout_s):
            yield message_text(chunk)

    def finish(self, text: str, passages: list[Passage]) -> Answer:
        if not text.strip():
            raise LLMFailure("le modèle a renvoyé une réponse vide")
        cleaned, citations, removed = check_citations(text, passages)
        if CANNOT_ANSWER.search(cleaned) and not citations:
            return Answer(answer=cleaned, mode=self.label, insufficient_evidence=True, removed_citations=removed)
        if not citations:
            raise LLMFailure("la réponse du modèle ne citait aucun passage")
        return Answer(answer=cleaned, mode=self.label, citations=citations, removed_citations=removed)

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        return self.finish(self._call(build_messages(self.call_title, question, passages)), passages)

    def condense(self, question: str, history: list[Turn]) -> str:
        """The follow-up rewritten as a standalone question; the original when the model fails."""
        turns = [{"role": t.role, "content": fence(t.content)} for t in history[-6:]]  # past answers quote documents
        system, user = load_prompt("condense").render(history=turns, question=question)
        try:
            rewritten = self._call([SystemMessage(system), HumanMessage(user)]).strip().splitlines()
        except LLMFailure:
            return question
        return rewritten[0].strip() if rewritten and 3 <= len(rewritten[0]) <= 500 else question
