"""Tell what a question asks for from examples, not from its wording's patterns.

The patterns of `query.py` place the wordings they were written for; on question sets written apart from them they
placed about 3 questions in 4 (definition, how-to, ideas, fact of the call). A linear classifier over the question's
e5 vector, trained on labelled questions (`knowledge/intents.yaml`, plus the example questions of the call's facts),
placed 9 in 10 of a set it had not seen (each of the four answer sets left out in turn). It decides the intent where
it is confident and the patterns said otherwise; the patterns keep what they alone can say (which fact, the answer
type, ages, axes, subjects, follow-ups).

Training is a softmax regression in numpy (a few hundred examples: a tenth of a second); the examples' vectors are
kept beside the store (`<data>/sentences/intents.npz`) like the facts' example questions.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

from ..call_facts import CallFact, CallFacts, UnstatedFact
from ..embeddings import NamedEmbeddings
from ..errors import ConfigurationError
from ..text_fr import analyse, fold
from .query import (DEFINITION, DEFINITION_FILLERS, OTHER_CALL, AnswerType, Intent, IntentGuess, Query,
                    definition_order, is_generic_request)
from .recognition import Recognition, cached_question_vectors

LABELS = ("fact", "unstated", "definition", "howto", "ideas", "out_of_scope")
# Probability of the classifier's choice above which it overrides the patterns: lower where the patterns placed
# nothing (intent « autre ») than where they chose another intent.
CONFIDENT_OVER_NOTHING, CONFIDENT_OVER_PATTERNS = 0.5, 0.85
OUTSIDE = 0.6  # « not covered » this likely: the scope step needs more than a pattern's word to answer
MIN_LABELS = 4  # kinds of question the examples must cover for the classifier to be used
NEAREST_FACT_MIN = 0.95  # cosine with a fact's example question for the classifier to take that fact
# Which fact: the fact model's choice where the patterns found none (probability ≥ FACT_TAKE), or in place of the
# patterns' fact when it is sure of another one (≥ FACT_SURE) and gives theirs little chance (< FACT_DOUBT).
# Chosen on the five answer sets read so far, each left out of the examples in turn (docs/benchmarks.md).
FACT_TAKE, FACT_SURE, FACT_DOUBT = 0.5, 0.8, 0.1
# Where the patterns found none, a less likely choice is taken when the nearest example questions (recognition.py)
# name the same fact: two independent readings agree (« la Mildeca accompagne aussi sur la méthode ? »: 0.39, nearest
# examples those of `support`); not for a question on a subject that has its own fiche.
FACT_AGREED = 0.3
# Answer types that ask a detail of a subject rather than what it is
ASKS_A_DETAIL = (AnswerType.HOW_MANY, AnswerType.WHEN, AnswerType.AGE, AnswerType.HOW_LONG)
# Intents the classifier has no examples of, and definitions (the patterns ask for a defined subject and nothing
# else: « et la MILDECA, c'est quoi au juste ? »): the patterns' word is final.
KEPT = (Intent.CONVERSATION, Intent.OWN_DOCUMENTS, Intent.DEFINITION)


def load_intent_examples(knowledge_dir: Path, facts: CallFacts) -> list[tuple[str, str]]:
    """(question, label) pairs: `knowledge/intents.yaml` (optional), then the call's fact examples."""
    examples: list[tuple[str, str]] = []
    path = Path(knowledge_dir) / "intents.yaml"
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigurationError(f"Le fichier {path.name} n'est pas un YAML valide : {exc}") from exc
        unknown = set(data) - set(LABELS)
        if unknown:
            raise ConfigurationError(f"Genre de question inconnu dans {path.name} : {', '.join(sorted(unknown))} "
                                     f"(genres possibles : {', '.join(LABELS)}).")
        examples += [(str(q), label) for label in LABELS for q in data.get(label) or []]
    examples += [(q, "unstated" if isinstance(fact, UnstatedFact) else "fact")
                 for fact, q in facts.examples() if fact is not None]
    return examples


def fact_labels(examples: list[tuple[str, str]], facts: CallFacts) -> dict[str, str]:
    """Which fact each example question on the call asks about: its fact in `facts.yaml`, else the fact the patterns
    recognise in it (a question of `intents.yaml` whose kind, stated or not, disagrees with that fact is left out)."""
    labels = {q: fact.id for fact, q in facts.examples() if fact is not None}
    for question, label in examples:
        if label in ("fact", "unstated") and question not in labels:
            fact = facts.match(question)
            if fact is not None and isinstance(fact, UnstatedFact) == (label == "unstated"):
                labels[question] = fact.id
    return labels


