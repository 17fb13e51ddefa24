"""The territory profile that a draft starts from, and `load_profile` (YAML or JSON file, text, or dict).

>>> p = load_profile("name: Exemple\\nkind: commune\\npopulation: 18000\\nqpv_count: 1\\n"
...                  "target_ages: '11-17'\\npriority_finalites: [prevenir_entree]")
>>> p.age_range
(11, 17)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from ..criteria import CallCriteria, _fold
from ..errors import InvalidInput
from ._context import criteria_for, known_finalites
from .messages import french_problems

PROFILE_LABELS = {
    "name": "nom de la collectivité",
    "kind": "type de collectivité",
    "population": "nombre d'habitants",
    "qpv_count": "nombre de quartiers prioritaires (QPV)",
    "context": "contexte local",
    "problems": "problèmes constatés",
    "target_ages": "tranche d'âge visée",
    "existing_partners": "partenaires déjà engagés",
    "priority_finalites": "finalités prioritaires",
    "colleges": "nombre de collèges",
    "young_people": "nombre de jeunes de la tranche d'âge visée",
    "budget_eur": "enveloppe demandée (euros)",
    "cofunders": "cofinanceurs déjà engagés",
    "duration_months": "durée du plan (mois)",
}
PLAN_DURATIONS = (12, 24, 36)
# « CAF : 10 000 € », « Bailleur social - 5000 », « FIPD » (no amount)
COFUNDER_LINE = re.compile(r"^\s*(?P<name>.+?)\s*(?:[:=–-]\s*(?P<amount>\d[\d\s\u202f\u00a0.]*)\s*(?:€|euros?|eur)?\s*)?$", re.I)
AGES = re.compile(r"^\s*(\d{1,2})\s*(?:-|–|à|a)\s*(\d{1,2})\s*(?:ans)?\s*$")
ShortText = Annotated[str, Field(min_length=1, max_length=300)]


class Cofunder(BaseModel):
    """A co-funder already engaged, with its amount when known (euros over the plan)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    amount_eur: int | None = Field(None, ge=0, le=100_000_000)

    def describe(self) -> str:
        return self.name if self.amount_eur is None else f"{self.name} : {euros(self.amount_eur)}"


def euros(amount: int) -> str:
    """12000 → « 12 000 € » (French thousands separator)."""
    return f"{amount:,} €".replace(",", "\u202f")


def parse_cofunder(value: Any) -> Any:
    """« CAF : 10 000 € » → {"name": "CAF", "amount_eur": 10000}; anything else is left to validation."""
    if not isinstance(value, str):
        return value
    match = COFUNDER_LINE.match(value)
    if not match:
        return {"name": value}
    amount = match.group("amount")
    digits = re.sub(r"[^\d]", "", amount or "")
    return {"name": match.group("name"), "amount_eur": int(digits) if digits else None}


