"""The « Questions » tab: a conversation whose answers stream in, each followed by its sources as cards."""

from __future__ import annotations

import time
from dataclasses import dataclass

import gradio as gr

from assistant import Assistant
from assistant.answering.models import Answer
from assistant.llm import model_label

from .errors import french_errors
from .format import answer_messages, md_safe, mode_badge, partial_message

# While a model writes, the chat is redrawn at most this often. Each redraw re-renders the whole conversation in the
# browser (every past answer and its source cards): redrawn for every streamed piece, a long conversation made each
# new answer slower to show (docs/benchmarks.md, « tour 1 et tour 20 dans l'application »).
STREAM_INTERVAL_S = 0.25
EXAMPLES = [
    "Jusqu'à quand peut-on déposer le dossier ?",
    "Qui peut candidater à cet appel à projets ?",
    "Quels partenaires associer au projet ?",
    "Des idées d'actions pour l'axe 3 ?",
]


@dataclass
class ChatTab:
    question: gr.Textbox
    chatbot: gr.Chatbot
    to_review: gr.Button


def axis_choices(assistant: Assistant) -> list[tuple[str, str]]:
    return [("Tous les axes", "")] + [(f"Axe {a.number} — {a.short}", a.id) for a in assistant.criteria.axes]


@french_errors
def respond(assistant: Assistant, text: str, axis_id: str, messages: list, history: list,
            interval_s: float | None = None):
    """Stream one exchange: outputs are (chat messages, conversation, last answer, question box, mode badge).

    Partial texts (LLM modes) only update the chat, at most once every `interval_s` (default STREAM_INTERVAL_S; each
    partial text holds the whole answer so far, so none is lost); the question is cleared once the answer is
    complete, so that nothing is lost if it fails.
    """
    interval_s = STREAM_INTERVAL_S if interval_s is None else interval_s
    messages = list(messages or [])
    asked = messages + [{"role": "user", "content": md_safe(text or "")}]
    answer, shown = None, None
    for item in assistant.ask_stream(text, history=history, axis=axis_id or None):
        if isinstance(item, Answer):
            answer = item
        elif shown is None or time.monotonic() - shown >= interval_s:
            shown = time.monotonic()
            yield asked + [partial_message(item)], gr.skip(), gr.skip(), gr.skip(), gr.skip()
    history = list(history or []) + [{"role": "user", "content": text.strip()},
                                     {"role": "assistant", "content": answer.answer}]
    public = answer.public_dict()
    shown = answer_messages(answer.model_dump(mode="json"), turn=len(messages))
    yield asked + shown, history, public, "", mode_badge(answer.mode)


def build(assistant: Assistant, last_answer: gr.State) -> ChatTab:
    """Lay out the tab; `last_answer` (the last answer's public JSON) is shared with the review desk."""
    turns = gr.State([])  # the conversation as the core reads it: [{"role", "content"}], one per browser session
    with gr.Row():
        badge = gr.Markdown(mode_badge(model_label(assistant.settings)), elem_id="aap-mode")
        axis = gr.Dropdown(axis_choices(assistant), value="", label="Limiter la recherche à un axe",
                           info="Les fiches de bonnes pratiques d'un seul axe (le texte de l'appel reste consulté).",
                           elem_id="aap-axis", scale=2)
    chatbot = gr.Chatbot(label="Conversation", elem_id="aap-chat", height=600, latex_delimiters=[],
                         sanitize_html=True, allow_tags=False, feedback_options=None, buttons=["copy"],
                         placeholder="Posez une question sur l'appel à projets : chaque réponse cite ses sources.")
    question = gr.Textbox(label="Votre question", placeholder="Par exemple : qui peut candidater ?", lines=1,
                          max_lines=6, elem_id="aap-question", submit_btn="Envoyer")
    with gr.Row():
        new_conversation = gr.Button("Nouvelle conversation", variant="secondary", size="sm")
        to_review = gr.Button("Vérifier la dernière réponse dans la relecture", variant="secondary", size="sm",
                              elem_id="aap-to-review")
    gr.Markdown("**Exemples de questions** (cliquez pour les poser) :")
    with gr.Row():
        example_buttons = [gr.Button(text, size="sm", variant="secondary") for text in EXAMPLES]

    def send(text: str, axis_id: str, messages: list, history: list):
        yield from respond(assistant, text, axis_id, messages, history)

    outputs = [chatbot, turns, last_answer, question, badge]
    # the progress animation (spinner and timer) goes on the question box: drawn over the chat, it repainted the
    # whole conversation at every frame while an answer was being written, a cost that grew with every turn
    progress = dict(show_progress_on=[question])
    question.submit(send, [question, axis, chatbot, turns], outputs, api_visibility="private",
                    concurrency_id="assistant", **progress)
    for button, text in zip(example_buttons, EXAMPLES):
        button.click(lambda t=text: t, None, question, api_visibility="private", queue=False).then(
            send, [question, axis, chatbot, turns], outputs, api_visibility="private", concurrency_id="assistant",
            **progress)
    new_conversation.click(lambda: ([], [], None), None, [chatbot, turns, last_answer], api_visibility="private",
                           queue=False)
    chatbot.clear(lambda: ([], None), None, [turns, last_answer], api_visibility="private", queue=False)
    return ChatTab(question=question, chatbot=chatbot, to_review=to_review)
