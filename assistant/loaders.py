"""Turn the knowledge folder and user files into `SourceDocument`s."""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .chunking import segments
from .documents import Kind, SourceDocument
from .errors import ConfigurationError, DocumentRejected
from .extract import Extracted, ExtractionError, extract_isolated, file_type
from .markup import defuse_markup
from .practice_actions import ActionTemplate
from .provenance import ANONYMOUS, now_iso

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
PRACTICE_SECTIONS = ("Description", "Mise en œuvre par une collectivité", "Partenaires", "Points de vigilance",
                     "Indicateurs")
EVIDENCE_LEVELS = ("probant", "prometteur", "non évalué")


class SourceRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3)
    publisher: str = Field(min_length=2)
    year: int | None = Field(None, ge=1950, le=2100)
    url: str | None = None
    site: str | None = None
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("une adresse de source doit commencer par https:// ou http://")
        return value

    def cite(self) -> str:
        where = self.url or self.site or ""
        bits = [self.title, self.publisher] + ([str(self.year)] if self.year else []) + ([where] if where else [])
        return ", ".join(bits)


class PracticeMeta(BaseModel):
    """Front matter of a good-practice fiche (see knowledge/README.md)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=3)
    axes: list[str] = Field(min_length=1)
    finalites: list[str] = Field(min_length=1)
    public: str = Field(min_length=3)
    names: list[str] = Field(default_factory=list, description="Autres noms courants du sujet de la fiche (« contrat "
                             "de ville »), reconnus dans les questions comme son titre.")
    partners: list[str] = Field(min_length=1)
    evidence: str
    evidence_note: str | None = None
    indicators: list[str] = Field(min_length=1)
    actions: list[ActionTemplate] = Field(default_factory=list, description="Actions que le planificateur adapte.")
    sources: list[SourceRef] = Field(min_length=1)

    @field_validator("evidence")
    @classmethod
    def _evidence(cls, value: str) -> str:
        if value not in EVIDENCE_LEVELS:
            raise ValueError(f"niveau de preuve inconnu : {value!r} (attendu : {', '.join(EVIDENCE_LEVELS)})")
        return value


class Practice(BaseModel):
    """A fiche: its front matter and its body. The planner instantiates actions from these."""

    meta: PracticeMeta
    body: str
    path: Path

    def section(self, name: str) -> str:
        match = re.search(rf"^## {re.escape(name)}\s*\n(.*?)(?=^## |\Z)", self.body, re.S | re.M)
        return match.group(1).strip() if match else ""

    @property
    def word_count(self) -> int:
        return len(re.findall(r"\w+", self.body))


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    match = FRONT_MATTER.match(text)
    if not match:
        raise ConfigurationError(f"{path} : en-tête YAML (--- … ---) manquant.")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path} : en-tête YAML invalide ({exc}).") from exc
    return meta, match.group(2)


def load_practice(path: Path) -> Practice:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
    try:
        return Practice(meta=PracticeMeta.model_validate(meta), body=body, path=path)
    except ValidationError as exc:
        raise ConfigurationError(f"{path} : en-tête de fiche invalide.\n{exc}") from exc


def load_practices(knowledge_dir: Path) -> list[Practice]:
    return [load_practice(p) for p in sorted((Path(knowledge_dir) / "practices").glob("*.md"))]


def practice_document(practice: Practice, knowledge_dir: Path) -> SourceDocument:
    meta = practice.meta
    summary = (
        f"## Fiche en bref\n\nPublic visé : {meta.public}.\n\nPartenaires : {', '.join(meta.partners)}.\n\n"
        f"Niveau de preuve : {meta.evidence}" + (f" ({meta.evidence_note.rstrip('.')})" if meta.evidence_note else "")
        + ".\n\nSources : " + " ; ".join(s.cite() for s in meta.sources) + "."
    )
    return SourceDocument(
        doc_id=meta.id, title=meta.title, kind=Kind.PRACTICE, text=f"# {meta.title}\n\n{summary}\n\n{practice.body}",
        source=str(practice.path.relative_to(knowledge_dir)), axes=tuple(meta.axes), finalites=tuple(meta.finalites),
    )


def _plain_document(path: Path, kind: Kind, knowledge_dir: Path) -> SourceDocument:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
    if not meta.get("id") or not meta.get("title"):
        raise ConfigurationError(f"{path} : l'en-tête doit donner `id` et `title`.")
    text = body if body.lstrip().startswith("# ") else f"# {meta['title']}\n\n{body}"
    return SourceDocument(doc_id=str(meta["id"]), title=str(meta["title"]), kind=kind, text=text,
                          source=str(path.relative_to(knowledge_dir)))


def load_knowledge(knowledge_dir: Path) -> list[SourceDocument]:
    """Every document of the knowledge folder: calls, practices, references. Ids must be unique."""
    knowledge_dir = Path(knowledge_dir)
    if not knowledge_dir.is_dir():
        raise ConfigurationError(f"Dossier de connaissances introuvable : {knowledge_dir}")
    docs = [_plain_document(p, Kind.CALL, knowledge_dir) for p in sorted(knowledge_dir.glob("calls/*/call.md"))]
    docs += [practice_document(p, knowledge_dir) for p in load_practices(knowledge_dir)]
    docs += [_plain_document(p, Kind.REFERENCE, knowledge_dir) for p in sorted(knowledge_dir.glob("reference/*.md"))]
    seen: set[str] = set()
    for doc in docs:
        if doc.doc_id in seen:
            raise ConfigurationError(f"Identifiant de document en double dans la base de connaissances : {doc.doc_id}")
        seen.add(doc.doc_id)
    return docs


def local_doc_id(filename: str) -> str:
    """`local-<slug>`: the same file name replaces the previous version of that document."""
    stem = Path(filename).stem
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60] or "document"
    return f"local-{slug}"


def display_name(filename: str) -> str:
    """The base name only, without control characters, cut to a readable length."""
    name = Path(str(filename).replace("\\", "/")).name
    name = defuse_markup(re.sub(r"[\x00-\x1f\x7f]", "", name))  # a name is shown too: no tag or image in it
    return name if len(name) <= 120 else name[:80] + "…" + name[-30:]


def load_user_file(path: Path, *, original_name: str | None = None, max_mb: int, timeout_s: float,
                   memory_mb: int, added_by: str = ANONYMOUS, added_at: str | None = None) -> SourceDocument:
    """A user's file as a `document local`, or `DocumentRejected` with the French reason. `added_by`: who adds it
    (the logged-in user, « anonyme » without login); `added_at`: when (now, by default)."""
    name = display_name(original_name or path.name)
    ftype = file_type(name)
    if ftype is None:
        raise DocumentRejected(name, "type de fichier non pris en charge (formats acceptés : PDF, DOCX, Markdown, "
                                     "TXT, HTML).")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentRejected(name, "le fichier est introuvable ou illisible.") from exc
    if not path.is_file():  # a folder, a pipe or a device would block or mislead the parser
        raise DocumentRejected(name, "ce n'est pas un fichier ordinaire (dossier, tube ou périphérique ?).")
    if size > max_mb * 1024 * 1024:
        raise DocumentRejected(name, f"le fichier pèse {size / 1024 / 1024:.1f} Mo, au-delà de la limite de {max_mb} Mo.")
    if size == 0:
        raise DocumentRejected(name, "le fichier est vide.")
    try:
        title, text, cut = extract_isolated(path, ftype, timeout_s=timeout_s, memory_mb=memory_mb,
                                            finish=partial(prepare_user_text, name=name))
    except ExtractionError as exc:
        raise DocumentRejected(name, str(exc)) from exc
    return SourceDocument(doc_id=local_doc_id(name), title=title, kind=Kind.LOCAL, text=text, source=name,
                          from_knowledge=False, segments=cut, added_by=display_name(added_by or ANONYMOUS),
                          added_at=added_at or now_iso())


def prepare_user_text(extracted: Extracted, name: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(title, text, passages) of a user's file, run in its parse child: splitting a large text is part of what the
    parse time limit bounds."""
    # a user's file is data shown as Markdown: nothing in it may be fetched or run by a viewer (docs/reliability.md)
    title = defuse_markup(extracted.title or Path(name).stem)
    body = defuse_markup(extracted.text)
    text = body if body.lstrip().startswith("# ") else f"# {title}\n\n{body}"
    return title, text, segments(text, title)
