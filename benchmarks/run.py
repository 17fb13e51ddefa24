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

PROFILES_DIR = Path(__file__).resolve().parent.parent / "examples" / "profiles"
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
        lines += reload_figures(assistant)
        lines += draft_figures(assistant)
        lines += grounding_figures(assistant)
        lines.append(serve_memory(settings))
        if args.grow:
            lines.append(grow(assistant, args.grow))
    print("\n".join(lines))


def reload_figures(assistant: Assistant, rounds: int = 30) -> list[str]:
    """What a running app pays to follow another process's write (`aap ingest` while `aap serve` runs): the first
    search after it reloads the embedded store and the BM25 index. Side by side with a search without a write."""
    import gc
    import uuid

    def rss_mb() -> float:
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024

    retriever = assistant.qa.retriever
    vector = assistant.kb.embeddings.embed_query(QUESTIONS[1])
    retriever.search(QUESTIONS[1], vector=vector)
    gc.collect()
    before = rss_mb()
    plain, after_write = [], []
    for _ in range(rounds):
        plain += timed(lambda: retriever.search(QUESTIONS[1], vector=vector), 1)
        assistant.kb.store._generation_path.write_text(uuid.uuid4().hex, encoding="utf-8")  # as another writer does
        after_write += timed(lambda: retriever.search(QUESTIONS[1], vector=vector), 1)
    gc.collect()
    return [f"Recherche hybride sans écriture d'un autre processus : {percentiles(plain)} ; juste après une "
            f"(rechargement de la base et de l'index BM25) : {percentiles(after_write)} "
            f"({statistics.median(after_write) / statistics.median(plain):.0f}×) ; mémoire après {rounds} "
            f"rechargements : {rss_mb() - before:+.0f} Mo."]


def draft_figures(assistant: Assistant) -> list[str]:
    """Offline drafting (catalogue mode) of the example profiles: the first plan, then each once the app is warm."""
    from assistant.plans import load_profile
    from assistant.plans.selection import FicheSelector

    profiles = [load_profile(p) for p in sorted(PROFILES_DIR.glob("*.yaml"))]
    start = time.perf_counter()
    assistant.draft(profiles[0])
    first = time.perf_counter() - start
    drafts, cpu = [], []
    for profile in profiles:
        for _ in range(3):
            wall, used = time.perf_counter(), time.process_time()
            assistant.draft(profile)
            drafts.append(time.perf_counter() - wall)
            cpu.append(time.process_time() - used)
    # the one embedding a draft computes (the profile's situation), measured alone on the same texts
    embed = [t for profile in profiles for t in timed(
        lambda p=profile: assistant.kb.embeddings.embed_query(FicheSelector.situation_query(p)), 3)]
    checks = [t for profile in profiles for t in timed(lambda p=profile: assistant.validate(assistant.draft(p)), 1)]
    return [f"Premier plan d'actions hors ligne (chargement des fiches compris) : {first:.2f} s.",
            f"Plan d'actions hors ligne, application chaude ({len(profiles)} profils d'exemple) : "
            f"{percentiles(drafts)} (objectif : moins de 2 s), temps CPU {percentiles(cpu)} ; "
            f"encodage seul de la situation du profil (le seul encodage d'un plan) : {percentiles(embed)}.",
            f"Plan puis rapport de conformité : {percentiles(checks)}."]


CHECK_TEXT = """Les dossiers de candidature se déposent sur la plateforme Démarches simplifiées avant le 30 avril 2024.
Le PSFP réunit chaque semaine une dizaine de familles volontaires pendant deux heures.
Le dispositif « Argent de poche » s'adresse aux jeunes de 16 et 17 ans, pour environ 15 € la demi-journée.
Ces axes ne sont pas exclusifs d'autres mesures pertinentes au vu du contexte local.
La PJJ met en œuvre les décisions des juges des enfants.
Unplugged s'adresse aux collégiens de 6e et de 5e, âgés de 12 à 14 ans.
Les CAF soutenaient 205 PAEJ pour 8,9 M€ en 2021.
Le troisième axe consiste à protéger les plus jeunes.
La gendarmerie anime les centres de loisirs jeunes de Marseille.
La MILDECA finance la rénovation des piscines municipales."""


def grounding_figures(assistant: Assistant) -> list[str]:
    """`aap check` of a 10-sentence text (no citations: the whole base is searched for each sentence), with a
    checker of its own: first with nothing cached, then again."""
    from assistant.grounding import GroundingChecker
    from assistant.retrieval import HybridRetriever

    checker = GroundingChecker(HybridRetriever(assistant.kb), assistant.criteria)
    start = time.perf_counter()
    report = checker.check(CHECK_TEXT)
    cold = time.perf_counter() - start
    warm = timed(lambda: checker.check(CHECK_TEXT), 3)
    sentences = [s.text for s in report.sentences]
    embed = timed(lambda: assistant.kb.embeddings.embed_documents(sentences), 3)
    return [f"Vérification d'un texte de {len(sentences)} phrases sans citations (aap check) : {cold:.1f} s la "
            f"première fois (phrases des passages candidats encodées), puis {percentiles(warm)} ; encodage seul des "
            f"{len(sentences)} phrases : {percentiles(embed)}. Verdicts : {report.summary.supported} appuyées, "
            f"{report.summary.weak} fragiles, {report.summary.unsupported} non appuyées."]


def serve_memory(settings: Settings) -> str:
    """Peak resident memory of `aap serve` (its own process) after it has answered a first question via /ask."""
    import os
    import socket
    import subprocess
    import sys

    from gradio_client import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    aap = str(Path(sys.executable).with_name("aap"))
    env = {**os.environ, "AAP_DATA_DIR": str(settings.data_dir), "AAP_PORT": str(port), "AAP_LLM_PROVIDER": "none"}
    proc = subprocess.Popen([aap, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        client = Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
        client.predict(QUESTIONS[0], api_name="/ask")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        return f"Mémoire maximale de `aap serve` après la première réponse (via /ask) : {peak_kb / 1024:.0f} Mo."
    finally:
        proc.terminate()
        proc.wait(30)


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
