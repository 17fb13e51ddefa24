"""The question classifier: its training, its examples file, and how its guess combines with the patterns."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.answering.intent_model import (IntentClassifier, IntentGuess, SoftmaxModel, classified,
                                              fact_labels, load_intent_examples)
from assistant.answering.query import AnswerType, Intent, Understanding, understand_text
from assistant.answering.recognition import Recognition
from assistant.call_facts import CallFact, CallFacts, Quote, UnstatedFact
from assistant.errors import ConfigurationError
from assistant.glossary import Glossary

DEADLINE = CallFact(id="deadline", asks=["date limite"], answer="Avant le 30 avril.", quotes=[Quote(text="30 avril")],
                    examples=["Quelle est la date limite ?"])
AMOUNT = UnstatedFact(id="amount", asks=["montant"], answer="L'appel ne précise pas le montant.", search="montant",
                      examples=["Quel est le montant de la subvention ?"])


def guess(label: str, confidence: float) -> IntentGuess:
    return IntentGuess(label, confidence, {label: confidence})


def query(question: str, **changes):
    return replace(understand_text(question, Understanding.empty()), **changes)


def found(**scores) -> Recognition:
    best = max(scores, key=scores.get)
    facts = (DEADLINE, AMOUNT)
    return Recognition(fact=next(f for f in facts if f.id == best), score=scores[best], runner_up=0.0,
                       scores=scores, facts=facts)


def test_the_softmax_model_separates_what_it_was_shown():
    rng = np.random.default_rng(0)
    centres = {"a": np.eye(8)[0], "b": np.eye(8)[1], "c": np.eye(8)[2]}
    labels = [label for label in centres for _ in range(20)]
    vectors = np.array([centres[label] + rng.normal(0, 0.1, 8) for label in labels])
    model = SoftmaxModel(vectors, labels)
    for label, centre in centres.items():
        probabilities = model.probabilities(centre)
        assert max(probabilities, key=probabilities.get) == label and probabilities[label] > 0.8


def test_examples_come_from_the_file_then_the_call_facts(tmp_path):
    (tmp_path / "intents.yaml").write_text("definition:\n  - Que veut dire CLSPD ?\nhowto:\n  - Comment faire ?\n",
                                           encoding="utf-8")
    examples = load_intent_examples(tmp_path, CallFacts(facts=[DEADLINE], unstated=[AMOUNT]))
    assert ("Que veut dire CLSPD ?", "definition") in examples and ("Comment faire ?", "howto") in examples
    assert ("Quelle est la date limite ?", "fact") in examples
    assert ("Quel est le montant de la subvention ?", "unstated") in examples


@pytest.mark.parametrize("text, message", [("autre_chose:\n  - Bonjour ?\n", "Genre de question inconnu"),
                                           ("definition: [unclosed\n", "n'est pas un YAML valide")])
def test_a_bad_examples_file_is_named_in_french(tmp_path, text, message):
    (tmp_path / "intents.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        load_intent_examples(tmp_path, CallFacts())


def test_without_leaves_out_the_measured_questions_whatever_their_accents():
    examples = [("Qu'est-ce que le PRE ?", "definition"), ("Comment faire ?", "howto"), ("Des idées ?", "ideas"),
                ("Quelle date limite ?", "fact")]
    classifier = IntentClassifier(examples, None)
    assert classifier and not classifier.without(["QU'EST-CE QUE LE PRÉ ?"])  # three kinds left: not used


def test_the_call_facts_alone_do_not_make_a_classifier(tmp_path):
    examples = load_intent_examples(tmp_path, CallFacts(facts=[DEADLINE], unstated=[AMOUNT]))
    assert examples and not IntentClassifier(examples, None)


def test_a_confident_guess_places_what_the_patterns_did_not():
    q = query("Les parents, on en fait quoi dans tout ça ?")
    assert q.intent is Intent.OTHER
    assert classified(q, guess("howto", 0.6), None).intent is Intent.HOW_TO
    assert classified(q, guess("howto", 0.4), None).intent is Intent.OTHER  # not confident enough


def test_overriding_the_patterns_needs_more_confidence():
    q = query("Comment trouver des cofinancements ?")
    assert q.intent is Intent.HOW_TO
    assert classified(q, guess("ideas", 0.7), None).intent is Intent.HOW_TO
    assert classified(q, guess("ideas", 0.9), None).intent is Intent.IDEAS


def test_a_fact_guess_takes_the_nearest_fact_only_when_close():
    q = query("Vous pouvez me rappeler la fin des inscriptions ?")
    assert q.intent is Intent.OTHER and q.fact is None
    taken = classified(q, guess("fact", 0.9), found(deadline=0.96, amount=0.90))
    assert taken.intent is Intent.CALL_FACT and taken.fact is DEADLINE and taken.fact_closeness == 0.96
    far = classified(q, guess("fact", 0.9), found(deadline=0.90, amount=0.88))
    assert far.intent is Intent.OTHER and far.fact is None and not far.about_call


def test_a_fact_guess_with_no_close_fact_is_answered_from_the_call_when_it_names_it():
    q = query("Que dit l'appel sur les familles ?")
    on_call = classified(q, guess("fact", 0.9), found(deadline=0.90, amount=0.88))
    assert on_call.intent is Intent.OTHER and on_call.about_call
    by_publisher = classified(query("La MILDECA dit quoi des familles ?"), guess("fact", 0.9),
                              found(deadline=0.90, amount=0.88), publisher="MILDECA")
    assert by_publisher.about_call


def test_an_unstated_guess_prefers_an_unstated_fact():
    q = query("Et côté argent, on touche combien ?")
    taken = classified(q, guess("unstated", 0.9), found(deadline=0.97, amount=0.96))
    assert taken.intent is Intent.UNSTATED and taken.fact is AMOUNT


SILENT = UnstatedFact(id="silent", answer="L'appel ne précise pas ce point : son texte n'en dit rien.", search="")


def test_a_question_on_the_application_that_no_unstated_fact_names_gets_the_silent_answer():
    q = query("Est-ce qu'il y a une audition orale des communes candidates ?")
    silent = classified(q, guess("unstated", 0.8), found(deadline=0.88, amount=0.87), silent=SILENT)
    assert silent.intent is Intent.UNSTATED and silent.fact is SILENT
    # not without the call pack's silent answer, nor when the classifier hesitates
    assert classified(q, guess("unstated", 0.8), found(deadline=0.88, amount=0.87)).fact is None
    assert classified(q, guess("unstated", 0.55), found(deadline=0.88, amount=0.87), silent=SILENT).fact is None
    # an « unstated » fact that the fact model finds likely may be the one asked: not the silent answer
    likely = IntentGuess("unstated", 0.8, {"unstated": 0.8}, {"amount": 0.3, "deadline": 0.1})
    assert classified(q, likely, found(deadline=0.88, amount=0.87), silent=SILENT).fact is not SILENT
    # a town hall's other business, worded without the words of an application, is left to the scope step
    other = query("Peut-on éteindre l'éclairage public la nuit ?")
    assert classified(other, guess("unstated", 0.8), found(deadline=0.88, amount=0.87), silent=SILENT).fact is None


def test_a_fact_that_the_patterns_chose_on_a_word_gives_way_to_the_silent_answer_only_when_unlike_its_examples():
    q = query("Il faudra rendre un rapport : sous quel format ?", intent=Intent.CALL_FACT, fact=DEADLINE,
              fact_closeness=0.88)
    assert classified(q, guess("unstated", 0.93), found(deadline=0.88, amount=0.86), silent=SILENT).fact is SILENT
    close = replace(q, fact_closeness=0.95)
    assert classified(close, guess("unstated", 0.93), found(deadline=0.95, amount=0.86), silent=SILENT).fact \
        is DEADLINE
    unsure = classified(q, guess("unstated", 0.8), found(deadline=0.88, amount=0.86), silent=SILENT)
    assert unsure.fact is DEADLINE


def test_a_definition_guess_needs_a_defined_subject_and_takes_the_first_named():
    glossary = Glossary.from_knowledge(Path(__file__).parents[2] / "knowledge")
    known = Understanding(None, CallFacts(), glossary)
    one = understand_text("Le CLSPD, on m'en parle en réunion, j'aimerais comprendre", known)
    assert one.subjects and one.intent is not Intent.DEFINITION
    defined = classified(one, guess("definition", 0.9), None)
    assert defined.intent is Intent.DEFINITION and defined.answer_type is AnswerType.DEFINITION
    assert classified(query("Ça veut dire quoi, en vrai ?"), guess("definition", 0.9), None).intent is Intent.OTHER
    two = understand_text("Le CLSPD ? On m'en a parlé avec la PJJ en réunion", known)
    assert {s.label for s in two.subjects} == {"CLSPD", "PJJ"}
    assert classified(two, guess("definition", 0.9), None).subjects[0].label == "CLSPD"  # the first named


def test_out_of_scope_is_a_flag_for_the_scope_step_and_some_intents_are_kept():
    q = query("Quel temps fera-t-il samedi ?")
    assert classified(q, guess("out_of_scope", 0.9), None).looks_outside
    assert not classified(q, guess("out_of_scope", 0.55), None).looks_outside
    hello = query("Bonjour")
    assert classified(hello, guess("fact", 0.99), found(deadline=0.99, amount=0.5)) is hello
    borrowed = replace(q, borrowed=True)
    assert classified(borrowed, guess("fact", 0.99), found(deadline=0.99, amount=0.5)) is borrowed


class CountingEmbeddings:
    """Deterministic vectors (one axis per label word) that count what they embed."""

    name = "counting"

    def __init__(self):
        self.embedded: list[str] = []

    def embed_queries(self, texts):
        self.embedded += texts
        words = ["date", "veut", "comment", "idées"]
        return [[1.0 if w in t else 0.0 for w in words] + [0.1] for t in texts]


def test_leaving_questions_out_neither_embeds_again_nor_rewrites_the_cache(tmp_path):
    examples = [("Quelle date limite ?", "fact"), ("Que veut dire PRE ?", "definition"),
                ("Comment faire ?", "howto"), ("Des idées ?", "ideas"), ("Une autre date ?", "fact")]
    embeddings, cache = CountingEmbeddings(), tmp_path / "intents.npz"
    full = IntentClassifier(examples, embeddings, cache)
    assert full.guess([1, 0, 0, 0, 0.1]).label == "fact"
    written = cache.read_bytes()
    unseen = full.without(["Une autre date ?"])
    assert unseen.guess([0, 0, 1, 0, 0.1]).label == "howto"
    assert len(embeddings.embedded) == len(examples) and cache.read_bytes() == written


def test_a_question_on_one_axis_goes_to_the_fact_that_lists_the_axes():
    axes = CallFact(id="axes", asks=["les axes"], answer="{axes_sentence}", quotes=[Quote(text="axes suivants")])
    facts = (DEADLINE, axes)
    found_axes = Recognition(fact=DEADLINE, score=0.9, runner_up=0.0, scores={"deadline": 0.9, "axes": 0.89},
                             facts=facts)
    q = query("Il demande quoi exactement, celui-là ?", axes=("alternatives",))
    routed = classified(q, guess("fact", 0.95), found_axes)
    assert routed.intent is Intent.CALL_FACT and routed.fact is axes


def fact_guess(label: str, **facts) -> IntentGuess:
    return IntentGuess(label, 0.95, {label: 0.95}, facts)


def test_the_fact_model_places_a_fact_the_patterns_missed_when_likely_enough():
    q = query("Vous pouvez me rappeler la fin des inscriptions ?")
    taken = classified(q, fact_guess("fact", deadline=0.7, amount=0.3), found(deadline=0.90, amount=0.88))
    assert taken.intent is Intent.CALL_FACT and taken.fact is DEADLINE
    unsure = classified(q, fact_guess("fact", deadline=0.45, amount=0.4), found(deadline=0.88, amount=0.90))
    assert unsure.fact is None  # the nearest examples are another fact's


def test_a_less_likely_fact_is_taken_when_the_nearest_examples_name_it_too():
    q = query("Vous pouvez me rappeler la fin des inscriptions ?")
    agreed = classified(q, fact_guess("fact", deadline=0.4, amount=0.35), found(deadline=0.90, amount=0.88))
    assert agreed.intent is Intent.CALL_FACT and agreed.fact is DEADLINE
    assert classified(q, fact_guess("fact", deadline=0.25, amount=0.2), found(deadline=0.90, amount=0.88)).fact is None


def test_the_fact_model_replaces_the_patterns_fact_only_when_sure_and_theirs_is_unlikely():
    q = query("Quel est le montant de la subvention ?")
    assert q.fact is None  # an empty pack: give the patterns' choice by hand
    patterns_said = replace(q, intent=Intent.UNSTATED, fact=AMOUNT, fact_closeness=0.9)
    near = found(deadline=0.9, amount=0.9)
    swapped = classified(patterns_said, fact_guess("fact", deadline=0.85, amount=0.05), near)
    assert swapped.fact is DEADLINE and swapped.intent is Intent.CALL_FACT
    assert classified(patterns_said, fact_guess("fact", deadline=0.85, amount=0.15), near).fact is AMOUNT
    assert classified(patterns_said, fact_guess("fact", deadline=0.7, amount=0.05), near).fact is AMOUNT
    copy_of_an_example = replace(patterns_said, fact_closeness=0.97)
    assert classified(copy_of_an_example, fact_guess("fact", deadline=0.9, amount=0.01),
                      found(deadline=0.9, amount=0.97)).fact is AMOUNT


def test_fact_labels_come_from_the_examples_then_from_the_patterns_of_the_same_kind():
    facts = CallFacts(facts=[DEADLINE], unstated=[AMOUNT])
    labels = fact_labels([("Donnez-moi la date limite, svp", "fact"), ("Le montant alloué ?", "unstated"),
                          ("La date limite est-elle connue ?", "unstated"), ("Des idées ?", "ideas")], facts)
    assert labels["Quelle est la date limite ?"] == "deadline"  # facts.yaml's own example
    assert labels["Donnez-moi la date limite, svp"] == "deadline"
    assert labels["Le montant alloué ?"] == "amount"
    assert "La date limite est-elle connue ?" not in labels  # labelled « unstated », but the patterns say a fact
    assert "Des idées ?" not in labels


def test_the_classifier_learns_which_fact_from_the_labelled_examples(tmp_path):
    examples = [("Quelle date limite ?", "fact"), ("Une autre date ?", "fact"), ("Que veut dire PRE ?", "definition"),
                ("Comment faire ?", "howto"), ("Des idées ?", "ideas"), ("Comment déposer ?", "fact")]
    classifier = IntentClassifier(examples, CountingEmbeddings(), tmp_path / "intents.npz",
                                  fact_ids={"Quelle date limite ?": "deadline", "Une autre date ?": "deadline",
                                            "Comment déposer ?": "submission"})
    facts = classifier.guess([1, 0, 0, 0, 0.1]).facts
    assert max(facts, key=facts.get) == "deadline"
    assert set(classifier.without(["Une autre date ?"]).guess([1, 0, 0, 0, 0.1]).facts) == {"deadline", "submission"}


def test_a_definition_puts_the_calls_publisher_after_any_other_subject(criteria):
    glossary = Glossary.from_knowledge(Path(__file__).parents[2] / "knowledge")
    known = Understanding(criteria, CallFacts(), glossary)
    assert criteria.publisher == "MILDECA"
    for question in ("MNA, dans le référentiel de la MILDECA, ça désigne qui ?",
                     "Le sigle MNA utilisé par la MILDECA, il veut dire quoi ?"):
        q = understand_text(question, known)
        assert {"MNA", "MILDECA"} <= {s.label for s in q.subjects}
        defined = classified(q, guess("definition", 0.95), None, publisher="MILDECA")
        assert defined.intent is Intent.DEFINITION and defined.subjects[0].label == "MNA", question
    alone = understand_text("La MILDECA, ça désigne qui ?", known)
    assert classified(alone, guess("definition", 0.95), None, publisher="MILDECA").subjects[0].label == "MILDECA"


def test_a_definition_guess_on_a_detail_of_a_programme_stays_a_question_on_that_detail():
    known = Understanding(None, CallFacts(), Glossary.from_knowledge(Path(__file__).parents[2] / "knowledge"))
    detail = understand_text("Les Promeneurs du Net, le concept vient de quel pays ?", known)
    assert classified(detail, guess("definition", 0.9), None).intent is not Intent.DEFINITION
    who = understand_text("Qui coordonne Tabado au niveau national ?", known)
    assert classified(who, guess("definition", 0.9), None).intent is not Intent.DEFINITION
    kind = understand_text("Le GBG, c'est quel genre de programme ?", known)
    assert classified(kind, guess("definition", 0.9), None).intent is Intent.DEFINITION
