"""The store's integrity check (campaigns 3 and 5): what must hold after any crash, refusal or deletion.

- every chunk belongs to a known document, has a document hash, and its id is the hash of its content;
- no duplicate ids, no duplicate passages (same document, section and text);
- the BM25 index (in memory and as saved) covers exactly the vector store's ids;
- the vector index answers for every chunk: queried with its own vector, a chunk comes back first.
A document with chunks of two versions (an update cut short) is reported apart: re-running the ingestion heals it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from assistant.documents import Chunk
from assistant.lexical import LexicalIndex, fingerprint


@dataclass
class Integrity:
    chunks: int = 0
    documents: int = 0
    mixed_versions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(kb, known_doc_ids: set[str] | None = None, vector_sample: int = 300) -> Integrity:
    report = Integrity()
    chunks = kb.store.all_chunks()
    report.chunks = len(chunks)
    ids = [c.id for c in chunks]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    if duplicates:
        report.problems.append(f"{len(duplicates)} identifiant(s) en double")
    same = [k for k, n in Counter((c.doc_id, c.section, c.text) for c in chunks).items() if n > 1]
    if same:
        report.problems.append(f"{len(same)} passage(s) en double")
    hashes: dict[str, set[str]] = {}
    for chunk in chunks:
        hashes.setdefault(chunk.doc_id, set()).add(chunk.doc_hash)
        if not chunk.doc_hash:
            report.problems.append(f"passage {chunk.id} sans empreinte de document")
        if Chunk.make_id(chunk.doc_id, chunk.section, chunk.text) != chunk.id:
            report.problems.append(f"passage {chunk.id} dont le contenu ne correspond pas à l'identifiant")
    report.documents = len(hashes)
    report.mixed_versions = sorted(d for d, h in hashes.items() if len(h) > 1)
    if known_doc_ids is not None:
        unknown = sorted(set(hashes) - set(known_doc_ids))
        if unknown:
            report.problems.append(f"passages de documents inconnus : {unknown[:5]}")

    current = fingerprint(kb.store.ids())
    if fingerprint(ids) != current:
        report.problems.append("la lecture paginée et la liste des identifiants ne concordent pas")
    if kb.sync_lexical().fingerprint != current or len(kb.lexical) != len(ids):
        report.problems.append("l'index BM25 ne correspond pas à la base vectorielle")
    saved = LexicalIndex.load(kb._lexical_dir)
    if saved is None or saved.fingerprint != current:
        report.problems.append("l'index BM25 enregistré ne correspond pas à la base vectorielle")

    collection = kb.store._collection
    for start in range(0, min(len(ids), vector_sample), 100):
        page = collection.get(ids=ids[start:start + 100], include=["embeddings"])
        if len(page["ids"]) != len(ids[start:start + 100]):
            report.problems.append("des passages n'ont pas de vecteur")
            break
        for chunk_id, vector in zip(page["ids"], page["embeddings"]):
            if len(vector) != kb.store.dimension:
                report.problems.append(f"vecteur de dimension {len(vector)} pour {chunk_id}")
                continue
            found = collection.query(query_embeddings=[list(vector)], n_results=3, include=["distances"])
            if chunk_id not in found["ids"][0] or min(found["distances"][0]) > 1e-3:
                report.problems.append(f"l'index vectoriel ne retrouve pas le passage {chunk_id}")
    return report
