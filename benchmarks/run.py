"""`make bench`: speed and memory figures, measured side by side in one run (docs/benchmarks.md).

Run: python -m benchmarks.run [--grow 50000] [--only first,app] [--data DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
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
# Each on a topic of its own: asked once each in a fresh process, every one is the first question on its topic.
FIRST_QUESTIONS = QUESTIONS + [
    "Comment associer les bailleurs sociaux à la réoccupation des halls ?", "Qu'est-ce qu'un PAEJ ?",
    "Comment mesurer les effets du programme PSFP ?", "Quel rôle pour l'Éducation nationale ?",
    "théâtre forum avec des témoignages d'anciens guetteurs", "chantiers éducatifs rémunérés pour les 16-17 ans",
]
# A conversation of 20 turns in the app; the 20th asks the 1st question again: both do the same work in the core.
CONVERSATION = [
    "Jusqu'à quand peut-on déposer le dossier ?", "Quels acteurs mobiliser pour le pilotage ?",
    "Comment soutenir les parents d'adolescents ?", "Et pour les plus jeunes ?", "programme Unplugged au collège",
    "Que faire après le démantèlement d'un point de deal ?", "recrutement de mineurs sur Snapchat",
    "Comment financer des médiateurs sociaux ?", "TAPAJ pour les jeunes en errance", "rôle de la PJJ dans le plan",
    "Quelles alternatives pour les jeunes de 16 ans sans solution ?", "Des idées d'actions pour l'axe 3 ?",
    "Et pour l'axe 4 ?", "Qu'est-ce qu'un PAEJ ?", "Comment mesurer les effets du programme PSFP ?",
    "Quel rôle pour l'Éducation nationale ?", "théâtre forum avec des témoignages d'anciens guetteurs",
    "chantiers éducatifs rémunérés pour les 16-17 ans", "Qui peut candidater à cet appel à projets ?",
    "Jusqu'à quand peut-on déposer le dossier ?",
]
SECTIONS = ("answers", "first", "reload", "drafts", "grounding", "serve", "app", "upload", "grow")


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
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"mesures à faire, parmi {','.join(SECTIONS)} (l'ingestion est toujours mesurée)")
    parser.add_argument("--data", type=Path,
                        help="dossier de données déjà ingéré : l'ingestion n'est pas mesurée")
    parser.add_argument("--first-questions-of", type=Path, help=argparse.SUPPRESS)  # the fresh process of `first`
    args = parser.parse_args()
    if args.first_questions_of:
        print(json.dumps(first_questions(args.first_questions_of)))
        return
    only = set(args.only.split(","))
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=args.data or Path(tmp), _env_file=None)
        assistant = Assistant.from_settings(settings)
        if not args.data:
            lines += ingestion_figures(assistant, settings)
        if "answers" in only:
            lines += answer_figures(assistant)
        if "first" in only:
            lines += first_question_figures(settings)
        if "reload" in only:
            lines += reload_figures(assistant)
        if "drafts" in only:
            lines += draft_figures(assistant)
        if "grounding" in only:
            lines += grounding_figures(assistant)
        if "serve" in only:
            lines.append(serve_memory(settings))
        if "app" in only:
            lines += app_turn_figures(assistant)
        if "upload" in only:
            from .upload_speed import upload_figures

            lines += upload_figures(assistant, Path(tmp))
        if "grow" in only and args.grow:
            lines.append(grow(assistant, args.grow))
    print("\n".join(lines))


def ingestion_figures(assistant: Assistant, settings: Settings) -> list[str]:
    """The ingestion of the shipped base (passages and their sentences), next to the bare embedding of the same
    texts: how much the ingestion adds to the embedding it cannot avoid."""
    from assistant.sentence_vectors import indexed_sentences

    docs = load_knowledge(settings.knowledge_dir)
    chunks = [c for d in docs for c in split_document(d)]
    sentences = list(dict.fromkeys(s for c in chunks for s in indexed_sentences(c.text, c.section)))
    start = time.perf_counter()
    report = assistant.ingest()
    ingest_s = time.perf_counter() - start
    embeddings = assistant.kb.embeddings
    sample = chunks[::max(1, len(chunks) // 120)][:120]
    start = time.perf_counter()
    embeddings.embed_documents_with_progress([c.indexed_text for c in sample])
    chunk_rate = len(sample) / (time.perf_counter() - start)
    sample = sorted(sentences[::max(1, len(sentences) // 300)][:300], key=len)
    start = time.perf_counter()
    embeddings.embed_documents_with_progress(sample)
    sentence_rate = len(sample) / (time.perf_counter() - start)
    bare_s = len(chunks) / chunk_rate + report.sentences_added / sentence_rate
    return [f"Base livrée : {len(docs)} documents, {report.total_chunks} passages, {report.sentences_added} phrases "
            "distinctes indexées pour les réponses et la vérification.",
            f"Ingestion complète : {ingest_s:.1f} s (encodage {report.embedding_seconds:.1f} s), soit "
            f"{report.total_chunks / ingest_s:.1f} passages/s ; encodage seul : {chunk_rate:.1f} passages/s, "
            f"{sentence_rate:.1f} phrases/s, soit {bare_s:.1f} s pour les mêmes textes "
            f"(rapport {ingest_s / bare_s:.2f}), dont phrases : {report.sentences_added / sentence_rate:.1f} s.",
            f"Seconde ingestion (rien à faire) : {timed(assistant.ingest, 1)[0]:.2f} s."]


def answer_figures(assistant: Assistant) -> list[str]:
    qa = assistant.qa
    assistant.ask(QUESTIONS[0])  # warm
    embed = timed(lambda: [assistant.kb.embeddings.embed_query(q) for q in QUESTIONS], 3)
    retrieve = [t for q in QUESTIONS for t in timed(lambda q=q: qa.retriever.search(q), 3)]
    answer = [t for q in QUESTIONS for t in timed(lambda q=q: assistant.ask(q), 2)]
    embed_each = [t / len(QUESTIONS) for t in embed]
    return [f"Encodage d'une question seule : {percentiles(embed_each)}.",
            f"Recherche hybride (base livrée) : {percentiles(retrieve)}.",
            f"Réponse complète en mode hors ligne (processus chaud, chaque question posée deux fois) : "
            f"{percentiles(answer)} (rapport à l'encodage seul : "
            f"{statistics.median(answer) / statistics.median(embed_each):.0f}×).",
            f"Mémoire maximale du processus après les réponses : "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo."]


def first_question_figures(settings: Settings) -> list[str]:
    """Offline answers in a freshly opened assistant (a new process over the ingested store), each question the first
    on its topic, side by side with the bare embedding of the question; then the same over a copy of the store
    without its sentence index (as before issue 12: the sentences of the passages embedded on first sight)."""
    import shutil

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        without = Path(tmp) / "data"
        shutil.copytree(settings.data_dir, without, ignore=shutil.ignore_patterns("sentences"))
        for data_dir, label in ((settings.data_dir, "avec l'index des phrases"),
                                (without, "sans l'index des phrases (comme avant)")):
            done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--first-questions-of", str(data_dir)],
                                  env={**os.environ, "AAP_LLM_PROVIDER": "none"}, capture_output=True, text=True,
                                  timeout=1800, cwd=Path(__file__).parent.parent)
            if done.returncode:
                lines.append(f"Premières questions, {label} : échec — {done.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            lines.append(
                f"Réponse hors ligne, assistant fraîchement ouvert, {label}, première question sur chacun de "
                f"{len(r['first'])} sujets : {percentiles(r['first'])} (encodage seul de la question : "
                f"{percentiles(r['bare'])}) ; textes encodés à la volée en plus des questions : {r['embedded']} ; "
                f"la même question une seconde fois : {percentiles(r['again'])} ; toute première réponse du "
                f"processus (mise en place comprise) : {r['startup']:.2f} s.")
    return lines


def first_questions(data_dir: Path) -> dict:
    """In this (new) process: the first answer (the pipeline is built), then one question per topic, then again."""
    assistant = Assistant.from_settings(Settings(data_dir=data_dir, _env_file=None))
    startup = timed(lambda: assistant.ask("Bonjour, que pouvez-vous faire ?"), 1)[0]
    embeddings = assistant.kb.embeddings
    embedded = []
    embed_documents = embeddings.embed_documents
    embeddings.embed_documents = lambda texts: (embedded.extend(texts), embed_documents(texts))[1]
    first = [t for q in FIRST_QUESTIONS for t in timed(lambda q=q: assistant.ask(q), 1)]
    again = [t for q in FIRST_QUESTIONS for t in timed(lambda q=q: assistant.ask(q), 1)]
    bare = [t for q in FIRST_QUESTIONS for t in timed(lambda q=q: embeddings.embed_query(q), 1)]
    return {"startup": startup, "first": first, "again": again, "bare": bare, "embedded": len(embedded)}


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
    plans = [assistant.draft(p) for p in profiles]
    start = time.perf_counter()
    first_report = assistant.check_plan(plans[0])
    first_check = time.perf_counter() - start
    grounded = [t for plan in plans for t in timed(lambda x=plan: assistant.check_plan(x), 2)]
    verdicts = [assistant.check_plan(plan).summary for plan in plans]
    return [f"Premier plan d'actions hors ligne (chargement des fiches compris) : {first:.2f} s.",
            f"« Vérifier l'ancrage » d'un plan du catalogue : {first_check:.2f} s la première fois, puis "
            f"{percentiles(grounded)} (objectif : moins de 5 s) ; verdicts sur les {len(plans)} plans : "
            f"{sum(v.supported for v in verdicts)} appuyés, {sum(v.weak for v in verdicts)} fragiles, "
            f"{sum(v.unsupported for v in verdicts)} non appuyés (premier plan : {first_report.summary.supported} "
            "appuyés).",
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


# Sentences a reviewer writes, each checked once (a new sentence: its own encoding, nothing of it cached).
NEW_SENTENCES = [
    "L'appel s'adresse aux communes et aux intercommunalités.",
    "Le dossier se dépose uniquement en ligne, sur Démarches simplifiées.",
    "La MILDECA apporte un soutien financier et méthodologique.",
    "Les quatre axes ne sont pas exclusifs d'autres mesures jugées pertinentes au vu du contexte local.",
    "Le projet prévoit au moins une action concrète dans chacun des quatre axes.",
    "Les dossiers peuvent être déposés jusqu'au 30 avril 2024.",
    "L'appel vise cinq finalités, dont la création d'une dynamique partenariale.",
    "Le maire anime la politique de prévention de la délinquance sur le territoire de sa commune.",
    "Les réseaux recrutent des adolescents parfois âgés de moins de 15 ans pour surveiller ou transporter.",
    "Le PSFP s'adresse aux familles d'enfants de 6 à 11 ans, sur 14 séances.",
    "Argent de poche permet aux 16-17 ans de faire de petites missions pour la commune pendant les vacances.",
    "Les consultations jeunes consommateurs reçoivent gratuitement les jeunes qui s'interrogent sur leurs usages.",
    "La PJJ exécute les décisions des juges des enfants, au civil comme au pénal.",
    "Unplugged est un programme de prévention mené en classe au collège.",
    "Le Good Behavior Game se joue en classe, à l'école élémentaire.",
    "Un groupe thématique « jeunes et trafics » peut être créé au sein du CLSPD.",
    "Les bailleurs sociaux peuvent contribuer à la réappropriation des halls d'immeubles.",
    "Les promeneurs du Net assurent une présence éducative sur les réseaux sociaux.",
    "La MILDECA a déjà lancé cet appel en 2018, 2019, 2021 et 2023.",
    "Les dossiers doivent être déposés avant le 30 mai 2024.",
    "L'appel s'adresse à toutes les communes.",
    "La gendarmerie anime les centres de loisirs jeunes de Marseille.",
    "Les chantiers éducatifs proposent aux jeunes un travail rémunéré encadré par des éducateurs.",
    "La médiation sociale apaise les tensions dans l'espace public.",
]


def grounding_figures(assistant: Assistant) -> list[str]:
    """The reviewer's checker (`aap check`, the application's checker: the call's data and synonyms as evidence),
    warm: each new sentence alone, 6-sentence answers without citations (the whole base searched for each sentence),
    an extractive answer with its citations, a plan; with the encoding of one sentence alone for scale."""
    from assistant.plans import load_profile

    checker = assistant.grounding
    start, start_cpu = time.perf_counter(), time.process_time()
    checker.check(CHECK_TEXT)  # the first check (the call's data and the name lexicon were saved at ingestion)
    first, first_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    per_sentence, cpu = [], []  # wall and processor time: on a shared machine the second says what the code costs
    for sentence in NEW_SENTENCES[:18]:
        start, start_cpu = time.perf_counter(), time.process_time()
        checker.check(sentence)
        per_sentence.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    answers = [" ".join(NEW_SENTENCES[18:24])] + [  # the others reworded, so that nothing of them is cached
        " ".join(f"Selon nos notes, {s[0].lower()}{s[1:]}" for s in NEW_SENTENCES[i:i + 6]) for i in (0, 6, 12)]
    per_answer, answer_cpu = [], []
    for text in answers:
        start, start_cpu = time.perf_counter(), time.process_time()
        checker.check(text)
        per_answer.append(time.perf_counter() - start)
        answer_cpu.append(time.process_time() - start_cpu)
    extractive = assistant.ask("Jusqu'à quand peut-on déposer le dossier ?")
    cited = timed(lambda: checker.check(extractive.answer, extractive.citations), 5)
    plan = assistant.draft(load_profile(sorted(PROFILES_DIR.glob("*.yaml"))[0]))
    start = time.perf_counter()
    plan_report = assistant.check_plan(plan)
    plan_first = time.perf_counter() - start
    plan_again = timed(lambda: assistant.check_plan(plan), 2)
    embed = timed(lambda: assistant.kb.embeddings.embed_documents([NEW_SENTENCES[0]]), 5)
    return [f"Vérificateur, première vérification (données de l'appel et lexique des noms gardés à l'ingestion) : "
            f"{first:.2f} s (temps processeur {first_cpu:.2f} s).",
            f"Une phrase nouvelle, application chaude ({len(per_sentence)} phrases, chacune vérifiée une fois) : "
            f"{percentiles(per_sentence)} (temps processeur {percentiles(cpu)}) ; encodage seul d'une phrase : "
            f"{percentiles(embed)}.",
            f"Une réponse de 6 phrases nouvelles sans citations ({len(per_answer)} réponses) : "
            f"{percentiles(per_answer)} (temps processeur {percentiles(answer_cpu)}) ; une réponse extractive avec ses citations ({len(extractive.citations)} "
            f"passages) : {percentiles(cited)}.",
            f"Un plan d'actions ({len(plan.actions)} actions, {len(plan_report.sentences)} phrases) : {plan_first:.1f} s "
            f"la première fois, puis {percentiles(plan_again)}."]


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


APP_ANSWER = ("Les communes et les intercommunalités peuvent candidater [1]. Le dossier est déposé avant la date "
              "limite sur la plateforme indiquée par l'appel [1]. Le projet mobilise les acteurs du territoire autour "
              "d'un diagnostic partagé [2], et prévoit au moins une action concrète sur chaque axe, avec son "
              "calendrier, ses indicateurs et ses partenaires [1]. Les actions visent les plus jeunes, leurs parents "
              "et les jeunes déjà exposés aux réseaux [2].")


def app_turn_figures(assistant: Assistant) -> list[str]:
    """A conversation of 20 turns in the app, served as `aap serve` serves it and driven by Chromium (by gradio_client
    when no browser is installed): turn 1 next to turn 20, offline and with a model that writes for ~3 s (a fake one,
    30 ms a word). The 20th turn asks the 1st question again, asked once through the API beforehand, so that both do
    the same work in the core: what differs is the app's."""
    lines = []
    for mode in ("none", "llm"):
        driver, rows = drive_conversation(assistant, mode)
        first, last, middle = rows[0], rows[-1], [r["wall"] for r in rows[1:-1]]
        label = "hors ligne" if mode == "none" else "avec un modèle (factice) qui écrit sa réponse en ~4 s"
        line = (f"Application, conversation de {len(rows)} tours {label}, via {driver} : "
                f"tour 1 {first['wall'] * 1000:.0f} ms, tour {len(rows)} {last['wall'] * 1000:.0f} ms "
                f"({last['wall'] / first['wall']:.1f}×) ; dans le cœur {first['core'] * 1000:.0f} puis "
                f"{last['core'] * 1000:.0f} ms")
        if first.get("browser") is not None:
            line += f" ; processeur du navigateur {first['browser'] * 1000:.0f} puis {last['browser'] * 1000:.0f} ms"
        lines.append(line + f" ; médiane des tours intermédiaires {statistics.median(middle) * 1000:.0f} ms.")
    return lines


