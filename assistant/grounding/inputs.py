"""What `aap check FILE` reads: a text (plain or Markdown), a plan's JSON, or an answer's JSON (`aap ask --json`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InvalidInput

MAX_FILE_BYTES = 2_000_000


@dataclass
class CheckInput:
    kind: str  # text | plan | answer
    text: str = ""
    passages: list[dict] = field(default_factory=list)
    plan: dict | None = None


def read_check_input(path: Path) -> CheckInput:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput(f"Le fichier « {path.name} » dépasse {MAX_FILE_BYTES // 1_000_000} Mo.")
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"Fichier introuvable : {path}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"Le fichier « {path.name} » n'est pas du texte UTF-8 (texte, Markdown ou JSON attendu).") from exc
    except OSError as exc:
        raise InvalidInput(f"Fichier illisible : {path} ({exc.strerror or exc}).") from exc
    if path.suffix.lower() == ".json" or raw.lstrip().startswith("{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                raise InvalidInput(f"« {path.name} » n'est pas un JSON valide (ligne {exc.lineno}).") from exc
            data = None
        if isinstance(data, dict) and isinstance(data.get("actions"), list):
            return CheckInput("plan", plan=data)
        if isinstance(data, dict) and isinstance(data.get("answer"), str):
            passages = [c for c in data.get("citations") or [] if isinstance(c, dict)]
            return CheckInput("answer", text=data["answer"], passages=passages)
        if data is not None:
            raise InvalidInput(f"« {path.name} » : JSON attendu d'un plan (« actions ») ou d'une réponse (« answer »).")
    if not raw.strip():
        raise InvalidInput(f"Le fichier « {path.name} » est vide.")
    return CheckInput("text", text=raw)
