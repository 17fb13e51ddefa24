"""« Comment monter un diagnostic partagé ? »: the steps of the fitting fiche's implementation section, cited.

The fiche is the best practice fiche among the retrieved passages (one that names the question's subject first);
its « Mise en œuvre » section gives the answer: the steps closest to the question, in the fiche's own order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..documents import Kind
from ..retrieval import Filters, HybridRetriever, Passage
from ..text_fr import fold
from .base import Citations, is_answer_sentence, readable
from .extractive import SentenceScorer, select_sentences
from .models import Answer
from .query import Query

IMPLEMENTATION = ("mise en œuvre", "mise en oeuvre", "comment les mobiliser", "comment la mobiliser",
                  "comment le mobiliser")
MAX_STEPS = 6
# A fiche's passages searched for its implementation section: all of them (a fiche has about ten), since a question
# worded like its description (« on le met en place comment ? » after « Qu'est-ce que le PSFP ? ») must still reach it
FICHE_PASSAGES = 30


class HowToAnswerer:
    def __init__(self, retriever: HybridRetriever, scorer: SentenceScorer, titles: dict[str, str]):
        self.retriever, self.scorer, self.titles = retriever, scorer, titles

    def _source(self, query: Query, passages: list[Passage]) -> Passage | None:
        """The fiche (or actor's section) to follow: one that names the question's subject, else the best one."""
        def practical(found: list[Passage]) -> list[Passage]:
            return [p for p in found if p.kind == Kind.PRACTICE.value
                    or p.kind == Kind.REFERENCE.value and "mobiliser" in p.text]  # « Comment la mobiliser »

        def named(found: list[Passage]) -> list[Passage]:
            return [p for p in practical(found) if any(pattern.search(fold(f"{p.title} {p.section}"))
                                                       for s in query.subjects for pattern in s.patterns)]

        if query.subjects and not named(passages):  # « Et la CAF, comment on l'implique ? »: the CAF's own section
            label = query.subjects[0].label
            passages = named(self.retriever.search(f"{label} : {query.text}", k=8)) or named(self.retriever.search(
                f"{label} comment mobiliser", k=8, filters=Filters(kind=Kind.REFERENCE.value))) or passages
        return next(iter(named(passages) or practical(passages)), None)

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[Answer]:
        practice = self._source(query, passages)
        if practice is None:
            return
        # a fiche on evaluation: its steps are the answer
        if practice.kind == Kind.PRACTICE.value and query.evaluates and "valu" not in fold(practice.title):
            answer = self._indicators(practice)
            if answer is not None:  # « comment évaluer un chantier éducatif ? »: what the fiche proposes to measure
                yield answer
                return
        own = self.retriever.search(query.text, k=FICHE_PASSAGES, filters=Filters(doc_id=practice.doc_id),
                                    vector=list(query.vector) or None)
        if practice.kind == Kind.REFERENCE.value:  # an actor's section: « Apport », « Comment la mobiliser »
            steps = [p for p in own if p.section == practice.section] or [practice]
        else:
            steps = [p for p in own if p.section.lower().startswith(IMPLEMENTATION)] or [
                p for p in own if "en bref" not in p.section.lower()]
        positions = {c.id: c.position for c in self.retriever.kb.chunks([i for p in steps for i in p.chunk_ids])}
        steps.sort(key=lambda p: min(positions.get(i, 1 << 30) for i in p.chunk_ids))  # the fiche's order
        scored = [s for s in self.scorer.score(query.text, list(query.vector), steps)
                  if is_answer_sentence(s.text) and not s.text.rstrip().endswith(":")]
        chosen = select_sentences(scored, steps, widen=True)
        # a numbered « Mise en œuvre » is read whole: the closest sentence, then each step's lead (« **Composer le
        # groupe** : … »), so that a « comment » gets the procedure and not only the step nearest its words
        step_leads = [s for s in scored if s.text.lstrip().startswith("**")]
        if len(step_leads) >= 2:
            step_leads.sort(key=lambda s: (s.passage_index, steps[s.passage_index].text.find(s.text)))
            chosen = list({id(s): s for s in chosen[:1] + step_leads + chosen[1:]}.values())
        chosen = chosen[:MAX_STEPS]
        if not chosen:
            return
        # the steps in the fiche's own order, the first one leading (on the tuning half, the key step came first
        # twice as often as when the closest sentence led: 53 % against 27 %)
        lead, *rest = sorted(chosen, key=lambda s: (not _how_to_mobilise(s.text), s.passage_index,
                                                   steps[s.passage_index].text.find(s.text)))
        citations = Citations()
        text = f"{readable(lead.text, self.titles)} [{citations.cite(steps[lead.passage_index], lead.text)}]"
        if rest:
            text += f"\n\nLa fiche « {practice.title} » indique aussi :\n" + "\n".join(
                f"- {readable(s.text, self.titles)} [{citations.cite(steps[s.passage_index], s.text)}]" for s in rest)
        yield Answer(answer=text, mode="none", citations=citations.all())


    def _indicators(self, practice: Passage) -> Answer | None:
        """The fiche's « Indicateurs » section, its proposals listed, each cited."""
        found = self.retriever.search("indicateurs", k=FICHE_PASSAGES, filters=Filters(doc_id=practice.doc_id))
        section = next((p for p in found if p.section.lower().startswith("indicateurs")), None)
        items = [m.group(1).strip().rstrip(" ;.") for m in LIST_ITEM.finditer(section.text)] if section else []
        items = [item for item in items if is_answer_sentence(item)]
        if not items:
            return None
        citations = Citations()
        text = f"Pour évaluer l'action, la fiche « {practice.title} » propose de suivre :\n" + "\n".join(
            f"- {readable(item, self.titles)} [{citations.cite(section, item)}]" for item in items[:MAX_STEPS])
        return Answer(answer=text, mode="none", citations=citations.all())


LIST_ITEM = re.compile(r"^\s*-\s+(.+)$", re.M)


def _how_to_mobilise(sentence: str) -> bool:
    """An actor's section says « **Comment les mobiliser** : … » after its « Apport »: that is the how-to's answer."""
    return fold(sentence).lstrip("* ").startswith(IMPLEMENTATION[2:])