class SoftmaxModel:
    """Multinomial logistic regression on standardised vectors, fitted by Adam on the full batch."""

    def __init__(self, vectors: np.ndarray, labels: list[str], l2: float = 1e-2, steps: int = 300):
        self.classes = sorted(set(labels))
        index = {c: i for i, c in enumerate(self.classes)}
        targets = np.zeros((len(labels), len(self.classes)))
        targets[np.arange(len(labels)), [index[c] for c in labels]] = 1.0
        self.mean, self.scale = vectors.mean(0), vectors.std(0) + 1e-6
        z = (vectors - self.mean) / self.scale
        self.weights = np.zeros((vectors.shape[1], len(self.classes)))
        self.bias = np.zeros(len(self.classes))
        moments = [[np.zeros_like(p), np.zeros_like(p)] for p in (self.weights, self.bias)]
        for t in range(1, steps + 1):
            error = (self._softmax(z) - targets) / len(labels)
            grads = (z.T @ error + l2 * self.weights, error.sum(0))
            for param, grad, (m, v) in zip((self.weights, self.bias), grads, moments):
                m *= 0.9
                m += 0.1 * grad
                v *= 0.999
                v += 0.001 * grad * grad
                param -= 0.05 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)

    def _softmax(self, z: np.ndarray) -> np.ndarray:
        scores = z @ self.weights + self.bias
        scores -= scores.max(axis=-1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=-1, keepdims=True)

    def probabilities(self, vector) -> dict[str, float]:
        z = (np.asarray(vector, dtype=np.float64) - self.mean) / self.scale
        return dict(zip(self.classes, self._softmax(z[None, :])[0].tolist()))


class IntentClassifier:
    def __init__(self, examples: list[tuple[str, str]], embeddings: NamedEmbeddings, cache: Path | None = None,
                 left_out: frozenset[str] = frozenset(), fact_ids: dict[str, str] | None = None):
        """`fact_ids`: the fact each example question on the call asks about (`fact_labels`); a second model learns
        them, to tell which fact a question asks about."""
        self._all = examples  # embedded and cached whole, so that leaving some out does not rewrite the cache
        self._kept = [fold(q).strip() not in left_out for q, _ in examples]
        self._examples = [example for example, kept in zip(examples, self._kept) if kept]
        self._embeddings, self._cache = embeddings, cache
        self._left_out, self._fact_ids = left_out, fact_ids or {}
        self._model: SoftmaxModel | None = None
        self._fact_model: SoftmaxModel | None = None
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        # the call's fact examples alone (a call pack without `intents.yaml`) would make every question a fact
        return len({label for _, label in self._examples}) >= MIN_LABELS

    def without(self, questions) -> "IntentClassifier":
        """The same classifier trained without these questions (to measure it on a set it has not seen)."""
        left_out = frozenset(fold(q).strip() for q in questions)
        return IntentClassifier(self._all, self._embeddings, self._cache, left_out, self._fact_ids)

    def guess(self, vector) -> IntentGuess | None:
        if not self:
            return None
        probabilities = self._trained().probabilities(vector)
        label = max(probabilities, key=probabilities.get)
        facts = self._fact_model.probabilities(vector) if self._fact_model is not None else {}
        return IntentGuess(label, probabilities[label], probabilities, facts)

    def warm(self) -> None:
        """Embed (or read) the example questions now: at ingestion, not at the first question."""
        if self:
            self._trained()

    def _trained(self) -> SoftmaxModel:
        with self._lock:
            if self._model is None:
                vectors = cached_question_vectors([q for q, _ in self._all], self._embeddings, self._cache)
                self._model = SoftmaxModel(vectors[np.asarray(self._kept)].astype(np.float64),
                                           [label for _, label in self._examples])
                rows = [i for i, ((q, _), kept) in enumerate(zip(self._all, self._kept))
                        if kept and q in self._fact_ids]
                if len({self._fact_ids[self._all[i][0]] for i in rows}) >= 2:
                    self._fact_model = SoftmaxModel(vectors[rows].astype(np.float64),
                                                    [self._fact_ids[self._all[i][0]] for i in rows])
            return self._model


# A question on the call's text names the call or one of its parts (« l'appel parle de… », « le 4e axe »).
NAMES_THE_CALL = re.compile(r"\b(?:appels?|aap|axes?|finalites?)\b")
# words of an application (on the folded question): a question the classifier finds the call silent on, worded so,
# is asked of the call (« Y a-t-il une audition des communes candidates ? »), not of the town hall's other business
ON_THE_APPLICATION = re.compile(r"\b(?:appels?|aap|dossiers?|candidat\w*|subventions?|(?:co)?financ\w*|laureats?|"
                                r"depos\w*|depot|retenu\w*|selection\w*|jury)\b")
# How sure the classifier must be that the call is silent to answer so where no « unstated » fact names the topic;
# and below which closeness to its examples a fact of the call that the patterns chose gives way (« Il faudra rendre
# un rapport final : sous quel format ? » is no question on the finalités)
SILENT_MIN, SILENT_OVER_FACT = 0.6, 0.85
SILENT_FACT_CLOSENESS, LIKE_ITS_EXAMPLES = 0.93, 0.90
UNSTATED_FACT_CHANCE = 0.2  # the fact model's probability from which an « unstated » fact may be the one asked


