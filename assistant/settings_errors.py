"""Bad `AAP_` settings as one French line per variable, never a traceback (CLI and `aap serve`).

>>> import os; os.environ["AAP_TOP_K"] = "beaucoup"
>>> try:
...     load_settings()
... except ConfigurationError as exc:
...     print(exc)
Réglage invalide : AAP_TOP_K doit être un nombre entier (reçu : 'beaucoup').
>>> del os.environ["AAP_TOP_K"]
"""

from __future__ import annotations

import typing

from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsError

from .config import Settings
from .errors import ConfigurationError
from .plans.messages import describe_error


def load_settings(**overrides) -> Settings:
    """The settings, or a `ConfigurationError` whose message has one French line per bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigurationError("\n".join(settings_problems(exc))) from None
    except SettingsError as exc:  # a value pydantic-settings could not even parse
        raise ConfigurationError(f"Réglage invalide : {exc}") from None


def settings_problems(exc: ValidationError) -> list[str]:
    """`Réglage invalide : AAP_LLM_PROVIDER doit être l'une des valeurs none, ollama, openai, mistral (reçu : 'albert').`"""
    lines: dict[str, str] = {}  # one line per variable: a union type gives several errors for one value
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error.get("loc") else ""
        variable = f"AAP_{name.upper()}" if name else "AAP_*"
        if variable in lines:
            continue
        field = Settings.model_fields.get(name)
        if field is not None and _is_secret(field.annotation):
            error = {**error, "input": None}  # a key or a password is never printed back
        choices = _choices(field.annotation) if field is not None else ()
        if choices:
            message = f"doit être l'une des valeurs {', '.join(choices)}"
            if error.get("input") is not None:
                message += f" (reçu : {error['input']!r})"
        else:
            message = describe_error(error)
        lines[variable] = f"Réglage invalide : {variable} {message}".rstrip(".") + "."
    return list(lines.values())


def _choices(annotation) -> tuple[str, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    return ()


def _is_secret(annotation) -> bool:
    return annotation is SecretStr or SecretStr in typing.get_args(annotation)
