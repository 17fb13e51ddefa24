"""The detached phrases of a long source sentence (`assistant.clauses`): each with the noun it speaks of, and the
sentence without them, for a short sentence that restates one part. No model."""

from __future__ import annotations

from assistant.clauses import MAX_UNITS, long_clauses
from assistant.sentence_vectors import indexed_sentences

ELUS = ("L'emprise des réseaux constitue un défi majeur pour la société française et donc pour les élus locaux, "
        "en première ligne face à la demande de sécurité de leurs concitoyens.")


def test_a_detached_phrase_is_compared_with_the_noun_it_speaks_of():
    assert "les élus locaux, en première ligne face à la demande de sécurité de leurs concitoyens." in long_clauses(ELUS)


def test_a_sentence_is_also_read_without_its_detached_phrases():
    sentence = ("Ces jeunes, parfois sans aucun passé judiciaire, sont attirés non seulement par l'argent mais aussi "
                "par le statut social au sein du quartier.")
    units = long_clauses(sentence)
    assert "Ces jeunes, parfois sans aucun passé judiciaire" in units
    assert ("Ces jeunes sont attirés non seulement par l'argent mais aussi par le statut social au sein du quartier."
            in units)


def test_detached_phrases_are_indexed_at_ingestion_and_bounded():
    assert set(long_clauses(ELUS)) <= set(indexed_sentences(ELUS))
    many = "Les jeunes du quartier, " + ", ".join(f"en lien avec le partenaire numéro {i}" for i in range(30)) + \
        ", participent aux ateliers de prévention organisés par la commune."
    assert 0 < len(long_clauses(many)) <= MAX_UNITS
