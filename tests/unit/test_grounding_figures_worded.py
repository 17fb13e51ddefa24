"""Details a sentence words otherwise than its passage (issue 14, session 10), without any model: a number spelt
with « cent », a bound said « ne peut dépasser », a negation written with « ne » alone, and a figure the sentence
computes from the passage's (« au total », « de moins »)."""

from __future__ import annotations

import pytest

from assistant.grounding.compare import compare_details
from assistant.grounding.details import comparatives, extract_details, words_to_digits


@pytest.mark.parametrize("text, expected", [
    ("l'État a programmé cent quartiers", "l'État a programmé 100 quartiers"),
    ("trois cents jeunes accueillis", "300 jeunes accueillis"),
    ("dix pour cent des jeunes", "10 pour cent des jeunes"),  # a percentage, not a hundred
    ("cent mille euros", "cent mille euros"),  # a larger compound is left alone, not read as 100
])
def test_cent_is_read_as_a_hundred_only_when_it_stands_alone(text, expected):
    assert words_to_digits(text) == expected


def test_a_spelt_hundred_is_compared_like_a_written_one():
    claim = extract_details("Depuis 2018, l'État a programmé cent quartiers de reconquête.", claim=True)
    assert compare_details(claim, extract_details("Depuis 2018, 62 quartiers de reconquête républicaine"), set(), {})
    assert not compare_details(claim, extract_details("Depuis 2018, 100 quartiers de reconquête républicaine"), set(), {})


@pytest.mark.parametrize("text", ["Il ne peut dépasser 35 heures par semaine.",
                                  "Il ne doit pas excéder 35 heures par semaine."])
def test_cannot_exceed_is_an_upper_bound_not_a_denial(text):
    assert "au plus 35 heures" in comparatives(text)
    assert extract_details(text).negations == 0


@pytest.mark.parametrize("text, negations", [
    ("La commune ne peut s'engager seule.", 1),
    ("La commune ne saurait s'engager seule.", 1),
    ("La commune ne peut pas s'engager seule.", 1),
    ("La commune ne peut que s'engager.", 0),  # a restriction, not a negation
    ("La commune peut s'engager seule.", 0),
])
def test_a_negation_written_with_ne_alone_counts_once(text, negations):
    assert extract_details(text).negations == negations


def test_a_sum_or_a_difference_of_the_passages_figures_is_supported_only_when_the_sentence_says_it_computes():
    passage = extract_details("Le PSFP compte 14 séances pour les 6-11 ans et 12 séances pour les 3-6 ans.")
    fewer = extract_details("La version 3-6 ans compte deux séances de moins.", claim=True)
    assert fewer.derived and not compare_details(fewer, passage, set(), {})
    total = extract_details("Au total, 26 séances sont proposées.", claim=True)
    assert total.derived and not compare_details(total, passage, set(), {})
    plain = extract_details("La version 3-6 ans compte 26 séances.", claim=True)  # no sum said: 26 is not there
    assert not plain.derived and compare_details(plain, passage, set(), {})
    wrong = extract_details("Au total, 30 séances sont proposées.", claim=True)  # neither a sum nor a difference
    assert compare_details(wrong, passage, set(), {})
