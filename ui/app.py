"""The Gradio app. `create_app(assistant)` builds the Blocks; `launch()` serves them on 127.0.0.1 by default."""

from __future__ import annotations

import gradio as gr

from assistant import Assistant

HEAD = '<script>document.documentElement.lang = "fr";</script>'


def create_app(assistant: Assistant) -> gr.Blocks:
    docs = assistant.documents()
    chunks = sum(len(d.ids) for d in docs)
    with gr.Blocks(title="aap-assistant — MILDECA 2024", analytics_enabled=False) as app:
        gr.Markdown("# Assistant appel à projets MILDECA 2024\n"
                    "Prévention de la participation des jeunes aux trafics de stupéfiants.")
        gr.Markdown(f"Base de connaissances : {len(docs)} documents, {chunks} passages.")
    return app


def launch(assistant: Assistant, host: str | None = None, port: int | None = None) -> None:
    settings = assistant.settings
    auth = None
    if settings.auth is not None:
        user, _, password = settings.auth.get_secret_value().partition(":")
        auth = (user, password)
    app = create_app(assistant)
    app.queue(default_concurrency_limit=2, max_size=50)
    app.launch(server_name=host or settings.host, server_port=port or settings.port, auth=auth,
               max_file_size=f"{settings.max_upload_mb}mb", show_error=False, head=HEAD)