def drive_conversation(assistant: Assistant, mode: str) -> tuple[str, list[dict]]:
    import shutil
    import socket

    from ui.server import launch

    if mode == "llm":
        from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
        from langchain_core.messages import AIMessage

        class Paced(GenericFakeChatModel):
            def _stream(self, *args, **kwargs):
                for chunk in super()._stream(*args, **kwargs):
                    time.sleep(0.03)
                    yield chunk

        settings = assistant.settings.model_copy(update={"llm_provider": "ollama", "llm_model": "factice"})
        assistant = Assistant(settings, assistant.kb, assistant.criteria,
                              chat_model=Paced(messages=itertools.cycle([AIMessage(content=APP_ANSWER)])))
        assistant.qa.llm.condense = lambda question, history: question  # the model's rewording is not measured here
    assistant.ask(CONVERSATION[0])
    core = [0.0]
    ask_stream = assistant.ask_stream

    def timed_stream(*args, **kwargs):
        items = ask_stream(*args, **kwargs)
        while True:
            start = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                core[0] += time.perf_counter() - start
            yield item

    assistant.ask_stream = timed_stream  # on this instance only, until the end of the conversation
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = launch(assistant, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        with contextlib.suppress(ImportError):
            if Path(chromium).exists():
                from playwright.sync_api import sync_playwright

                return "Chromium", _turns_in_browser(sync_playwright, chromium, app.local_url, core)
        return "gradio_client (serveur seul)", _turns_by_client(app.local_url, core)
    finally:
        app.close()
        del assistant.ask_stream


def _process_cpu(match: bytes) -> float:
    """CPU seconds of the processes whose command line holds `match` (Linux)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            if proc.name.isdigit() and match in (proc / "cmdline").read_bytes():
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _turns_in_browser(sync_playwright, chromium: str, url: str, core: list[float]) -> list[dict]:
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(url)
        for question in CONVERSATION:
            before = page.locator("#aap-chat [data-testid=bot]").count()
            box = page.get_by_label("Votre question")
            box.fill(question)
            core_before, cpu_before, start = core[0], _process_cpu(b"chromium"), time.perf_counter()
            box.press("Enter")
            page.wait_for_function("n => document.querySelectorAll('#aap-chat [data-testid=bot]').length > n",
                                   arg=before, timeout=600_000)
            page.wait_for_function("() => document.querySelector('#aap-question textarea').value === ''",
                                   timeout=600_000)
            rows.append({"wall": time.perf_counter() - start, "core": core[0] - core_before,
                         "browser": _process_cpu(b"chromium") - cpu_before})
        browser.close()
    return rows


def _turns_by_client(url: str, core: list[float]) -> list[dict]:
    from gradio_client import Client

    client = Client(url, analytics_enabled=False, verbose=False, download_files=False)
    chat = next(i for i, e in client.endpoints.items()
                if len(e.dependency.get("inputs", [])) == 4 and len(e.dependency.get("outputs", [])) == 5)
    client.endpoints[chat].is_valid = True  # private to the page: driven here as the page drives it
    rows, messages = [], []
    for question in CONVERSATION:
        core_before, start = core[0], time.perf_counter()
        messages = client.submit(question, "", messages, fn_index=chat).result()[0]
        rows.append({"wall": time.perf_counter() - start, "core": core[0] - core_before})
    return rows


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