def classified(query: Query, guess: IntentGuess | None, found: Recognition | None, publisher: str = "",
               silent: UnstatedFact | None = None) -> Query:
    """The query with the classifier's intent where it is confident and the patterns said otherwise. A question
    the classifier takes for a definition needs a defined subject; one it takes for a fact of the call needs a fact
    (the fact model's, the patterns' one, else the nearest example's) or to name the call (then its text answers);
    « out of scope » is left to the scope step. A question on a fact of the call gets the fact model's fact where it
    is sure and the patterns chose another one."""
    if guess is None or query.borrowed or query.intent in KEPT or OTHER_CALL.search(fold(query.question)):
        return query
    query = _classified(query, guess, found, publisher)
    if silent is not None and _call_is_silent(query, guess, found, publisher):
        return replace(query, intent=Intent.UNSTATED, fact=silent, fact_closeness=0.0, generic_request=False)
    if query.intent in (Intent.CALL_FACT, Intent.UNSTATED) and query.fact is not None:
        fact = _model_fact(query, guess, found)
        if fact is not None and fact is not query.fact:
            intent = Intent.UNSTATED if isinstance(fact, UnstatedFact) else Intent.CALL_FACT
            closeness = found.scores.get(fact.id, 0.0) if found else 0.0
            query = replace(query, intent=intent, fact=fact, fact_closeness=closeness)
    return query


# a question word, then what is asked of the subject (« le concept vient de quel pays ? », « qui coordonne … ? »)
ASKING = re.compile(r"\b(?:quel(?:le)?s?|qui|ou|quand|combien|comment|pourquoi|lequel|laquelle)\b")
WHAT_IT_IS = re.compile(r"^\s*(?:et\s+)?(?:qui|que|qu'|quoi)\s*(?:est|sont|c'est|etait)\b|\bc'?est (?:qui|quoi)\b|"
                        r"\bquel(?:le)?s? (?:genre|type|sorte|forme)s?\b")  # « c'est quel genre de programme ? »
DETAIL_WORDS_MIN = 2


def _asks_a_detail_of(query: Query) -> bool:
    """« Les Promeneurs du Net, le concept vient de quel pays ? »: besides the programme's name, a question word and
    words of what is asked, none of them asking what it is."""
    folded = fold(query.aspect or "")
    if not folded or WHAT_IT_IS.search(folded) or not ASKING.search(folded):
        return False
    if DEFINITION.search(folded):
        return False
    return len([w for w in analyse(folded) if w not in DEFINITION_FILLERS]) >= DETAIL_WORDS_MIN


def _call_is_silent(query: Query, guess: IntentGuess, found: Recognition | None, publisher: str) -> bool:
    """A question on the application that the classifier finds the call silent on, and that no « unstated » fact
    names (the fact model gives none of them a fair chance): no fact at all, or a fact of the call that the patterns
    chose on a word, unlike its examples and unlikely to the fact model."""
    if guess.label != "unstated" or guess.confidence < SILENT_MIN or query.intent in (Intent.HOW_TO, Intent.IDEAS):
        return False
    unstated = {fact.id for fact in (found.facts if found else ()) if isinstance(fact, UnstatedFact)}
    if any(guess.facts.get(fact_id, 0.0) >= UNSTATED_FACT_CHANCE for fact_id in unstated):
        return False  # « une commune de 3 000 habitants peut répondre ? »: the population threshold's question
    if query.asks_of_programme or any(subject.fiche for subject in query.subjects) or query.axes:
        return False
    if query.fact is None:  # nothing placed it on the call: its words must
        folded = fold(query.question)
        return bool(ON_THE_APPLICATION.search(folded) or publisher and fold(publisher) in folded)
    unlike = query.fact_closeness < LIKE_ITS_EXAMPLES or guess.facts.get(query.fact.id, 0.0) < FACT_DOUBT
    return isinstance(query.fact, CallFact) and guess.confidence >= SILENT_OVER_FACT \
        and query.fact_closeness < SILENT_FACT_CLOSENESS and unlike


