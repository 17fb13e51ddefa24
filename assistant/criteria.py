"""The call's requirements, as data: `knowledge/calls/<call-id>/criteria.yaml` loaded into Pydantic models."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .errors import ConfigurationError
from .text_fr import fold_words


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Axis(_Strict):
    id: str
    number: int
    short: str
    label: str
    # words that name the axis in a question (« gouvernance », « parentalité »…), besides its labels
    keywords: tuple[str, ...] = ()
    # the axis that carries the project's steering: the prevention council and the governance fiche belong to it
    steering: bool = False
    # for plans drafted from the catalogue: who leads this axis's actions, and the month its first action starts
    lead_service: str = "service prévention"
    start_month: int = Field(3, ge=1)


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


MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
NUMBER_WORDS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")


class CallCriteria(_Strict):
    """Everything specific to one call. Code reads the call's name, axes and their number here, never in literals."""

    id: str
    title: str
    short_title: str = ""  # a short name for titles (« MILDECA 2024 »); the full title when empty
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
    def name(self) -> str:
        """The call's short name, for titles: `short_title`, or the full title."""
        return self.short_title or self.title

    @property
    def steering_axis(self) -> str | None:
        """The id of the axis that carries the project's steering, if the call has one."""
        return next((a.id for a in self.axes if a.steering), None)

    @property
    def deadline_fr(self) -> str:
        """The deadline as the French write it: « 30 avril 2024 », « 1er juin 2025 »."""
        day = "1er" if self.deadline.day == 1 else str(self.deadline.day)
        return f"{day} {MONTHS_FR[self.deadline.month - 1]} {self.deadline.year}"

    def axes_count_words(self) -> str:
        """The number of axes in French words: « quatre axes », « trois axes », « un axe »."""
        n = len(self.axes)
        word = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
        return f"{word} {'axe' if n == 1 else 'axes'}"

    @property
    def finalite_ids(self) -> list[str]:
        return [f.id for f in self.finalites]

    def axis(self, axis_id: str) -> Axis:
        return next(a for a in self.axes if a.id == axis_id)

    def finalite(self, finalite_id: str) -> Finalite:
        return next(f for f in self.finalites if f.id == finalite_id)


def _fold(text: str) -> str:
    """Lower case, accents removed, punctuation turned into spaces: for forgiving name matching."""
    return fold_words(text)


@lru_cache(maxsize=8)
def load_criteria(call_dir: Path) -> CallCriteria:
    path = Path(call_dir) / "criteria.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(f"Le fichier des exigences de l'appel est introuvable : {path}") from exc
    return CallCriteria.model_validate(data)


def load_pack_file(call_dir: Path, name: str, model: type[BaseModel], what: str) -> BaseModel:
    """An optional file of the call pack (`facts.yaml`, `synonyms.yaml`), validated; the model's empty value when
    the pack has none."""
    path = Path(call_dir) / name
    if not path.exists():
        return model()
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigurationError(f"{path} : {what} invalides ({exc}).") from exc
