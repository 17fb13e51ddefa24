"""The checker's name lexicon (`entities.EntityLexicon`), saved beside the store.

Building it re-reads every passage of the base (0.3 s of processor, seconds on a loaded machine): the first check of
each process paid for it. It is now saved in `<data>/sentences/names-<call>.json` with a key made of the base's
fingerprint (the ids of its passages, which change with their text), the call's actors and the format below; a process
whose base has the same key reads the file, any other rebuilds the lexicon and rewrites the file.

>>> lexicon = name_lexicon(kb, criteria, Path("data/sentences/names-mildeca-2024.json"))   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, fields
from pathlib import Path

from ..criteria import CallCriteria
from .entities import EntityLexicon

FORMAT = 1  # raise when `EntityLexicon.build` changes what it finds: saved lexicons are then rebuilt


def lexicon_key(fingerprint: str, criteria: CallCriteria) -> str:
    actors = json.dumps([(a.id, a.label, list(a.aliases)) for a in criteria.actors], ensure_ascii=False)
    return hashlib.blake2b(f"{FORMAT}\n{fingerprint}\n{criteria.id}\n{actors}".encode(), digest_size=16).hexdigest()


def build_lexicon(kb, criteria: CallCriteria) -> EntityLexicon:
    """From every document of the base: its title and the text of its passages."""
    by_doc: dict[str, tuple[str, list[str]]] = {}
    for chunk in kb.store.all_chunks():
        by_doc.setdefault(chunk.doc_id, (chunk.title, []))[1].append(chunk.text)
    return EntityLexicon.build(criteria, [(title, "\n\n".join(texts)) for title, texts in by_doc.values()])


def load_lexicon(path: Path | None, key: str) -> EntityLexicon | None:
    """The saved lexicon when its key is `key`; None when absent, unreadable or made for another base."""
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        saved = data["lexicon"]
        return EntityLexicon(**{f.name: set(saved[f.name]) if f.name == "known_names" else dict(saved[f.name])
                                for f in fields(EntityLexicon)})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_lexicon(path: Path | None, key: str, lexicon: EntityLexicon) -> None:
    if path is None:
        return
    data = asdict(lexicon)
    data["known_names"] = sorted(data["known_names"])
    try:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(json.dumps({"key": key, "lexicon": data}, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)  # replaced whole or not at all
    except OSError:
        pass  # a read-only data folder: the lexicon stays in memory for this process


def name_lexicon(kb, criteria: CallCriteria, path: Path | None) -> tuple[EntityLexicon, str]:
    """(the lexicon of the base as it is now, the base's fingerprint): read from `path` when saved for this base,
    else built and saved."""
    fingerprint = kb.lexical.fingerprint
    key = lexicon_key(fingerprint, criteria)
    lexicon = load_lexicon(path, key)
    if lexicon is None:
        lexicon = build_lexicon(kb, criteria)
        save_lexicon(path, key, lexicon)
    return lexicon, fingerprint
