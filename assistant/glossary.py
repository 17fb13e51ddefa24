"""The subjects the knowledge base defines: acronyms of `reference/` and the programmes the fiches describe.

A question names a subject (« Que veut dire CLSPD ? », « C'est quoi TAPAJ ? ») when one of its names appears in it
as whole words, accents and case ignored (acronyms: as written in capitals, or alone in lower case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from .loaders import load_practices, split_front_matter
from .text_fr import fold

# « - **CLSPD / CISPD** — conseil local … : instance présidée … »
GLOSSARY_LINE = re.compile(r"^- \*\*(?P<terms>[^*]+)\*\*(?P<aside>[^—]*)—\s*(?P<definition>.+)$")
ACRONYM = re.compile(r"^[A-Z0-9][A-Za-z0-9'’-]*[A-Z][A-Za-z0-9'’-]*$")
MAX_NAME_WORDS = 5  # longer fiche titles are sentences, not names


@dataclass
class Subject:
    """A defined subject: its names, its glossary line (reference document) and the fiche that describes it."""

    names: list[str]
    definition: str | None = None  # the glossary line's text, without Markdown
    reference_doc: str | None = None
    fiche: str | None = None  # doc id of the practice fiche
    fiche_title: str | None = None
    public: str | None = None  # the fiche's public, as its front matter says
    patterns: list[re.Pattern] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.names[0]


def name_pattern(name: str) -> re.Pattern:
    """Whole words, each word in the singular or the plural (« maison des adolescents », « Maisons des … »)."""
    words = [re.escape(w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w) + r"[sx]?" for w in fold(name).split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])")


def _fiche_names(title: str) -> list[str]:
    """« Unplugged (programme CPS au collège) » → [Unplugged]; « Consultations jeunes consommateurs (CJC) » → both."""
    names = []
    head = re.split(r"\s+(?:\(|—|:|–)\s*|,\s+", title, maxsplit=1)[0].strip(" «»\"")
    head = re.sub(r"^Dispositif\s+«\s*|\s*»$", "", head)
    if len(head.split()) <= MAX_NAME_WORDS:
        names.append(head)
    first = re.split(r"\s+et\s+", head, maxsplit=1)[0]  # « Médiation sociale et adultes-relais »
    names += [part.strip() for part in first.split(" / ") if part.strip() != head and (
        2 <= len(part.split()) <= MAX_NAME_WORDS or ACRONYM.match(part.strip()))]
    for inner in re.findall(r"\(([^)]+)\)", title):
        if ACRONYM.match(inner.strip()):
            names.append(inner.strip())
    if "—" in title:  # « TAPAJ — Travail alternatif payé à la journée »
        tail = title.split("—", 1)[1].strip()
        if len(tail.split()) <= MAX_NAME_WORDS + 2:
            names.append(tail)
    return names


class Glossary:
    def __init__(self, subjects: list[Subject]):
        self.subjects = subjects
        for subject in subjects:
            subject.patterns = [name_pattern(n) for n in subject.names if len(fold(n)) >= 2]

    @classmethod
    def from_knowledge(cls, knowledge_dir: Path) -> "Glossary":
        subjects: dict[str, Subject] = {}
        for path in sorted((Path(knowledge_dir) / "reference").glob("*.md")):
            meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
            for line in body.splitlines():
                match = GLOSSARY_LINE.match(line.strip())
                if not match:
                    continue
                terms = [t.strip() for t in match.group("terms").split("/") if t.strip()]
                definition = f"{match.group('terms').strip()}{match.group('aside').rstrip()} — {match.group('definition').strip()}"
                subject = Subject(names=terms, definition=definition, reference_doc=str(meta.get("id")))
                for term in terms:
                    subjects.setdefault(fold(term), subject)
        for practice in load_practices(knowledge_dir):
            names = _fiche_names(practice.meta.title) + [n for n in practice.meta.names
                                                         if n not in _fiche_names(practice.meta.title)]
            known = next((subjects[fold(n)] for n in names if fold(n) in subjects), None) or _defined_as(
                names, subjects.values())
            subject = known or Subject(names=names)
            subject.fiche, subject.fiche_title, subject.public = practice.meta.id, practice.meta.title, practice.meta.public
            for name in names:
                other = subjects.setdefault(fold(name), subject)
                if other is subject and name not in subject.names:
                    subject.names.append(name)
                elif other is not subject and other.fiche is None:  # « EPIDE », defined apart, in the E2C fiche
                    other.fiche, other.fiche_title, other.public = subject.fiche, subject.fiche_title, subject.public
        unique = list({id(s): s for s in subjects.values()}.values())
        for subject in unique:
            expansion = _expansion(subject)
            if expansion and fold(expansion) not in subjects:  # « le contrat d'engagement jeune » names the CEJ
                subject.names.append(expansion)
        return cls(unique)

    def find(self, question: str) -> list[Subject]:
        """Subjects named in the question, longest name first (« conseil local de sécurité » before « sécurité »);
        when none is, a name typed with a slip (« diagnostique partagé », « unpluged »)."""
        folded = fold(question)
        found: list[tuple[int, Subject]] = []
        for subject in self.subjects:
            lengths = [len(p.pattern) for p, name in zip(subject.patterns, subject.names)
                       if p.search(folded) and _named(name, question)]
            if lengths:
                found.append((max(lengths), subject))
        if not found:
            words = re.findall(r"[\w'-]+", folded)
            found = [(len(name), subject) for subject in self.subjects for name in subject.names
                     if not ACRONYM.match(name) and _misspelt_in(fold(name).split(), words)]
        return [s for _, s in sorted(found, key=lambda x: -x[0])]


def _defined_as(names: list[str], subjects) -> Subject | None:
    """The glossary subject whose expansion is the fiche's name (« MDA — maison des adolescents » ↔ the fiche
    « Maisons des adolescents »)."""
    for subject in subjects:
        if subject.definition and subject.fiche is None:
            # « GBG — Good Behavior Game (« jeu du comportement adapté ») : … » defines the fiche « Good Behavior Game »
            expansion = re.sub(r"\([^)]*\)", " ", fold(subject.definition.split("—", 1)[-1].split(":")[0]))
            if any(name_pattern(n).fullmatch(expansion.strip(" .")) for n in names):
                return subject
    return None


def _expansion(subject: Subject) -> str | None:
    """What a single acronym with a fiche of its own stands for (« CEJ — contrat d'engagement jeune : … »); other
    glossary expansions (« appel à projets », « police judiciaire ») are common words, not names to follow."""
    if not (subject.fiche and subject.definition) or "/" in subject.definition.split("—", 1)[0]:
        return None
    expansion = subject.definition.split("—", 1)[-1].split(":")[0].strip(" .")
    return expansion if 2 <= len(expansion.split()) <= MAX_NAME_WORDS + 2 and "(" not in expansion else None


TYPO_RATIO = 0.8  # « diagnostique » for « diagnostic », « unpluged » for « unplugged »
TYPO_MIN_LETTERS = 6  # shorter words must be spelt right (« tabac » is not « Tabado »)


def _misspelt_in(name: list[str], words: list[str]) -> bool:
    """Does the name appear in the words, in order, its long words spelt with a slip at most?"""
    if sum(len(w) for w in name) < TYPO_MIN_LETTERS:
        return False
    for start in range(len(words) - len(name) + 1):
        if all(_alike(n, w) for n, w in zip(name, words[start:start + len(name)])):
            return True
    return False


def _alike(expected: str, typed: str) -> bool:
    if expected == typed or expected.rstrip("sx") == typed.rstrip("sx"):
        return True
    if len(expected) < TYPO_MIN_LETTERS or expected[0] != typed[0] or abs(len(expected) - len(typed)) > 3:
        return False
    return SequenceMatcher(None, expected, typed).ratio() >= TYPO_RATIO


# Short acronyms that, typed in lower case, are French words or common abbreviations (« 15 ans », « en », « pré »,
# « pj »): these name the subject only in capitals; the others (« gbg », « caf », « qpv ») are names however typed
WORDS_IN_LOWER_CASE = {"ans", "en", "pre", "pj", "pm", "pn", "gn", "cio"}


def _named(name: str, question: str) -> bool:
    """A short acronym that is also a French word (« PRE », « ANS ») counts only written in capitals."""
    if ACRONYM.match(name) and len(name) <= 3 and fold(name) in WORDS_IN_LOWER_CASE:
        return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question) is not None
    return True
