"""Prompt files (`prompts/<name>.md`): YAML front matter (`version`, `variables`), a system part and a user part
separated by a line `=== user ===`, rendered with Jinja and `StrictUndefined` (a missing variable is an error)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Environment, StrictUndefined, meta

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
SEPARATOR = "\n=== user ===\n"
_ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


class PromptError(Exception):
    pass


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    variables: tuple[str, ...]
    system: str
    user: str

    def render(self, **values: object) -> tuple[str, str]:
        missing = set(self.variables) - set(values)
        extra = set(values) - set(self.variables)
        if missing or extra:
            raise PromptError(f"{self.name}: variables manquantes {sorted(missing)}, en trop {sorted(extra)}")
        return _ENV.from_string(self.system).render(**values).strip(), _ENV.from_string(self.user).render(**values).strip()


@lru_cache(maxsize=None)
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> Prompt:
    text = (folder / f"{name}.md").read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, re.S)
    if not match or SEPARATOR not in match.group(2):
        raise PromptError(f"{name}: en-tête ou séparateur « === user === » manquant")
    head = yaml.safe_load(match.group(1))
    system, user = match.group(2).split(SEPARATOR, 1)
    declared = tuple(head.get("variables") or ())
    used = meta.find_undeclared_variables(_ENV.parse(system + user))
    if set(declared) != used:
        raise PromptError(f"{name}: variables déclarées {sorted(declared)} ≠ utilisées {sorted(used)}")
    return Prompt(name=name, version=int(head["version"]), variables=declared, system=system, user=user)
