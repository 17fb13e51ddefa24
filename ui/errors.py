"""The one place where failures become French messages. Every callback of the app is wrapped by `french_errors`.

A core error (`AapError`) already carries a French message for the user; anything else is logged with its
traceback and shown as a generic French message. Either way the callback ends cleanly and the app keeps working.
"""

from __future__ import annotations

import functools
import html
import inspect
import logging

import gradio as gr

from assistant.errors import AapError

log = logging.getLogger("aap.ui")

UNEXPECTED = ("Une erreur inattendue est survenue ; l'opération n'a pas abouti. Réessayez, et si le problème persiste, "
              "signalez-le à l'administrateur (le détail technique est dans le journal du serveur).")
QUEUE_FULL = ("L'assistant est très sollicité en ce moment : trop de demandes sont en attente. "
              "Réessayez dans quelques instants.")


def french_message(exc: BaseException) -> str:
    if isinstance(exc, gr.Error):
        return exc.message
    if isinstance(exc, AapError):
        return str(exc)
    return UNEXPECTED


def _as_gradio_error(exc: Exception) -> gr.Error:
    if not isinstance(exc, (AapError, gr.Error)):
        log.exception("erreur inattendue dans l'interface")
    # Gradio renders the message as HTML, and core messages quote the user's input: escape it.
    message = html.escape(french_message(exc), quote=False).replace("\n", "<br>")
    return gr.Error(message, duration=None, title="Erreur", print_exception=False)


def french_errors(fn):
    """Wrap a callback (function or generator): its failures reach the page as a French `gr.Error`."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the one place that turns every failure into French
                raise _as_gradio_error(exc) from exc
        return generator

    @functools.wraps(fn)
    def function(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the one place that turns every failure into French
            raise _as_gradio_error(exc) from exc
    return function
