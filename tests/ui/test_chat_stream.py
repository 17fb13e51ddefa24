"""The chat callback with a language model (a LangChain fake): the answer streams in, then its sources and badge."""

from __future__ import annotations

import time

import gradio as gr
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import Assistant
from ui.chat import STREAM_INTERVAL_S, respond

pytestmark = pytest.mark.integration

TEXT = "Les dossiers de candidature sont à déposer avant le 30 avril 2024 sur la plateforme démarche simplifiée [1]."


def with_model(ui_assistant, model) -> Assistant:
    settings = ui_assistant.settings.model_copy(update={"llm_provider": "ollama", "llm_model": "modele-de-test"})
    return Assistant(settings, ui_assistant.kb, ui_assistant.criteria, chat_model=model)


def test_an_llm_answer_streams_in_then_shows_its_sources_and_the_model_badge(ui_assistant):
    assistant = with_model(ui_assistant, GenericFakeChatModel(messages=iter([AIMessage(content=TEXT)])))
    steps = list(respond(assistant, "Jusqu'à quand peut-on déposer le dossier ?", "", [], [], interval_s=0))
    partial, final = steps[:-1], steps[-1]
    assert len(partial) > 2  # one update per streamed piece (when redrawing costs nothing)
    texts = [step[0][-1]["content"] for step in partial]
    assert all(t.endswith("▍") for t in texts) and len(texts[0]) < len(texts[-1])
    assert all(isinstance(x, type(gr.skip())) for step in partial for x in step[1:])  # only the chat changes

    messages, history, answer, question, badge = final
    assert messages[0] == {"role": "user", "content": "Jusqu'à quand peut-on déposer le dossier ?"}
    assert "30 avril 2024" in messages[1]["content"] and 'href="#aap-src-0-1"' in messages[1]["content"]
    assert '<details class="aap-card" id="aap-src-0-1">' in messages[2]["content"]
    assert answer["mode"] == "ollama · modele-de-test" and "ollama · modele-de-test" in badge
    assert question == "" and history[-1] == {"role": "assistant", "content": answer["answer"]}


def test_a_failing_model_falls_back_offline_with_a_visible_notice(ui_assistant):
    class Broken(GenericFakeChatModel):
        def _stream(self, *args, **kwargs):
            raise ConnectionError("service indisponible")

    assistant = with_model(ui_assistant, Broken(messages=iter([])))
    *_, (messages, _, answer, _, _) = respond(assistant, "Jusqu'à quand peut-on déposer le dossier ?", "", [], [])
    assert answer["notice"] and messages[1]["content"].startswith("⚠️ *Le modèle de langage n'a pas pu répondre")


def test_a_bad_question_is_refused_in_french_and_the_conversation_is_kept(ui_assistant):
    kept = [{"role": "user", "content": "avant"}]
    with pytest.raises(gr.Error, match="La question est vide"):
        list(respond(ui_assistant, "   ", "", kept, []))
    with pytest.raises(gr.Error, match="Axe inconnu"):
        list(respond(ui_assistant, "Qui peut candidater ?", "axe-9", kept, []))
    assert kept == [{"role": "user", "content": "avant"}]


def test_a_fast_model_does_not_redraw_the_chat_for_every_piece(ui_assistant):
    # Each redraw re-renders the whole conversation in the browser: one per streamed piece made every answer slower
    # to show as a conversation grew. The chat follows the model at most every STREAM_INTERVAL_S and loses nothing.
    text = " ".join([TEXT] * 8)
    question = "Jusqu'à quand peut-on déposer le dossier ?"

    def run(**kwargs):
        model = GenericFakeChatModel(messages=iter([AIMessage(content=text)]))
        return list(respond(with_model(ui_assistant, model), question, "", [], [], **kwargs))

    every = run(interval_s=0)
    started = time.monotonic()
    throttled = run()
    elapsed = time.monotonic() - started
    assert len(every) - 1 > 100
    assert 1 <= len(throttled) - 1 <= 2 + elapsed / STREAM_INTERVAL_S
    assert throttled[-1][0] == every[-1][0] and throttled[-1][2] == every[-1][2]  # the same answer, whole


def test_the_progress_animation_is_on_the_question_box_not_over_the_chat(ui_assistant):
    # Drawn over the chat, the spinner and timer repainted the whole conversation at every frame while an answer was
    # written: a cost that grew with each turn.
    from ui.app import create_app

    config = create_app(ui_assistant).get_config_file()
    ids = {c["props"].get("elem_id"): c["id"] for c in config["components"]}
    answering = [d for d in config["dependencies"]
                 if ids["aap-chat"] in d["outputs"] and ids["aap-question"] in d["inputs"]]
    assert len(answering) > 1  # sent from the question box, or by an example button
    assert all(d["show_progress_on"] == [ids["aap-question"]] for d in answering)
