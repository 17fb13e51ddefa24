"""Signing in: the accounts' check, who is asking and with which role, and a per-client brake on wrong passwords.

Gradio answers a wrong login with HTTP 400 « Incorrect credentials. » as often as asked; `LoginGuard` (ASGI, in
front of Gradio) answers in French, counts failures per client address and, after `max_failures` within
`window_s`, refuses that client's attempts for `lock_s` seconds (HTTP 429) without checking the password. It also
turns Gradio's English 401 « Not authenticated » (every route but the page, to a visitor not signed in or whose session
was lost) into a French sentence, which the page shows when a click meets it.
"""

from __future__ import annotations

import json
import time
from collections import deque

import gradio as gr

from assistant.users import Role, Users

WRONG_LOGIN = "Identifiants incorrects."
NOT_SIGNED_IN = ("Vous n'êtes pas identifié, ou votre session a pris fin (redémarrage de l'application) : rechargez la "
                 "page et connectez-vous.")


def too_many_attempts(seconds: float) -> str:
    wait = max(1, round(seconds))
    return f"Trop de tentatives de connexion manquées : réessayez dans {wait} seconde{'s' if wait > 1 else ''}."


def visitor(users: Users | None, request: gr.Request | None) -> tuple[str, Role | None]:
    """(login, role) of whoever sent `request`. Without accounts the app is one person's: an editor without a name.
    A signed-in name no longer among the accounts has no role."""
    if users is None:
        return "", Role.EDITOR
    name = getattr(request, "username", None) or ""
    return name, users.role(name)


class LoginGuard:
    def __init__(self, app, max_failures: int = 5, window_s: float = 60.0, lock_s: float = 60.0, clock=time.monotonic):
        self.app, self.max_failures, self.window_s, self.lock_s, self.clock = app, max_failures, window_s, lock_s, clock
        self.failures: dict[str, deque[float]] = {}  # client address -> times of its recent failures
        self.locked_until: dict[str, float] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope.get("method") != "POST" or scope.get("path", "").rstrip("/") != "/login":
            return await self.app(scope, receive, _french_401(send))
        client = (scope.get("client") or ("?", 0))[0]
        now = self.clock()
        wait = self.locked_until.get(client, 0) - now
        if wait > 0:
            return await _json(send, 429, too_many_attempts(wait), [(b"retry-after", str(round(wait) + 1).encode())])
        status = {}

        async def french(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                if message["status"] == 400:
                    self._failed(client, now)
                    return  # the French body replaces Gradio's
                if message["status"] == 200:
                    self.failures.pop(client, None)
            elif status.get("code") == 400:
                if not message.get("more_body"):
                    await _json(send, 400, WRONG_LOGIN)
                return
            await send(message)

        await self.app(scope, receive, french)

    def _failed(self, client: str, now: float) -> None:
        recent = self.failures.setdefault(client, deque())
        recent.append(now)
        while recent and recent[0] < now - self.window_s:
            recent.popleft()
        if len(recent) >= self.max_failures:
            self.locked_until[client] = now + self.lock_s
            recent.clear()
        if len(self.failures) > 10_000:  # many addresses: forget the quiet ones rather than grow without end
            for key in [k for k, times in self.failures.items() if not times or times[-1] < now - self.window_s]:
                del self.failures[key]
            self.locked_until = {k: t for k, t in self.locked_until.items() if t > now}


def _french_401(send):
    """`send`, with Gradio's « Not authenticated » refusals answered in French (same status, a plain `detail`)."""
    held: dict = {}

    async def french(message):
        if message["type"] == "http.response.start" and message["status"] == 401:
            held["start"], held["body"] = message, b""
            return
        if held and message["type"] == "http.response.body":
            held["body"] += message.get("body", b"")
            if message.get("more_body"):
                return
            if b"Not authenticated" in held["body"]:
                return await _json(send, 401, NOT_SIGNED_IN)
            await send(held["start"])
            return await send({"type": "http.response.body", "body": held["body"]})
        await send(message)

    return french


async def _json(send, status: int, detail: str, headers: list | None = None) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())] + (headers or [])})
    await send({"type": "http.response.body", "body": body})
