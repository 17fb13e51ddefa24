"""How the app is served: loopback by default, optional login, bounded queue, no analytics, no run history."""

from __future__ import annotations

import html
import ipaddress
import re

import anyio
import gradio as gr
from starlette.middleware import Middleware

from assistant import Assistant
from assistant.config import Settings
from assistant.criteria import CallCriteria
from assistant.errors import ConfigurationError
from assistant.users import Users

from .errors import QUEUE_FULL
from .guards import FileRouteGuard
from .http_errors import FrenchHttpErrors
from .login import LoginGuard
from .theme import CSS, FRENCH_TEXTS, HEAD_SCRIPT, THEME
from .uploads import use_private_temp_dir

HTML_LANG = re.compile(rb'(<html\s+lang=)"en"')


class EarlyScript:
    """ASGI middleware: `script` at the top of every HTML page served, before Gradio's own script.

    Gradio inserts the `head` option into the page from its own script, too late to choose the language of its
    built-in texts (it reads the browser's once, at start-up).
    """

    def __init__(self, app, script: str):
        self.app, self.script = app, script.encode("utf-8")

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope.get("method") != "GET"
                or scope.get("path", "/").startswith(("/gradio_api", "/file", "/static", "/assets"))):
            return await self.app(scope, receive, send)  # only the pages, never a served file
        started, chunks = None, []

        async def insert(message):
            nonlocal started
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers:
                    started = message
                    return
            elif message["type"] == "http.response.body" and started is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks).replace(b"<head>", b"<head>" + self.script, 1)
                body = HTML_LANG.sub(rb'\1"fr"', body, count=1)  # French for readers that look before scripts run
                headers = [(k, v) for k, v in started.get("headers", []) if k.lower() != b"content-length"]
                await send({**started, "headers": headers + [(b"content-length", str(len(body)).encode())]})
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await self.app(scope, receive, insert)


def page_head(title: str) -> str:
    return f'<meta name="description" content="{html.escape(title, quote=True)}">'


def app_title(criteria: CallCriteria) -> str:
    """« Assistant appel à projets MILDECA 2024 »: the served call's short name, from its pack."""
    return f"Assistant appel à projets {criteria.name}"


def login(settings: Settings):
    """Gradio's `auth`: the accounts' check (`AAP_USERS`, `AAP_AUTH`), or None when no login is asked. A coroutine,
    so that hashing a password (a tenth of a second) runs in a thread, not in the server's event loop."""
    users = Users.from_settings(settings)
    if users is None:
        return None

    async def check(name: str, password: str) -> bool:
        return await anyio.to_thread.run_sync(users.check, name, password)

    return check


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any address


def check_exposure(host: str, settings: Settings, public: bool = False) -> None:
    """Refuse to serve a non-loopback address without login, unless told it is meant to be public."""
    if is_loopback(host) or Users.from_settings(settings) is not None or public or settings.public:
        return
    raise ConfigurationError(
        f"Attention : l'adresse d'écoute « {host} » rend l'application accessible depuis d'autres machines, et "
        "aucune identification n'est demandée (AAP_USERS ou AAP_AUTH) : n'importe qui pourrait lire, ajouter ou "
        "retirer les documents de la base. Définissez des comptes, écoutez sur 127.0.0.1, ou confirmez l'accès "
        "public avec `aap serve --public` (ou AAP_PUBLIC=true).")


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
                head=page_head(title), css=CSS, theme=THEME, i18n=FRENCH_TEXTS,
                footer_links=["api"], run_history=False, enable_monitoring=False, mcp_server=False, share=False,
                ssr_mode=False, allowed_paths=None, pwa=False,
                app_kwargs={"middleware": [Middleware(FileRouteGuard, max_mb=settings.max_upload_mb),
                                           Middleware(LoginGuard), Middleware(EarlyScript, script=HEAD_SCRIPT),
                                           Middleware(FrenchHttpErrors)]},  # innermost: Gradio's own answers
                auth_message=f"{title} : identifiez-vous.")


def launch(assistant: Assistant, host: str | None = None, port: int | None = None, *,
           prevent_thread_lock: bool = False, quiet: bool = False, public: bool = False) -> gr.Blocks:
    """Serve the app (127.0.0.1:7860 unless the settings or the arguments say otherwise).

    Blocks until the server stops, unless `prevent_thread_lock`; returns the running app (`.local_url`, `.close()`).
    A non-loopback address without login is refused (`ConfigurationError`) unless `public` or `AAP_PUBLIC`.
    """
    from .app import create_app

    settings = assistant.settings
    host, port = host or settings.host, port or settings.port
    check_exposure(host, settings, public)
    use_private_temp_dir(settings.data_dir)  # before the app exists: Gradio reads it then
    app = configure_queue(create_app(assistant), settings.ui_concurrency, settings.ui_queue_size)
    if not quiet:
        print(f"Application ouverte sur http://{host}:{port} (Ctrl+C pour l'arrêter).", flush=True)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock, quiet=True,
               **launch_options(settings, assistant.criteria))
    return app
