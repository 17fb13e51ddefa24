"""French text helpers shared by every module (`assistant/text_fr.py`)."""

from __future__ import annotations

import pytest

from assistant.text_fr import expand_colloquial, fold_question


@pytest.mark.parametrize("typed, meant", [
    ("budget max ?", "budget maximum ?"),
    ("des idées pour les ados de l'interco ?", "des idées pour les adolescents de l'intercommunalité ?"),
    ("l'AAP c'est qd ?", "l'appel à projets c'est quand ?"),
])
def test_chat_shorthand_reads_as_the_documents_words(typed, meant):
    assert expand_colloquial(typed) == meant


@pytest.mark.parametrize("text", ["Maximum", "mini-stade", "presta-service", "maxi", "ados2"])
def test_only_whole_words_are_expanded(text):
    assert expand_colloquial(text) == text


def test_quand_meme_is_not_a_question_of_time():
    assert "quand" not in fold_question("Ça vaut quand même le coup ? Tout de même !")
    assert "quand" in fold_question("C'est quand, la date limite ?")


def test_politeness_asks_nothing():
    from assistant.text_fr import expand_colloquial
    assert expand_colloquial("Résume-moi l'appel stp") == "Résume-moi l'appel"
    assert expand_colloquial("svp, la date limite ?") == "la date limite ?"
    assert expand_colloquial("la date limite, stp ?") == "la date limite ?"


@pytest.mark.parametrize("typed, meant", [
    ("c koi l'axe 4 deja", "c'est quoi l'axe 4 deja"),
    ("c la premiere fois ?", "c'est la premiere fois ?"),
    ("le maire a t il une competence propre", "le maire a-t-il une competence propre"),
    ("faut il une deliberation", "faut-il une deliberation"),
    ("peut on deposer en juin ?", "peut-on deposer en juin ?"),
    ("axe c du plan", "axe c du plan"),  # a lone letter is no « c'est »
    ("Ce qu'on peut il faut le faire.", "Ce qu'on peut il faut le faire."),  # a statement, not an inversion
])
def test_words_typed_fast_are_read_as_meant(typed, meant):
    assert expand_colloquial(typed) == meant
