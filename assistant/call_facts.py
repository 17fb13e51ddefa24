"""What the call states (and does not state) on the questions candidates ask: `knowledge/calls/<id>/facts.yaml`.

Each fact is recognised in a question by its own patterns (data of the call, not code), and answered by one direct
sentence backed by a verbatim quote of the call. A yes/no question gets the answer its wording calls for
(« Peut-on envoyer le dossier par courrier ? » → « Non : … »).

>>> facts = CallFacts(facts=[CallFact(id="deadline", asks=["date limite"], answer="Avant le 30 avril.",
...                                    quotes=[Quote(text="avant le 30 avril")])])
>>> facts.match("Quelle est la date limite ?").id
'deadline'
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .criteria import CallCriteria, load_pack_file
from .errors import ConfigurationError
from .text_fr import fold, fold_question

FRENCH_NUMBERS = {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit", 9: "neuf",
                  10: "dix"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compile(patterns: list[str], word_start: bool = False) -> re.Pattern:
    """One pattern of the alternatives; with `word_start`, a match begins at the start of a word (« a rendre » is not
    found in « devra rendre »)."""
    try:
        return re.compile(("(?<![a-z0-9])" if word_start else "") + "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")")
    except re.error as exc:
        raise ConfigurationError(f"Motif invalide dans facts.yaml : {exc}") from exc


class Quote(_Strict):
    text: str = Field(description="Words of the call, verbatim.")
    section: str = ""


class PolarAnswer(_Strict):
    when: str
    answer: str
    extra_quote: str | None = Field(None, description="Id of another fact whose quote supports this answer too.")

    @cached_property
    def pattern(self) -> re.Pattern:
        return _compile([self.when])


class ConflictRule(_Strict):
    """How a sentence of a user's document that says otherwise than the call on this fact is recognised. Patterns
    are matched on the sentence in lower case without accents; a sentence that denies (« ne… pas ») is not read as
    a contradiction."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    about: str = Field(description="The sentence speaks of this fact (« date limite », « déposer le dossier »…).")
    call_value: str = Field(description="What the call says, as the conflict notice words it (« 30 avril 2024 »).")
    dates: list[str] = Field(default_factory=list, description="The call's dates (YYYY-MM-DD): another date near "
                                                                "the subject contradicts the call.")
    counts: str | None = Field(None, description="The noun the call counts (« axes? »): another number before it "
                                                 "contradicts the call.")
    count: int | None = None
    contradicting: str | None = Field(None, description="Words that contradict the call near the subject (a channel, "
                                                        "an applicant the call does not name).")
    near: int = Field(80, description="At most so many characters between the subject and what contradicts it.")

    @cached_property
    def about_pattern(self) -> re.Pattern:
        return _compile([self.about])

    @cached_property
    def contradicting_pattern(self) -> re.Pattern | None:
        return _compile([self.contradicting]) if self.contradicting else None


class CallFact(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    id: str
    asks: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list, description="Questions that ask for this fact, in varied "
                                                                     "wordings: recognised by similarity too.")
    answer: str
    quotes: list[Quote] = Field(min_length=1)
    polar: list[PolarAnswer] = Field(default_factory=list)
    polar_default: str | None = None
    priority: int = 0
    follows_subject: bool = Field(False, description="A general question (« pour quel âge ? ») that, as a follow-up, "
                                                     "is about the previous question's subject rather than the call.")
    yields_to_named_subject: bool = Field(True, description="With `follows_subject`, a question naming a programme is "
                                          "about it (« Le PSFP, c'est pour quel âge ? »); false when the subjects a "
                                          "question names are what the fact lists (the call's actors).")
    conflict: ConflictRule | None = Field(None, description="How a user's document contradicting this fact is found.")

    @cached_property
    def pattern(self) -> re.Pattern:
        return _compile(self.asks, word_start=True)

    @property
    def yields_to_programme(self) -> bool:
        """A question that names a programme is about the programme (« Le PSFP, c'est pour quel âge ? »)."""
        return self.follows_subject and self.yields_to_named_subject

    @property
    def lists_axes(self) -> bool:
        """Its answer is the call's list of axes (`render`'s `{axes_sentence}`): a question on one axis gets that one."""
        return self.answer.strip() == "{axes_sentence}"

    @property
    def lists_finalites(self) -> bool:
        """Its answer is the call's list of finalités: a question on one of them (« la troisième ») gets that one."""
        return self.answer.strip() == "{finalites_sentence}"

    def polar_answer(self, folded_question: str) -> PolarAnswer | None:
        """The yes/no answer that the question's wording calls for (first `when` that matches), else the default."""
        for option in self.polar:
            if option.pattern.search(folded_question):
                return option
        return PolarAnswer(when="", answer=self.polar_default) if self.polar_default else None


