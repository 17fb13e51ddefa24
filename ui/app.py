"""The Gradio app: `create_app(assistant)` lays out the four tabs and the footer; `launch()` serves them.

ui/ only lays out and formats: every action calls an `Assistant` method, and per-visitor data lives in `gr.State`.
"""

from __future__ import annotations

import gradio as gr

from assistant import Assistant

from assistant.users import Users

from . import api, chat, documents, plan, review
from .format import AI_NOTICE, footer_markdown, md_safe
from .server import app_title, launch

__all__ = ["create_app", "launch"]


def ai_notice() -> gr.Markdown:
    """The short AI notice, at the top of every tab."""
    return gr.Markdown(f"⚠️ {AI_NOTICE}", elem_classes="aap-notice")


def create_app(assistant: Assistant) -> gr.Blocks:
    settings, criteria = assistant.settings, assistant.criteria
    max_age = settings.ui_temp_max_age_s
    title = app_title(criteria)
    with gr.Blocks(title=title, analytics_enabled=False, delete_cache=(min(max_age, 600), max_age)) as app:
        api.register(assistant)  # first, so that the four endpoints get their plain names
        gr.Markdown(f"# {md_safe(title)}\n**{md_safe(criteria.title)}** ({md_safe(criteria.publisher)}) : questions "
                    "sur l'appel, brouillon de plan d'actions, relecture, et vos propres documents.")
        last_answer = gr.State(None)  # the last chat answer (its public JSON), for the review desk
        with gr.Tabs(elem_id="aap-tabs", overflow_behavior="wrap") as tabs:  # no « … » menu on a phone
            with gr.Tab("Questions", id="chat", elem_id="aap-tab-chat"):
                ai_notice()
                chat_tab = chat.build(assistant, last_answer)
            with gr.Tab("Plan d'actions", id="plan", elem_id="aap-tab-plan"):
                ai_notice()
                plan.build(assistant)
            with gr.Tab("Relecture", id="review", elem_id="aap-tab-review"):
                ai_notice()
                review_tab = review.build(assistant, last_answer)
            with gr.Tab("Documents", id="documents", elem_id="aap-tab-documents"):
                ai_notice()
                documents_tab = documents.build(assistant, Users.from_settings(settings))
        gr.Markdown(footer_markdown(settings.llm_provider, settings.llm_model, assistant.kb.embeddings.name,
                                    assistant.kb.store.count()), elem_id="aap-footer")

        chat_tab.to_review.click(review_tab.take_last_answer, last_answer, review_tab.inputs,
                                 api_visibility="private", queue=False).success(
            lambda: gr.Tabs(selected="review"), None, tabs, api_visibility="private", queue=False).success(
            review_tab.check, review_tab.inputs, review_tab.outputs, api_visibility="private",
            concurrency_id="assistant")
        app.load(documents_tab.refresh, None, documents_tab.outputs, api_visibility="private")
    return app
