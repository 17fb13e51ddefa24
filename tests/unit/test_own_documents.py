import pytest

from assistant.answering.own_documents import asks_what_own_documents_say


@pytest.mark.parametrize("question", [
    "Que dit notre diagnostic sur le quartier des Tilleuls ?",
    "Selon notre compte rendu du CLSPD, qui est la coordinatrice ?",
    "Qu'est-ce que notre diagnostic relève sur les halls ?",
    "Résume notre diagnostic local.",
    "Dans nos documents, combien de signalements ?",
    "Notre diagnostic local indique-t-il des points de deal ?",
])
def test_questions_on_what_the_users_documents_say(question):
    assert asks_what_own_documents_say(question)


@pytest.mark.parametrize("question", [
    "Comment réaliser notre diagnostic local ?",  # method: the fiches answer it
    "Que dit l'appel sur le diagnostic ?",
    "Faut-il joindre notre diagnostic au dossier ?",
    "Dans notre projet, peut-on financer un éducateur ?",  # the application itself, not an uploaded document
    "Quelles actions proposer dans notre commune ?",
])
def test_other_questions_keep_the_whole_base(question):
    assert not asks_what_own_documents_say(question)