class UnstatedFact(_Strict):
    """A question the call does not answer: say so, then what the knowledge base knows (`search`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    id: str
    asks: list[str] = Field(default_factory=list, description="Required of the `unstated` facts; the `silent` one is "
                            "found by the question classifier, not by patterns.")
    examples: list[str] = Field(default_factory=list)
    requires_question: str | None = Field(None, description="The question must also match this (e.g. an obligation).")
    priority: int = Field(0, description="Wins over a fact of lower priority that the question also matches.")
    yields_to_named_subject: bool = Field(False, description="A question naming a programme that has a fiche is "
                                          "about it (« C'est payé combien, le service civique ? »), not the call.")
    answer: str
    search: str
    quote: str | None = None
    quote_section: str = ""

    @cached_property
    def pattern(self) -> re.Pattern:
        return _compile(self.asks, word_start=True)

    @property
    def yields_to_programme(self) -> bool:
        return self.yields_to_named_subject

    def matches(self, folded_question: str) -> re.Match | None:
        if self.requires_question and not re.search(self.requires_question, folded_question):
            return None
        return self.pattern.search(folded_question)


class CallFacts(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    facts: list[CallFact] = Field(default_factory=list)
    unstated: list[UnstatedFact] = Field(default_factory=list)
    other_questions: list[str] = Field(default_factory=list, description="Questions that look like questions on the "
                                       "call without being one: similarity prefers them to a fact when closer.")
    silent: UnstatedFact | None = Field(None, description="The answer to a question on the call that none of the "
                                        "`unstated` facts names (« Y a-t-il une audition des candidats ? »): the "
                                        "question classifier says that the call is silent on it.")

    def match(self, question: str) -> CallFact | UnstatedFact | None:
        """The fact the question asks about: of those it matches, the highest priority, then the longest match."""
        folded = fold_question(question)
        best, best_key = None, (0, 0)
        for fact in [*self.unstated, *self.facts]:  # on a tie, an unstated fact is the more specific one
            found = fact.matches(folded) if isinstance(fact, UnstatedFact) else fact.pattern.search(folded)
            key = (fact.priority, len(found.group(0))) if found else (0, 0)
            if found and key > best_key:
                best, best_key = fact, key
        return best

    def statements(self, criteria: CallCriteria) -> dict[str, list[str]]:
        """Every sentence the facts answer with (rendered for the call), with the verbatim quotes that establish it:
        the reviewers' checker takes these as the call's own data (a paraphrase written from the quote)."""
        out: dict[str, list[str]] = {}
        for fact in self.facts:
            quotes = [q.text for q in fact.quotes]
            for sentence in [fact.answer, fact.polar_default, *(o.answer for o in fact.polar)]:
                if sentence:
                    extra = [q.text for o in fact.polar if o.answer == sentence and o.extra_quote
                             for q in (self.get(o.extra_quote).quotes if self.get(o.extra_quote) else [])]
                    out[render(sentence, criteria)] = quotes + extra
        for fact in self.unstated:
            if fact.quote:
                out[render(fact.answer, criteria)] = [fact.quote]
        return out

    def examples(self) -> list[tuple[CallFact | UnstatedFact | None, str]]:
        """Every example question with the fact it asks for (None: a question that is not about the call)."""
        return ([(fact, q) for fact in [*self.facts, *self.unstated] for q in fact.examples]
                + [(None, q) for q in self.other_questions])

    def get(self, fact_id: str) -> CallFact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    @field_validator("unstated")
    @classmethod
    def _recognisable(cls, unstated: list[UnstatedFact]) -> list[UnstatedFact]:
        if any(not fact.asks for fact in unstated):
            raise ValueError("un fait « non précisé » sans motif `asks`")
        return unstated

    @field_validator("facts")
    @classmethod
    def _unique_ids(cls, facts: list[CallFact]) -> list[CallFact]:
        ids = [f.id for f in facts]
        if len(ids) != len(set(ids)):
            raise ValueError("identifiants de faits en double")
        return facts


def load_call_facts(call_dir: Path) -> CallFacts:
    """The call's facts; an empty set when the call pack has no `facts.yaml` (answers are then extractive)."""
    return load_pack_file(call_dir, "facts.yaml", CallFacts, "faits de l'appel")


def render(template: str, criteria: CallCriteria) -> str:
    """Fill the placeholders a fact's answer may use with the call's own lists (axes, finalités, actors)."""
    count = len(criteria.axes)
    values = {
        "axes_sentence": f"L'appel compte {FRENCH_NUMBERS.get(count, count)} axes d'intervention, avec au moins "
                         f"{'une' if criteria.min_actions_per_axis == 1 else criteria.min_actions_per_axis} action "
                         "concrète dans chacun : " + " ; ".join(f"{a.number}. {a.label}" for a in criteria.axes) + ".",
        "finalites_sentence": f"L'appel finance des plans d'actions qui visent une ou plusieurs de ses "
                              f"{FRENCH_NUMBERS.get(len(criteria.finalites), len(criteria.finalites))} finalités : "
                              + " ; ".join(f.label for f in criteria.finalites) + ".",
        "actors_sentence": "L'appel demande de mobiliser une majorité des acteurs pouvant contribuer au projet : "
                           + ", ".join(a.label for a in criteria.actors) + ".",
    }
    text = template.format(**values) if "{" in template else template
    # « Oui : {actors_sentence} » reads « Oui : l'appel demande… », not « Oui : L'appel… »
    return re.sub(r"^((?:Oui|Non) : )L'", r"\1l'", text)
