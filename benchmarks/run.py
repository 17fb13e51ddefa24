"""`make bench`: speed and memory figures, measured side by side in one run (docs/benchmarks.md).

Run: python -m benchmarks.run [--grow 50000]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant.chunking import split_document
from assistant.loaders import load_knowledge
from assistant.offline import enforce_offline

QUESTIONS = [
    "Jusqu'à quand peut-on déposer le dossier ?", "Quels acteurs mobiliser pour le pilotage ?",
    "Comment soutenir les parents d'adolescents ?", "programme Unplugged au collège",
    "Que faire après le démantèlement d'un point de deal ?", "recrutement de mineurs sur Snapchat",
    "Comment financer des médiateurs sociaux ?", "TAPAJ pour les jeunes en errance",
    "rôle de la PJJ dans le plan", "Quelles alternatives pour les jeunes de 16 ans sans solution ?",
]


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"p50 {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms"


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    enforce_offline()
    parser = argparse.ArgumentParser()
    parser.add_argument("--grow", type=int, default=50_000, help="taille de la base agrandie (0 : ne pas mesurer)")
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), _env_file=None)
        assistant = Assistant.from_settings(settings)
        # ingestion rate next to the bare embedding rate of the same chunks
        docs = load_knowledge(settings.knowledge_dir)
        chunks = [c for d in docs for c in split_document(d)]
        start = time.perf_counter()
        report = assistant.ingest()
        ingest_s = time.perf_counter() - start
        start = time.perf_counter()
        assistant.kb.embeddings.embed_documents_with_progress([c.indexed_text for c in chunks[:120]])
        bare_rate = 120 / (time.perf_counter() - start)
        lines += [f"Base livrée : {len(docs)} documents, {report.total_chunks} passages.",
                  f"Ingestion complète : {ingest_s:.1f} s, soit {report.total_chunks / ingest_s:.1f} passages/s ; "
                  f"encodage seul des mêmes passages : {bare_rate:.1f} passages/s "
                  f"(rapport {report.total_chunks / ingest_s / bare_rate:.2f}).",
                  f"Seconde ingestion (rien à faire) : {timed(assistant.ingest, 1)[0]:.2f} s."]
        qa = assistant.qa
        assistant.ask(QUESTIONS[0])  # warm
        embed = timed(lambda: [assistant.kb.embeddings.embed_query(q) for q in QUESTIONS], 3)
        retrieve = [t for q in QUESTIONS for t in timed(lambda q=q: qa.retriever.search(q), 3)]
        answer = [t for q in QUESTIONS for t in timed(lambda q=q: assistant.ask(q), 2)]
        embed_each = [t / len(QUESTIONS) for t in embed]
        lines += [f"Encodage d'une question seule : {percentiles(embed_each)}.",
                  f"Recherche hybride (base livrée) : {percentiles(retrieve)}.",
                  f"Réponse complète en mode hors ligne : {percentiles(answer)} "
                  f"(rapport à l'encodage seul : {statistics.median(answer) / statistics.median(embed_each):.0f}×).",
                  f"Mémoire maximale du processus après les réponses : "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo."]
        if args.grow:
            lines.append(grow(assistant, args.grow))
    print("\n".join(lines))


def grow(assistant: Assistant, target: int) -> str:
    """Grow the store to `target` chunks: copies of real chunks with their vectors slightly perturbed (the
    latency of the store and BM25 depends on their size, not on the text being new)."""
    store = assistant.kb.store
    base = store.all_chunks()
    got = store._collection.get(ids=[c.id for c in base], include=["embeddings"])
    vectors = dict(zip(got["ids"], np.asarray(got["embeddings"])))
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    batch_chunks, batch_vectors = [], []
    for i in range(target - len(base)):
        source = base[i % len(base)]
        copy = source.model_copy(update={"id": f"grow-{i}", "doc_id": f"grow-{i // 10}", "text": f"{source.text} ({i})"})
        vector = vectors[source.id] + rng.normal(0, 0.02, len(vectors[source.id]))
        batch_chunks.append(copy)
        batch_vectors.append((vector / np.linalg.norm(vector)).tolist())
        if len(batch_chunks) == 2000:
            store.add(batch_chunks, batch_vectors)
            batch_chunks, batch_vectors = [], []
    store.add(batch_chunks, batch_vectors)
    fill_s = time.perf_counter() - start
    start = time.perf_counter()
    assistant.kb.sync_lexical()
    bm25_s = time.perf_counter() - start
    retrieve = [t for q in QUESTIONS for t in timed(lambda q=q: assistant.qa.retriever.search(q), 3)]
    answer = [t for q in QUESTIONS for t in timed(lambda q=q: assistant.ask(q), 1)]
    return (f"Base agrandie à {store.count()} passages (remplissage {fill_s:.0f} s, index BM25 reconstruit en "
            f"{bm25_s:.1f} s) : recherche hybride {percentiles(retrieve)} ; réponse hors ligne {percentiles(answer)} ; "
            f"mémoire maximale {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo.")


if __name__ == "__main__":
    main()
