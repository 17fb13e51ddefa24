"""ASGI guards in front of Gradio's routes: no outbound fetch through the file route, French refusals of uploads.

Gradio's `/gradio_api/file=<url>` fetches an http(s) URL for the caller and `/gradio_api/proxy=<url>` relays one:
an offline app that serves local files only must never connect out on a visitor's request. `FileRouteGuard` refuses,
before Gradio sees them, every file route whose target names a scheme or a network location (however it is
percent-encoded), and the proxy route altogether. It also turns the English 413 body of the upload route into
French.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

NOT_LOCAL = "Adresse refusée : l'application ne sert que ses propres fichiers, jamais une adresse extérieure."
TOO_LARGE = "Fichier trop volumineux : {max_mb} Mo au plus par fichier."

_ROUTE = re.compile(r"/(?:file|proxy)=", re.I)
# a scheme (`http:`, `HTTPS:`, `ftp:`, `file:`, `data:`…) or a network path (`//host`, `\\host`)
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*\s*:|[/\\]{2})", re.I)
_DRIVE = re.compile(r"^[a-z]:[/\\]", re.I)  # a Windows path, `C:\…`


def names_a_remote(target: str) -> bool:
    """True when `target` (what follows `file=`), decoded as many times as it is encoded, is not a plain path."""
    for _ in range(5):
        if (_REMOTE.match(target) and not _DRIVE.match(target)) or "://" in target:
            return True
        decoded = unquote(target)
        if decoded == target:
            return False
        target = decoded
    return True  # encoded more than five times: no local path looks like that


class FileRouteGuard:
    def __init__(self, app, max_mb: int):
        self.app, self.too_large = app, TOO_LARGE.format(max_mb=max_mb).encode("utf-8")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        raw = scope.get("raw_path", b"").decode("latin-1")
        route = _ROUTE.search(path) or _ROUTE.search(raw)
        if route is not None:
            targets = [p[p.lower().find(route.group(0).lower()) + len(route.group(0)):] for p in (path, raw)
                       if route.group(0).lower() in p.lower()]
            if route.group(0).lower() == "/proxy=" or any(names_a_remote(t) for t in targets):
                return await _plain(send, 403, NOT_LOCAL.encode("utf-8"))
        if scope.get("method") == "POST" and path.rstrip("/").endswith("/upload"):
            return await self.app(scope, receive, self._french_413(send))
        return await self.app(scope, receive, send)

    def _french_413(self, send):
        refused = {}

        async def french(message):
            if message["type"] == "http.response.start" and message["status"] == 413:
                refused["yes"] = True
                return
            if refused and message["type"] == "http.response.body":
                if not message.get("more_body"):
                    await _plain(send, 413, self.too_large)
                return
            await send(message)

        return french


async def _plain(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
