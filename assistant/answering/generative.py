"""LLM modes: numbered, fenced passages in; an answer with `[n]` citations out, checked after the fact."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from ..prompts import load_prompt
from ..retrieval import Passage
from ..llm import LLMFailure, message_text
from ..llm_call import collect, stream_chunks
from ..tokens import answer_budget, fit_items, messages_tokens, shorten
from .extractive import excerpt
from .models import Answer, Citation, Turn

# at most 9 digits: a hostile "[111…1]" of thousands of digits must not reach int()
CITATION_GROUP = re.compile(r"\[(\s*\d{1,9}(?:\s*[,;]\s*\d{1,9})*\s*)\]")
CANNOT_ANSWER = re.compile(r"ne permettent pas de répondre|ne couvrent pas|ne contiennent pas d'information", re.I)
# What a part of an answer may say without a citation: a heading, a lead-in ending with « : », the ideas prompt's
# « Aucune fiche ne correspond à cet axe… »; anything of UNCITED_WORDS words or more must cite a passage.
UNCITED_WORDS = 10
NEEDS_NO_CITATION = re.compile(r"^\s*(?:#|\*\*[^*]+\*\*\s*$)|:\s*$|aucune fiche ne correspond", re.I)


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


def uncited_parts(text: str) -> list[str]:
    """The paragraphs and list items of `text` that state something (UNCITED_WORDS words or more) without `[n]`."""
    parts = [p.strip() for block in re.split(r"\n\s*\n", text) for p in re.split(r"\n(?=\s*(?:[-*•]|\d+[.)])\s)", block)]
    return [p for p in parts if p and not CITATION_GROUP.search(p) and not NEEDS_NO_CITATION.search(p)
            and len(re.findall(r"\w+", p)) >= UNCITED_WORDS]


def _shortened(passage: Passage, limit: int | None) -> Passage:
    return passage if limit is None else passage.model_copy(update={"text": shorten(passage.text, limit)})


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
        citations.append(Citation.of(passage, n, excerpt(passage, [])))
    return cleaned, citations, sorted(set(removed))


def cut_by_token_limit(chunk) -> bool:
    """The stream ended because the token limit was reached (OpenAI, Mistral: `length`; Ollama: `done_reason`)."""
    metadata = getattr(chunk, "response_metadata", None) or {}
    return "length" in (metadata.get("finish_reason"), metadata.get("done_reason"))


class LLMAnswerer:
    def __init__(self, model: BaseChatModel, call_title: str, timeout_s: float, label: str,
                 context_tokens: int = 8192):
        self.model, self.call_title, self.timeout_s, self.label = model, call_title, timeout_s, label
        self.context_tokens = context_tokens

    def fit(self, question: str, passages: list[Passage], fact: str = "",
            render: Callable[[list[Passage]], list] | None = None, keep_all: bool = False) -> list[Passage]:
        """The passages as the prompt can hold them with room left for the answer: shorter, then fewer (never
        fewer with `keep_all`). `render`: another prompt than the answer's over these passages. Citations are
        then checked against these very passages, as the model saw them."""
        render = render or (lambda kept: build_messages(self.call_title, question, kept, fact))
        return fit_items(passages, _shortened, lambda kept: messages_tokens(render(kept)),
                         answer_budget(self.context_tokens), keep_all=keep_all)

    def _call(self, messages: list) -> str:
        return message_text(collect(self.model, messages, self.timeout_s))

    def stream_text(self, question: str, passages: list[Passage], messages: list | None = None, fact: str = ""
                    ) -> Iterator[str]:
        """Partial text as it arrives (for the UI); raises LLMFailure on error, or past the timeout overall (the
        stream is then closed). `messages`: another prompt than the answer's, over the same numbered `passages`."""
        messages = messages or build_messages(self.call_title, question, passages, fact)
        cut = False
        for chunk in stream_chunks(self.model, messages, self.timeout_s):
            cut = cut or cut_by_token_limit(chunk)  # said by one of the last chunks, not always the very last
            yield message_text(chunk)
        if cut:
            raise LLMFailure("réponse coupée à la limite de jetons (AAP_LLM_MAX_TOKENS_ANSWER)")

    def finish(self, text: str, passages: list[Passage]) -> Answer:
        """The model's text as an answer only when every part of it cites a passage; otherwise an LLMFailure
        naming why, so that the offline answer is shown instead (with a notice). A refusal is never the model's
        own: the caller's offline answer says « not covered » with the closest sources, or answers."""
        if not text.strip():
            raise LLMFailure("le modèle a renvoyé une réponse vide")
        cleaned, citations, removed = check_citations(text, passages)
        if CANNOT_ANSWER.search(cleaned):
            raise LLMFailure("il a répondu que les documents ne permettaient pas de répondre" +
                             (", tout en citant des passages" if citations else ""))
        if not citations:
            raise LLMFailure("la réponse du modèle ne citait aucun passage")
        uncited = uncited_parts(cleaned)
        if uncited:
            raise LLMFailure(f"{len(uncited)} partie(s) de sa réponse ne citai{'en' if len(uncited) > 1 else ''}t "
                             "aucun passage")
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
