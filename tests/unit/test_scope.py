"""The out-of-scope signal "unknown words": rare words the base never uses weigh more than common ones."""

from assistant.scope import unknown_share
from assistant.text_fr import analyse


def knows(*words):
    stems = {analyse(w)[0] for w in words}
    return lambda stem: stem in stems


def test_a_question_made_of_known_words_has_no_unknown_share():
    assert unknown_share("Quels financements pour la prévention ?", knows("financements", "prévention")) == 0.0


def test_a_rare_unknown_word_weighs_more_than_a_common_unknown_one():
    known = knows("financer", "jeunes", "animateurs", "commune", "aide")
    rare = unknown_share("Comment financer le BAFA des jeunes animateurs ?", known)
    common = unknown_share("Comment financer la maison des jeunes animateurs ?", known)
    assert rare > common > 0.0


def test_empty_and_stop_word_questions_do_not_divide_by_zero():
    assert unknown_share("", knows("x")) == 0.0
    assert unknown_share("le la les de", knows("x")) == 0.0


def test_a_request_for_ideas_with_no_subject_of_its_own_is_generic():
    from assistant.answering.query import Understanding, understand_text

    def generic(question: str) -> bool:
        return understand_text(question, Understanding.empty()).generic_request

    assert generic("Quelles actions proposer pour notre commune ?")
    assert generic("Des idées pour l'axe 3 ?")
    assert not generic("Des idées d'actions pour le columbarium du cimetière ?")
    assert not generic("Quelle est la date limite ?")  # not a request for ideas