class Profile(BaseModel):
    """What the drafting agent says about the territory. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, description="Nom de la commune ou de l'intercommunalité.")
    kind: str = Field(description="Type de collectivité candidate : `commune` ou `intercommunalite`.")
    population: int = Field(ge=1, le=20_000_000, description="Nombre d'habitants.")
    qpv_count: int = Field(ge=0, le=500, description="Nombre de quartiers prioritaires de la politique de la ville.")
    context: str = Field("", max_length=5000, description="La situation locale en quelques phrases.")
    problems: list[ShortText] = Field(default_factory=list, max_length=20, description="Problèmes constatés.")
    target_ages: str = Field(description="Tranche d'âge visée, par exemple `11-17`.")
    existing_partners: list[ShortText] = Field(default_factory=list, max_length=40,
                                               description="Partenaires et instances déjà en place.")
    priority_finalites: list[str] = Field(min_length=1, description="Finalités de l'appel poursuivies en priorité.")
    colleges: int | None = Field(None, ge=0, le=500, description="Nombre de collèges du territoire (facultatif).")
    young_people: int | None = Field(None, ge=0, le=5_000_000,
                                     description="Nombre de jeunes de la tranche d'âge visée, si connu (facultatif).")
    budget_eur: int | None = Field(None, ge=0, le=100_000_000,
                                   description="Enveloppe demandée au financeur de l'appel, en euros (facultatif).")
    cofunders: list[Cofunder] = Field(default_factory=list, max_length=20,
                                      description="Cofinanceurs déjà engagés, avec leur montant s'il est connu.")
    duration_months: int = Field(24, description="Durée du plan : 12, 24 ou 36 mois.")

    @field_validator("cofunders", mode="before")
    @classmethod
    def _cofunder_lines(cls, values: Any) -> Any:
        return [parse_cofunder(v) for v in values] if isinstance(values, list) else values

    @field_validator("duration_months")
    @classmethod
    def _duration(cls, value: int) -> int:
        if value not in PLAN_DURATIONS:
            raise ValueError(f"durée « {value} » non proposée : choisissez 12, 24 ou 36 mois")
        return value

    @field_validator("kind")
    @classmethod
    def _eligible(cls, value: str, info: ValidationInfo) -> str:
        criteria = criteria_for(info)
        for applicant in criteria.eligible_applicants:
            if _fold(value) in {_fold(applicant.id), _fold(applicant.label)}:
                return applicant.id
        accepted = ", ".join(a.id for a in criteria.eligible_applicants)
        raise ValueError(f"type de collectivité « {value} » non accepté par l'appel (acceptés : {accepted})")

    @field_validator("target_ages")
    @classmethod
    def _ages(cls, value: str) -> str:
        match = AGES.match(value)
        if not match:
            raise ValueError(f"« {value} » n'est pas une tranche d'âge ; écrivez par exemple « 11-17 »")
        low, high = int(match.group(1)), int(match.group(2))
        if low >= high or high > 30:
            raise ValueError(f"tranche d'âge « {value} » incohérente : l'âge minimal doit être inférieur à l'âge "
                             "maximal, et l'âge maximal au plus 30 ans")
        return f"{low}-{high}"

    @field_validator("priority_finalites")
    @classmethod
    def _known_finalites(cls, values: list[str], info: ValidationInfo) -> list[str]:
        return known_finalites(values, info)

    @property
    def age_range(self) -> tuple[int, int]:
        low, high = self.target_ages.split("-")
        return int(low), int(high)

    @property
    def short_name(self) -> str:
        """« Commune de Grandval » → « Grandval »; an intercommunalité keeps its full name."""
        match = re.match(r"^(?:commune|ville|mairie)\s+(?:de\s+la\s+|de\s+l['’]|de\s+|d['’]|du\s+|des\s+)(.+)$",
                         self.name, re.I)
        return match.group(1) if match and self.kind == "commune" else self.name

    @property
    def council(self) -> str:
        """The prevention council the call expects for this kind of applicant."""
        return "CISPD" if self.kind == "intercommunalite" else "CLSPD"


def _parse_text(text: str, suffix: str = "") -> Any:
    try:
        return json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (ligne {where.line + 1})" if where is not None else (
            f" (ligne {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else "")
        kind = "JSON" if suffix == ".json" else "YAML ou JSON"
        raise InvalidInput(f"Le profil n'est pas un {kind} lisible{line} : vérifiez la syntaxe.") from exc


def _looks_like_path(text: str) -> bool:
    if "\n" in text or len(text) > 255 or text.lstrip().startswith(("{", "[")):
        return False
    if text.endswith((".yaml", ".yml", ".json")):
        return True
    try:
        return Path(text).is_file()
    except OSError:
        return False


def profile_from_form(data: dict, criteria: CallCriteria | None = None) -> Profile:
    """A profile typed in a form: each problem names the field by the form's French label, never a file key.

    >>> profile_from_form({"name": "", "kind": "commune"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    assistant.errors.InvalidInput: Le profil du territoire n'est pas valide (5 problème(s)) :
    - « Nom de la collectivité » : ne doit pas être vide...
    """
    try:
        return Profile.model_validate(data, context={"criteria": criteria} if criteria else None)
    except ValidationError as exc:
        labels = {key: label[:1].upper() + label[1:] for key, label in PROFILE_LABELS.items()}
        problems = french_problems(exc, labels, keys=False)
        raise InvalidInput(f"Le profil du territoire n'est pas valide ({len(problems)} problème(s)) :",
                           problems) from exc


def load_profile(source: Profile | dict | str | Path, criteria: CallCriteria | None = None) -> Profile:
    """A validated `Profile`, or `InvalidInput` whose message lists each bad field in French."""
    if isinstance(source, Profile):
        return source
    data: Any = source
    if isinstance(source, Path) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise InvalidInput(f"Fichier de profil introuvable : {path}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"Fichier de profil illisible (texte UTF-8 attendu) : {path}") from exc
        data = _parse_text(text, path.suffix.lower())
    elif isinstance(source, str):
        data = _parse_text(source)
    if not isinstance(data, dict):
        raise InvalidInput("Le profil doit être un ensemble de champs « clé : valeur » (name, kind, population, "
                           "qpv_count, target_ages, priority_finalites…).")
    try:
        return Profile.model_validate(data, context={"criteria": criteria} if criteria else None)
    except ValidationError as exc:
        problems = french_problems(exc, PROFILE_LABELS)
        raise InvalidInput(f"Le profil du territoire n'est pas valide ({len(problems)} problème(s)) :",
                           problems) from exc
