"""Pydantic validation errors turned into one French line per problem, naming the field.

>>> from pydantic import BaseModel
>>> class M(BaseModel):
...     population: int
>>> try:
...     M.model_validate({"population": "beaucoup"})
... except Exception as exc:
...     print(french_problems(exc, {"population": "nombre d'habitants"}))
["« population » (nombre d'habitants) : doit être un nombre entier (reçu : 'beaucoup')."]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import ValidationError

# Errors raised by our own validators whose message is already French and complete.
OWN_ERRORS = {"value_error", "assertion_error"}

_TYPE_MESSAGES: dict[str, str | Callable[[dict], str]] = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu : il ne fait pas partie du format attendu (vérifiez l'orthographe)",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier (sans décimale)",
    "float_type": "doit être un nombre",
    "float_parsing": "doit être un nombre",
    "bool_type": "doit valoir vrai ou faux",
    "bool_parsing": "doit valoir vrai ou faux",
    "string_type": "doit être un texte",
    "list_type": "doit être une liste",
    "dict_type": "doit être un objet (des paires « clé : valeur »)",
    "model_type": "doit être un objet (des paires « clé : valeur »)",
    "model_attributes_type": "doit être un objet (des paires « clé : valeur »)",
    "json_invalid": "n'est pas un JSON valide",
    "json_type": "n'est pas un JSON valide",
    "greater_than_equal": lambda ctx: f"doit être supérieur ou égal à {ctx.get('ge')}",
    "greater_than": lambda ctx: f"doit être supérieur à {ctx.get('gt')}",
    "less_than_equal": lambda ctx: f"doit être inférieur ou égal à {ctx.get('le')}",
    "less_than": lambda ctx: f"doit être inférieur à {ctx.get('lt')}",
    "string_too_short": lambda ctx: ("ne doit pas être vide" if ctx.get("min_length") == 1
                                     else f"doit faire au moins {ctx.get('min_length')} caractères"),
    "string_too_long": lambda ctx: f"doit faire au plus {ctx.get('max_length')} caractères",
    "too_short": lambda ctx: f"doit contenir au moins {ctx.get('min_length')} élément(s)",
    "too_long": lambda ctx: f"doit contenir au plus {ctx.get('max_length')} élément(s)",
    "literal_error": lambda ctx: f"valeur non acceptée (valeurs possibles : {ctx.get('expected')})",
    "enum": lambda ctx: f"valeur non acceptée (valeurs possibles : {ctx.get('expected')})",
    "string_pattern_mismatch": "n'a pas le format attendu",
}


def describe_error(error: Mapping) -> str:
    """The French message of one Pydantic error, without its location."""
    kind = error.get("type", "")
    if kind in OWN_ERRORS:
        message = str(error.get("ctx", {}).get("error", "")) or error.get("msg", "")
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = _TYPE_MESSAGES.get(kind)
    if template is None:
        return str(error.get("msg", "valeur invalide"))  # pydantic's own text: rare types we do not use
    message = template(error.get("ctx") or {}) if callable(template) else template
    if kind not in {"missing", "extra_forbidden"} and _short(error.get("input")):
        message += f" (reçu : {_short(error.get('input'))})"
    return message


def _short(value) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def location(loc: tuple, labels: Mapping[str, str], item_names: Mapping[str, str] | None = None,
             keys: bool = True) -> str:
    """`("actions", 2, "description")` → `actions › n°3 › description`, with French labels of top-level fields;
    `keys=False` names a field by its label alone (a form's user never sees the file's keys)."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts.append(f"n°{part + 1}")
        elif i == 0 and part in labels:
            parts.append(f"« {part} » ({labels[part]})" if keys else f"« {labels[part]} »")
        else:
            parts.append(f"« {part} »" if i == 0 else str(part))
    return " › ".join(parts)


def french_problems(exc: ValidationError, labels: Mapping[str, str], skip_types: frozenset[str] = frozenset(),
                    prefix: str = "", keep: Callable[[dict], bool] | None = None, keys: bool = True) -> list[str]:
    """One line per error: `« population » (population) : doit être supérieur ou égal à 0 (reçu : -5).`"""
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        if error.get("type") in skip_types or (keep is not None and not keep(error)):
            continue
        where = location(tuple(error.get("loc", ())), labels, keys=keys)
        message = describe_error(error)
        line = f"{prefix}{where} : {message}" if where else f"{prefix}{message}"
        line = line if line.endswith(".") else line + "."
        if line not in lines:
            lines.append(line)
    return lines
