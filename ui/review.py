"""The « Relecture » tab: any text, or the last answer, checked sentence by sentence against the sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from assistant import Assistant

from .errors import french_errors
from .format import grounding_html, sources_legend


@dataclass
class ReviewTab:
    inputs: list  # [text, use the last answer's sources, the last answer]
    outputs: list
    take_last_answer: Callable
    check: Callable


def build(assistant: Assistant, last_answer: gr.State) -> ReviewTab:
    gr.Markdown("Collez un texte (une réponse, un paragraphe du dossier…) ou reprenez la dernière réponse : chaque "
                "phrase est rapprochée du passage des sources qui l'étaie le mieux, et chaque citation [n] est "
                "contrôlée.")
    text = gr.Textbox(label="Texte à vérifier", lines=8, max_lines=30, elem_id="aap-review-text",
                      placeholder="Collez ici le texte à vérifier.")
    numbered = gr.Checkbox(False, label="Les citations [n] renvoient aux sources de la dernière réponse",
                           elem_id="aap-review-numbered",
                           info="Coché quand le texte vient de l'onglet Questions ; décochez pour un autre texte.")
    with gr.Row():
        take = gr.Button("Reprendre la dernière réponse", variant="secondary", elem_id="aap-review-take")
        run = gr.Button("Vérifier", variant="primary", elem_id="aap-review-run")
    result = gr.HTML(elem_id="aap-review-result", label="Verdicts")

    @french_errors
    def take_last_answer(answer: dict | None):
        if not answer:
            raise gr.Error("Aucune réponse à reprendre : posez d'abord une question dans l'onglet Questions.")
        return answer["answer"], True, answer

    @french_errors
    def check(value: str, use_sources: bool, answer: dict | None):
        if not (value or "").strip():
            raise gr.Error("Le texte à vérifier est vide.")
        passages = answer["citations"] if use_sources and answer else None
        report = grounding_html(assistant.check(value, passages=passages).model_dump(mode="json"))
        return sources_legend(passages or []) + report

    inputs = [text, numbered, last_answer]
    take.click(take_last_answer, last_answer, inputs, api_visibility="private", queue=False)
    run.click(check, inputs, result, api_visibility="private", concurrency_id="assistant")
    text.input(lambda: False, None, numbered, api_visibility="private", queue=False)
    return ReviewTab(inputs=inputs, outputs=[result], take_last_answer=take_last_answer, check=check)
