"""French error bodies for what Gradio, FastAPI and Starlette answer in English on the app's own routes.

`FrenchHttpErrors` (ASGI, innermost: between the app's guards and Gradio) reads every error response (status ≥ 400)
and, when its body is one of theirs (a status phrase such as « Not Found », a validation list, an empty body,
`{"error": null}`, a Gradio message from `ENGLISH`), sends a French sentence instead, with the same status, the same
body shape (`{"detail": …}` or plain text) and its other headers (`allow`, `retry-after`). A body it does not know
is passed unchanged: the app's own refusals are already French (the queue's « très sollicité », a callback's
`gr.Error`). An exception that escapes Gradio becomes a French 500 instead of Starlette's « Internal Server
Error », with its traceback in the server's log.

    app = FrenchHttpErrors(gradio_app)
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

log = logging.getLogger("aap.ui")

INTERNAL = ("Erreur interne de l'application : l'opération n'a pas abouti (le détail technique est dans le journal "
            "du serveur).")
BY_STATUS = {
    400: "Requête invalide : l'application n'a pas pu la lire.",
    401: "Accès refusé : identifiez-vous.",
    403: "Accès refusé.",
    404: "Adresse introuvable dans l'application.",
    405: "Cette adresse n'accepte pas cette méthode ({method}).",
    413: "Requête trop volumineuse.",
    422: "Requête invalide : {fields}.",
    500: INTERNAL,
    503: "Service momentanément indisponible : réessayez dans quelques instants.",
}
# Gradio's own English messages (gradio/routes.py, 6.31), by their beginning, with a more precise French sentence.
ENGLISH = {
    "File not allowed": "Fichier non disponible : l'application ne sert pas ce fichier (retiré, ou hors de ses "
                        "dossiers).",
    "Invalid content type": "Requête invalide : un envoi de fichiers attend un formulaire (multipart/form-data).",
    "Invalid JSON body": "Requête invalide : le corps n'est pas un JSON valide.",
    "Session hash not found": "Session introuvable : rechargez la page.",
    "Session not found": "Session introuvable : rechargez la page.",
    "Function not found": "Action inconnue de l'application.",
    "Event not found": "Demande introuvable (déjà terminée ou annulée).",
    "Queue is stopped": "L'application s'arrête : réessayez dans quelques instants.",
    "Queue is full": "L'assistant est très sollicité en ce moment : réessayez dans quelques instants.",
    "Component not found": "Élément introuvable dans la page.",
    "Upload not found": "Envoi introuvable.",
    "Stream not found": "Flux introuvable.",
    "Segment not found": "Flux introuvable.",
    "Unsupported file extension": "Type de fichier non pris en charge.",
    "Monitoring is not enabled": "Accès refusé.",
    "Invalid key": "Accès refusé.",
    "Vibe editor is not enabled": "Accès refusé.",
    "Environment not supported": "Adresse introuvable dans l'application.",
    "Not authenticated": None,  # answered by the login guard (ui/login.py)
    "This API endpoint does not accept direct HTTP POST requests":
        "Cette action passe par la file d'attente de l'application (/gradio_api/queue/join), pas par un appel direct.",
}
STATUS_PHRASES = {s.phrase.lower() for s in HTTPStatus} | {"not found", "internal server error",
                                                           "request entity too large"}


def _detail(body: bytes, json_body: bool):
    if not json_body:
        return body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return body.decode("utf-8", "replace").strip()
    if isinstance(data, dict) and set(data) <= {"detail", "error"}:
        return data.get("detail", data.get("error"))
    return data


def _fields(detail: list) -> str:
    """« champ manquant : username, password » from FastAPI's validation list."""
    missing, invalid = [], []
    for error in detail:
        if not isinstance(error, dict):
            continue
        if error.get("type") == "json_invalid":
            return "le corps n'est pas un JSON valide"
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "header")]
        (missing if error.get("type") == "missing" else invalid).append(".".join(loc) or "corps")
    parts = []
    if missing:
        parts.append(f"champ{'s' if len(missing) > 1 else ''} manquant{'s' if len(missing) > 1 else ''} : "
                     + ", ".join(dict.fromkeys(missing)))
    if invalid:
        parts.append(f"champ{'s' if len(invalid) > 1 else ''} mal formé{'s' if len(invalid) > 1 else ''} : "
                     + ", ".join(dict.fromkeys(invalid)))
    return " ; ".join(parts) or "données mal formées"


def french_detail(status: int, body: bytes, json_body: bool, method: str = "") -> str | None:
    """The French sentence for an English error body of Gradio/FastAPI/Starlette, or None to pass the body as is."""
    detail = _detail(body, json_body)
    if status == 422 and isinstance(detail, list):
        return BY_STATUS[422].format(fields=_fields(detail))
    generic = BY_STATUS.get(status, "Requête refusée (code {status}).").format(status=status, method=method,
                                                                               fields="données mal formées")
    if status >= 500 and not isinstance(detail, str):
        return INTERNAL  # `{"error": null}`: Gradio hides the error when `show_error` is off
    if detail is None or detail == "" or (isinstance(detail, str) and detail.strip(" .").lower() in STATUS_PHRASES):
        return generic
    if isinstance(detail, str):
        for english, french in ENGLISH.items():
            if detail.startswith(english):
                return french
    return None


class FrenchHttpErrors:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") == "HEAD":
            return await self.app(scope, receive, send)
        held: dict = {}

        async def french(message):
            if message["type"] == "http.response.start":
                held["started"] = True
                if message["status"] >= 400:
                    held["start"], held["body"] = message, b""
                    return
            elif "start" in held and message["type"] == "http.response.body":
                held["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                return await self._send(send, held["start"], held["body"], scope.get("method", ""))
            await send(message)

        try:
            await self.app(scope, receive, french)
        except Exception:
            if held.get("started"):
                raise
            log.exception("erreur inattendue sur %s %s", scope.get("method"), scope.get("path"))
            await _send_french(send, {"status": 500, "headers": []}, INTERNAL, json_body=False)

    async def _send(self, send, start: dict, body: bytes, method: str) -> None:
        headers = {k.lower(): v for k, v in start.get("headers", [])}
        json_body = headers.get(b"content-type", b"").startswith(b"application/json")
        french = french_detail(start["status"], body, json_body, method)
        if french is None:
            await send(start)
            return await send({"type": "http.response.body", "body": body})
        error_key = json_body and _detail_key(body)
        await _send_french(send, start, french, json_body, error_key)


def _detail_key(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return "detail"
    return "error" if isinstance(data, dict) and "error" in data and "detail" not in data else "detail"


async def _send_french(send, start: dict, french: str, json_body: bool, key: str = "detail") -> None:
    if json_body:
        body, kind = json.dumps({key: french}, ensure_ascii=False).encode("utf-8"), b"application/json; charset=utf-8"
    else:
        body, kind = french.encode("utf-8"), b"text/plain; charset=utf-8"
    kept = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length", b"content-type")]
    await send({"type": "http.response.start", "status": start["status"],
                "headers": kept + [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