def _model_fact(query: Query, guess: IntentGuess, found: Recognition | None):
    """The fact model's choice: where the patterns found no fact, its likeliest if likely enough; in place of theirs
    when it is sure of another and gives theirs little chance (a question as close as a copy of one of the
    examples keeps the example's fact)."""
    if not guess.facts or found is None:
        return None
    facts = {f.id: f for f in found.facts}
    best = max(guess.facts, key=guess.facts.get)
    if best not in facts:
        return None
    if query.fact is None:
        agreed = found.fact is not None and found.fact.id == best and guess.facts[best] >= FACT_AGREED \
            and not any(subject.fiche for subject in query.subjects)  # « argent de poche, c'est payant ? »: the fiche's
        return facts[best] if guess.facts[best] >= FACT_TAKE or agreed else None
    if query.fact_closeness >= NEAREST_FACT_MIN or best == query.fact.id:
        return query.fact
    if guess.facts[best] >= FACT_SURE and guess.facts.get(query.fact.id, 0.0) < FACT_DOUBT:
        return facts[best]
    return query.fact


def _classified(query: Query, guess: IntentGuess, found: Recognition | None, publisher: str) -> Query:
    query = replace(query, guess=guess)
    label = guess.label
    if label == "out_of_scope":
        return replace(query, looks_outside=guess.confidence >= OUTSIDE)
    if query.stated_need and label in ("fact", "unstated", "definition"):
        return query  # « je voudrais sensibiliser les parents »: a need for ideas, whatever finalité its words echo
    needed = CONFIDENT_OVER_NOTHING if query.intent is Intent.OTHER else CONFIDENT_OVER_PATTERNS
    if label == _label(query.intent) or guess.confidence < needed:
        return query
    if label == "definition":
        if not query.subjects or query.answer_type in ASKS_A_DETAIL or query.asked or _asks_a_detail_of(query):
            return query  # « Combien coûte le PSFP ? », « Qui finance Tabado ? »: a detail of it, not what it is
        return replace(query, intent=Intent.DEFINITION, answer_type=AnswerType.DEFINITION, fact=None,
                       subjects=definition_order(query.subjects, fold(query.question), publisher),
                       generic_request=False)
    if label in ("fact", "unstated"):
        if query.asks_of_programme:
            return query  # « la CJC c'est gratuit ? »: a detail of the programme, not of the call
        fact = query.fact or _model_fact(query, guess, found) or _nearest_fact(found, label)
        if fact is None and len(query.axes) == 1 and found is not None:  # « L'axe 1, il demande quoi ? »
            fact = next((f for f in found.facts if isinstance(f, CallFact) and f.lists_axes), None)
        if fact is None:  # on the call, but unlike any question its facts answer: the call's text answers it
            folded = fold(query.question)
            names_call = NAMES_THE_CALL.search(folded) or query.axes or publisher and fold(publisher) in folded
            return replace(query, intent=Intent.OTHER, about_call=bool(names_call), generic_request=False) \
                if names_call else query
        intent = Intent.UNSTATED if isinstance(fact, UnstatedFact) else Intent.CALL_FACT
        closeness = found.scores.get(fact.id, 0.0) if found else query.fact_closeness
        answer_type = query.answer_type if query.answer_type is not AnswerType.DEFINITION else AnswerType.OTHER
        return replace(query, intent=intent, fact=fact, fact_closeness=closeness, answer_type=answer_type,
                       generic_request=False)
    if label == "howto":
        if query.subjects and (query.asked.pay or query.asked.money or query.asked.funder):
            return query  # « TAPAJ : les jeunes sont payés comment ? »: what it pays, not how to set it up
        answer_type = query.answer_type if query.answer_type not in (AnswerType.OTHER, AnswerType.DEFINITION) \
            else AnswerType.HOW
        return replace(query, intent=Intent.HOW_TO, answer_type=answer_type, fact=None, generic_request=False)
    # ideas
    generic = is_generic_request(query.terms, query.subjects, query.ages)
    return replace(query, intent=Intent.IDEAS, fact=None, generic_request=generic)


def _label(intent: Intent) -> str | None:
    return {Intent.CALL_FACT: "fact", Intent.UNSTATED: "unstated", Intent.DEFINITION: "definition",
            Intent.HOW_TO: "howto", Intent.IDEAS: "ideas"}.get(intent)


def _nearest_fact(found: Recognition | None, label: str):
    """The fact whose example questions are nearest, of the kind the classifier chose when there is one."""
    if found is None:
        return None
    facts = {f.id: f for f in found.facts}
    ranked = sorted(((score, facts[key]) for key, score in found.scores.items() if key in facts),
                    key=lambda pair: pair[0], reverse=True)
    close = [(score, fact) for score, fact in ranked if score >= NEAREST_FACT_MIN]
    same_kind = [fact for _, fact in close if isinstance(fact, UnstatedFact) == (label == "unstated")]
    return (same_kind or [fact for _, fact in close] or [None])[0]


def follow_up_asks_how(guess: IntentGuess | None) -> bool:
    """A follow-up on the previous subject whose own words ask how to do it (« Et concrètement, on le met en place
    comment chez nous ? » after « Qu'est-ce que le PSFP ? »): the subject's how-to answers it."""
    return guess is not None and guess.label == "howto" and guess.confidence >= CONFIDENT_OVER_PATTERNS
