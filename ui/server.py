"""How the app is served: loopback by default, optional login, bounded queue, no analytics, no run history."""

from __future__ import annotations

import html

import gradio as gr

from assistant import Assistant
from assistant.config import Settings
from assistant.criteria import CallCriteria

from .errors import QUEUE_FULL

HEAD = '<meta name="description" content="{description}"><script>document.documentElement.lang = "fr";</script>'
CSS = """
.aap-review ol { padding-left: 2em; }
.aap-sentence { border-left: 6px solid; padding: 0.3em 0.8em; margin: 0.6em 0; list-style-position: outside; }
.aap-supported { border-color: #1b7f3b; }
.aap-weak { border-color: #b36b00; }
.aap-unsupported { border-color: #b3261e; background: rgba(179, 38, 30, 0.06); }
.aap-verdict { font-weight: 700; margin-right: 0.4em; }
.aap-supported .aap-verdict { color: #1b7f3b; }
.aap-weak .aap-verdict { color: #8a5200; }
.aap-unsupported .aap-verdict { color: #b3261e; }
.aap-review div, .aap-review details { display: block; }
.aap-review-summary { font-weight: 600; margin-bottom: 0.4em; }
.aap-meta { font-size: 0.9em; opacity: 0.85; margin: 0.2em 0; }
.aap-citation.aap-bad { color: #b3261e; }
.aap-passage blockquote { margin: 0.3em 0 0.3em 1em; font-style: italic; white-space: pre-wrap; }
#aap-footer { font-size: 0.9em; border-top: 1px solid #ccc; padding-top: 0.6em; margin-top: 1em; }
mark { background: #fff1a8; color: inherit; padding: 0 0.1em; }
/* Gradio titles its notices with their type, in English: show French titles instead. */
.toast-title.error, .toast-title.warning, .toast-title.info { font-size: 0 !important; }
.toast-title.error::before, .toast-title.warning::before, .toast-title.info::before { font-size: var(--text-md); }
.toast-title.error::before { content: "Erreur"; }
.toast-title.warning::before { content: "Attention"; }
.toast-title.info::before { content: "Information"; }
"""
# System fonts only: the default theme would fetch its fonts from an outside address.
THEME = gr.themes.Default(font=["system-ui", "Segoe UI", "Roboto", "sans-serif"],
                          font_mono=["ui-monospace", "Consolas", "monospace"])


def app_title(criteria: CallCriteria) -> str:
    """« Assistant appel à projets MILDECA 2024 »: the served call's short name, from its pack."""
    return f"Assistant appel à projets {criteria.name}"


def login(settings: Settings) -> tuple[str, str] | None:
    if settings.auth is None:
        return None
    user, _, password = settings.auth.get_secret_value().partition(":")
    return user, password


def configure_queue(app: gr.Blocks, concurrency: int, max_size: int) -> gr.Blocks:
    """A bounded queue whose « full » answer is a French message.

    Gradio answers a full queue with HTTP 503, which its page turns into a fixed English sentence; answered as an
    ordinary refusal instead, the page (and `gradio_client`) shows our message.
    """
    app.queue(default_concurrency_limit=concurrency, max_size=max_size)
    queue = app._queue
    push = queue.push

    async def push_or_refuse_in_french(*args, **kwargs):
        success, detail, state = await push(*args, **kwargs)
        if state == "queue_full":
            return False, QUEUE_FULL, "error"
        return success, detail, state

    queue.push = push_or_refuse_in_french
    return app


def launch_options(settings: Settings, criteria: CallCriteria) -> dict:
    title = app_title(criteria)
    return dict(auth=login(settings), max_file_size=f"{settings.max_upload_mb}mb", show_error=False,
                head=HEAD.format(description=html.escape(title, quote=True)), css=CSS, theme=THEME,
                footer_links=["api"], run_history=False, enable_monitoring=False, mcp_server=False, share=False,
                ssr_mode=False, allowed_paths=None, pwa=False, auth_message=f"{title} : identifiez-vous.")


def launch(assistant: Assistant, host: str | None = None, port: int | None = None, *,
           prevent_thread_lock: bool = False, quiet: bool = False) -> gr.Blocks:
    """Serve the app (127.0.0.1:7860 unless the settings or the arguments say otherwise).

    Blocks until the server stops, unless `prevent_thread_lock`; returns the running app (`.local_url`, `.close()`).
    """
    from .app import create_app

    settings = assistant.settings
    host, port = host or settings.host, port or settings.port
    app = configure_queue(create_app(assistant), settings.ui_concurrency, settings.ui_queue_size)
    if not quiet:
        print(f"Application ouverte sur http://{host}:{port} (Ctrl+C pour l'arrêter).", flush=True)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock, quiet=True,
               **launch_options(settings, assistant.criteria))
    return app
