"""The propositions of a long source sentence (`assistant.clauses`), which the grounding checker compares a short
sentence with, and which the sentence index embeds at ingestion. No model."""

from __future__ import annotations

from assistant.clauses import MAX_UNITS, MIN_SENTENCE_WORDS, long_clauses
from assistant.sentence_vectors import indexed_sentences

ELUS = ("Les élus locaux, qui sont en première ligne face aux attentes de sécurité des habitants, disposent d'outils "
        "de prévention ; encore faut-il que les acteurs du territoire se coordonnent.")


def test_a_long_sentence_gives_its_propositions_and_its_main_clause():
    units = long_clauses(ELUS)
    assert units == [
        "Les élus locaux, qui sont en première ligne face aux attentes de sécurité des habitants, disposent d'outils "
        "de prévention",  # cut at « ; »
        "encore faut-il que les acteurs du territoire se coordonnent.",
        "Les élus locaux disposent d'outils de prévention ; encore faut-il que les acteurs du territoire se "
        "coordonnent.",  # without the relative clause between commas
    ]


def test_a_short_sentence_is_compared_whole():
    short = "Les dossiers se déposent sur Démarches simplifiées avant le 30 avril 2024."
    assert len(short.split()) < MIN_SENTENCE_WORDS and long_clauses(short) == []


def test_and_between_two_nouns_does_not_cut_a_proposition():
    sentence = ("Policiers et gendarmes sont des partenaires du plan, puisque l'appel cite la police nationale et la "
                "gendarmerie parmi les acteurs à mobiliser.")
    assert not any(unit.startswith("la gendarmerie") for unit in long_clauses(sentence))


def test_cutting_is_bounded_and_keeps_every_word_in_order():
    sentence = " ; ".join(f"la mesure numéro {i} concerne les jeunes du quartier" for i in range(40)) + "."
    units = long_clauses(sentence)
    assert 0 < len(units) <= MAX_UNITS
    assert all(unit in sentence for unit in units[:3])  # pieces are spans of the sentence, as written


def test_a_sentence_with_a_parenthesis_gives_its_main_clause_without_it():
    sentence = ("Selon Horizons publics (2024), 5 298 équipements avaient été financés à l'automne 2023 pour 184,6 M€, "
                "sur une enveloppe de 192 M€.")
    assert "Selon Horizons publics, 5 298 équipements avaient été financés à l'automne 2023 pour 184,6 M€, sur une " \
           "enveloppe de 192 M€." in long_clauses(sentence)


def test_the_sentence_index_holds_the_propositions_of_long_sentences():
    indexed = indexed_sentences(f"{ELUS}\n\nUne phrase courte suffit ici.", "Guide > Les élus en première ligne")
    assert ELUS in indexed and set(long_clauses(ELUS)) <= set(indexed)
    assert "Les élus en première ligne" in indexed and "Une phrase courte suffit ici." in indexed
