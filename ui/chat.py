"""The « Questions » tab: a conversation whose answers stream in, each followed by its sources as cards."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant import Assistant
from assistant.answering.models import Answer
from assistant.llm import model_label

from .errors import french_errors
from .format import answer_messages, md_safe, mode_badge, partial_message

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
def respond(assistant: Assistant, text: str, axis_id: str, messages: list, history: list):
    """Stream one exchange: outputs are (chat messages, conversation, last answer, question box, mode badge).

    Partial texts (LLM modes) only update the chat; the question is cleared once the answer is complete, so that
    nothing is lost if it fails.
    """
    messages = list(messages or [])
    asked = messages + [{"role": "user", "content": md_safe(text or "")}]
    answer = None
    for item in assistant.ask_stream(text, history=history, axis=axis_id or None):
        if isinstance(item, Answer):
            answer = item
        else:
            yield asked + [partial_message(item)], gr.skip(), gr.skip(), gr.skip(), gr.skip()
    history = list(history or []) + [{"role": "user", "content": text.strip()},
                                     {"role": "assistant", "content": answer.answer}]
    public = answer.public_dict()
    yield asked + answer_messages(public), history, public, "", mode_badge(answer.mode)


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
    question.submit(send, [question, axis, chatbot, turns], outputs, api_visibility="private",
                    concurrency_id="assistant")
    for button, text in zip(example_buttons, EXAMPLES):
        button.click(lambda t=text: t, None, question, api_visibility="private", queue=False).then(
            send, [question, axis, chatbot, turns], outputs, api_visibility="private", concurrency_id="assistant")
    new_conversation.click(lambda: ([], [], None), None, [chatbot, turns, last_answer], api_visibility="private",
                           queue=False)
    chatbot.clear(lambda: ([], None), None, [turns, last_answer], api_visibility="private", queue=False)
    return ChatTab(question=question, chatbot=chatbot, to_review=to_review)
