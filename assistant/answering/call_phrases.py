"""« L'appel parle de « réappropriation de l'espace public », concrètement ça veut dire quoi ? »: a phrase quoted from
the call, asked about. The call's own sentence that holds it comes first, then what the fiches say of it, cited."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..criteria import CallCriteria
from ..documents import Kind
from ..retrieval import HybridRetriever, Passage
from ..sentences import split_sentences
from ..text_fr import fold
from .base import Citations, is_answer_sentence, readable
from .extractive import SentenceScorer, select_sentences
from .models import Answer
from .query import DEFINITION, HOW, Query

QUOTED = re.compile(r"[«\"“]\s*([^»\"”]{6,160}?)\s*[»\"”]")
# what the question asks of the phrase: its meaning, or what to do about it
ASKS_MEANING = re.compile(r"concretement|en pratique|que faut-il (?:entendre|comprendre)|qu'entend|entend-on|"
                          r"a quoi (?:ca|cela) renvoie|(?:ca|cela) (?:implique|recouvre) quoi|que recouvre")
# « L'appel parle d'un « défi majeur » : pour qui ? », « … — et proposer quoi à la place ? »: a question on the phrase
ASKS_OF_IT = re.compile(r"\b(?:quoi|qui|lesquel\w*|quel\w*|c'est-a-dire)\b")
FICHE_SENTENCES = 2


def quoted_phrase(question: str) -> str | None:
    """The phrase a question quotes and asks the meaning of (or how to act on), if it does."""
    found = QUOTED.search(question)
    folded = fold(question)
    if found is None or not (DEFINITION.search(folded) or ASKS_MEANING.search(folded) or HOW.search(folded)
                             or "?" in question and ASKS_OF_IT.search(folded)):
        return None
    phrase = found.group(1).strip(" .,;:")
    return phrase if len(phrase.split()) >= 2 else None  # « l'axe « alternatives » » names a label, not a phrase


def sentence_holding(text: str, phrase: str) -> str | None:
    """The sentence (or list item) of `text` that holds `phrase`, accents, case and apostrophes aside."""
    key = fold(phrase)  # fold makes typographic apostrophes plain
    for line in text.splitlines():
        for sentence in split_sentences(re.sub(r"^\s*[-*]\s*", "", line)):
            if key in fold(sentence):
                return sentence.strip()
    return None


class CallPhraseAnswerer:
    def __init__(self, criteria: CallCriteria, retriever: HybridRetriever, scorer: SentenceScorer,
                 titles: dict[str, str]):
        self.criteria, self.retriever, self.scorer, self.titles = criteria, retriever, scorer, titles

    def in_call(self, phrase: str) -> tuple[Passage, str] | None:
        """The call's passage and sentence that hold the phrase, when the call says it."""
        passage = self.retriever.passage_containing(self.criteria.id, phrase)
        sentence = sentence_holding(passage.text, phrase) if passage is not None else None
        return (passage, sentence) if sentence else None

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[Answer]:
        found = self.in_call(query.call_phrase) if query.call_phrase else None
        if found is None:
            return
        passage, sentence = found
        citations = Citations()
        text = (f"Dans l'appel, « {query.call_phrase} » figure dans cette phrase : « {sentence.rstrip(' .;')} » "
                f"[{citations.cite(passage, sentence)}]")
        wanted = f"{query.call_phrase} ({query.question})"
        vector = self.retriever.kb.embeddings.embed_query(wanted)
        fiches = [p for p in self.retriever.search(wanted, k=6, vector=vector) if p.kind == Kind.PRACTICE.value]
        scored = [s for s in self.scorer.score(wanted, vector, fiches) if is_answer_sentence(s.text)]
        chosen = select_sentences(scored, fiches)[:FICHE_SENTENCES]
        if chosen:
            text += "\n\nCe qu'en disent les fiches de bonnes pratiques :\n" + "\n".join(
                f"- {readable(s.text, self.titles)} [{citations.cite(fiches[s.passage_index], s.text)}]"
                for s in chosen)
        yield Answer(answer=text, mode="none", citations=citations.all())
