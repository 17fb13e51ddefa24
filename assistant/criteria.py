"""The call's requirements, as data: `knowledge/calls/<call-id>/criteria.yaml` loaded into Pydantic models."""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .errors import ConfigurationError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Axis(_Strict):
    id: str
    number: int
    short: str
    label: str


class Finalite(_Strict):
    id: str
    label: str


class Actor(_Strict):
    id: str
    label: str
    aliases: tuple[str, ...] = ()

    def is_named_in(self, text: str) -> bool:
        """True when one of the actor's names appears in `text` as whole words (accents and case ignored)."""
        haystack = f" {_fold(text)} "
        return any(f" {_fold(alias)} " in haystack for alias in (self.label, *self.aliases))


class Applicant(_Strict):
    id: str
    label: str


class Submission(_Strict):
    mode: str
    platform: str
    url: str


class CallCriteria(_Strict):
    id: str
    title: str
    publisher: str
    updated: dt.date
    deadline: dt.date
    submission: Submission
    eligible_applicants: tuple[Applicant, ...]
    min_actions_per_axis: int = Field(ge=1)
    axes: tuple[Axis, ...]
    finalites: tuple[Finalite, ...]
    actors: tuple[Actor, ...]

    @property
    def axis_ids(self) -> list[str]:
        return [a.id for a in self.axes]

    @property
    def finalite_ids(self) -> list[str]:
        return [f.id for f in self.finalites]

    def axis(self, axis_id: str) -> Axis:
        return next(a for a in self.axes if a.id == axis_id)

    def finalite(self, finalite_id: str) -> Finalite:
        return next(f for f in self.finalites if f.id == finalite_id)


def _fold(text: str) -> str:
    """Lower case, accents removed, punctuation turned into spaces: for forgiving name matching."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


@lru_cache(maxsize=8)
def load_criteria(call_dir: Path) -> CallCriteria:
    path = Path(call_dir) / "criteria.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(f"Le fichier des exigences de l'appel est introuvable : {path}") from exc
    return CallCriteria.model_validate(data)
