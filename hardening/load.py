"""Campaign 4 — load. `python -m hardening load [--quick]`

`aap serve` (offline mode, the real call and 8 fiches) is driven through `gradio_client` by simulated users who
ask questions, draft plans, validate them and check texts, with a few seconds of reading between requests; half way
through, a colleague runs `aap ingest` on the same store (chatting during an ingestion). Then a burst of requests
arrives at once, more than the queue holds: those past the limit must get the French « queue full » message.
Measured: errors, latency percentiles (overall and during the ingestion), refusals, the server's memory growth.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from .common import ROOT, knowledge_env, percentile, settings_for
from .server import Served

QUESTIONS = [
    "Jusqu'à quand peut-on déposer le dossier ?", "Quelles collectivités peuvent candidater ?",
    "Quels acteurs faut-il mobiliser autour du projet ?", "Que dit l'appel sur les compétences psychosociales ?",
    "Comment soutenir les parents dont les enfants sont exposés au trafic ?",
    "Que faire pour réoccuper l'espace public après un démantèlement ?", "Qu'est-ce qu'un CLSPD ?",
    "Des idées d'actions pour l'axe 2 ?", "Comment impliquer la prévention spécialisée ?",
    "Quels indicateurs suivre pour un programme de parentalité ?", "Quelle est la recette de la tarte aux pommes ?",
    "Le dossier se dépose-t-il sur démarches simplifiées ?",
]
PROFILE = {"name": "Commune de Charge-sur-Loire", "kind": "commune", "population": 24000, "qpv_count": 2,
           "context": "Un point de deal près du collège depuis 2022 ; des guetteurs de 13 ans signalés.",
           "problems": ["recrutement de mineurs", "point de deal"], "target_ages": "11-17",
           "existing_partners": ["CLSPD", "prévention spécialisée"], "priority_finalites": ["prevenir_entree"]}
CHECK = ("Les communes et les intercommunalités peuvent candidater. Le dossier est à déposer avant le 30 avril 2024 "
         "sur la plateforme démarches simplifiées.")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls: list[dict] = []

    def add(self, **call) -> None:
        with self.lock:
            self.calls.append(call)


def _call(client, recorder: Recorder, kind: str, plan_holder: dict) -> None:
    started = time.monotonic()
    error = ""
    try:
        if kind == "ask":
            result = client.predict(random.choice(QUESTIONS), "", api_name="/ask")
            if not result.get("answer"):
                error = "réponse vide"
        elif kind == "draft":
            plan_holder["plan"] = client.predict(json.dumps(PROFILE), api_name="/draft")
        elif kind == "validate":
            plan = plan_holder.get("plan")
            if plan is None:
                plan = plan_holder["plan"] = client.predict(json.dumps(PROFILE), api_name="/draft")
            client.predict(json.dumps(plan), api_name="/validate")
        else:
            client.predict(CHECK, None, api_name="/check")
    except Exception as exc:  # noqa: BLE001 - every failure is counted
        error = f"{type(exc).__name__}: {exc}"[:200]
    recorder.add(kind=kind, start=started, seconds=time.monotonic() - started, error=error)


def _user(url: str, recorder: Recorder, stop_at: float, seed: int) -> None:
    from gradio_client import Client

    rng = random.Random(seed)
    client = Client(url, verbose=False)
    holder: dict = {}
    while time.monotonic() < stop_at:
        kind = rng.choices(["ask", "draft", "validate", "check"], weights=[6, 1.5, 1, 1.5])[0]
        _call(client, recorder, kind, holder)
        time.sleep(rng.uniform(2, 8))  # reading the answer


def _burst(url: str, size: int) -> dict:
    from gradio_client import Client

    from ui.errors import QUEUE_FULL

    clients = [Client(url, verbose=False) for _ in range(min(10, size))]
    jobs = [clients[i % len(clients)].submit(QUESTIONS[i % len(QUESTIONS)], "", api_name="/ask") for i in range(size)]
    outcomes = {"ok": 0, "queue_full": 0, "queue_full_in_http_detail": 0, "other_errors": 0}
    examples = []
    for job in jobs:
        try:
            job.result(timeout=600)
            outcomes["ok"] += 1
        except Exception as exc:  # noqa: BLE001
            if QUEUE_FULL[:40] in str(exc):
                outcomes["queue_full"] += 1
            elif _http_detail(exc) == QUEUE_FULL:  # what the README tells API users to read
                outcomes["queue_full_in_http_detail"] += 1
            else:
                outcomes["other_errors"] += 1
                examples.append(f"{type(exc).__name__}: {exc}"[:200])
    return {**outcomes, "examples": examples[:5], "queue_full_message": QUEUE_FULL}


def _http_detail(exc: Exception) -> str:
    """gradio_client raises the HTTP error of a refused request; the app's message is the `detail` of its body."""
    try:
        return exc.response.json()["detail"]
    except Exception:  # noqa: BLE001 - not an HTTP error, or another body
        return ""


def _colleague_notes_seen(url: str) -> bool:
    """Once the colleague's ingestion is over, the running server answers from those notes (without a restart)."""
    from gradio_client import Client

    answer = Client(url, verbose=False).predict("Qu'a examiné la cellule de veille du quartier 7 ?", "", api_name="/ask")
    return any(c["doc_id"].startswith("local-compte-rendu-") for c in answer.get("citations", []))


def _notes(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"compte-rendu-{i:02d}.md"
        path.write_text(f"# Compte rendu de la réunion {i}\n\n" + " ".join(
            f"La cellule de veille du quartier {i} a examiné la situation de jeunes exposés au trafic (point {j})."
            for j in range(12)) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def run(workdir: Path, users: int = 20, minutes: float = 10, burst: int = 100, queue_size: int | None = None,
        log=print) -> dict:
    """`queue_size`: the app's queue (AAP_UI_QUEUE_SIZE, 50 by default); the burst must exceed it."""
    settings = settings_for(workdir, "medium")
    from assistant import Assistant

    Assistant.from_settings(settings).ingest()
    recorder = Recorder()
    memory: list[tuple[float, float]] = []
    extra = {"AAP_UI_QUEUE_SIZE": str(queue_size)} if queue_size else None
    with Served(settings, workdir, extra) as server:
        started = time.monotonic()
        stop_at = started + minutes * 60
        threads = [threading.Thread(target=_user, args=(server.url, recorder, stop_at, i), daemon=True)
                   for i in range(users)]
        for thread in threads:
            thread.start()
            time.sleep(0.2)
        ingest_window = None
        ingestion = None
        while time.monotonic() < stop_at:
            memory.append((time.monotonic() - started, server.rss_mb()))
            if ingestion is None and time.monotonic() > started + minutes * 60 * 0.4:
                paths = _notes(workdir / "notes", 20)
                t0 = time.monotonic()
                ingestion = subprocess.Popen([str(Path(sys.executable).parent / "aap"), "ingest", *map(str, paths)],
                                             env=knowledge_env(settings), cwd=ROOT, stdout=subprocess.PIPE,
                                             stderr=subprocess.STDOUT, text=True)
            if ingestion is not None and ingest_window is None and ingestion.poll() is not None:
                ingest_window = (t0, time.monotonic())
            time.sleep(5)
        for thread in threads:
            thread.join(600)
        if ingestion is not None:
            output, _ = ingestion.communicate(timeout=900)
            ingest_window = ingest_window or (t0, time.monotonic())
        memory.append((time.monotonic() - started, server.rss_mb()))
        notes_seen = ingestion is not None and ingestion.returncode == 0 and _colleague_notes_seen(server.url)
        log(f"  {len(recorder.calls)} appels en {minutes} min ; rafale de {burst}…")
        burst_result = _burst(server.url, burst)
        memory.append((time.monotonic() - started, server.rss_mb()))
        output_text = server.stop()
        attempts = server.attempts()
    calls = recorder.calls
    seconds = [c["seconds"] for c in calls if not c["error"]]
    by_kind = {k: [c["seconds"] for c in calls if c["kind"] == k and not c["error"]] for k in
               ("ask", "draft", "validate", "check")}
    during = [c for c in calls if ingest_window and ingest_window[0] <= c["start"] <= ingest_window[1]]
    warm = next((m for t, m in memory if t >= min(60, minutes * 60 / 3)), memory[0][1])
    final = memory[-2][1] if len(memory) > 1 else memory[-1][1]
    with open("/proc/loadavg") as handle:
        load_average = handle.read().split()[:3]
    return {
        "users": users, "minutes": minutes, "queue_size": queue_size or settings.ui_queue_size,
        "concurrency": settings.ui_concurrency, "calls": len(calls), "errors": sum(1 for c in calls if c["error"]),
        "error_examples": [c["error"] for c in calls if c["error"]][:5],
        "p50_s": round(percentile(seconds, 50), 2), "p95_s": round(percentile(seconds, 95), 2),
        "max_s": round(max(seconds, default=0), 2),
        "p95_by_kind_s": {k: round(percentile(v, 95), 2) for k, v in by_kind.items()},
        "calls_by_kind": {k: len(v) for k, v in by_kind.items()},
        "during_ingestion": {"calls": len(during), "errors": sum(1 for c in during if c["error"]),
                             "p95_s": round(percentile([c["seconds"] for c in during if not c["error"]], 95), 2),
                             "ingest_exit": ingestion.returncode if ingestion else None,
                             "notes_answered_after_without_restart": notes_seen,
                             "ingest_seconds": round(ingest_window[1] - ingest_window[0], 1) if ingest_window else None},
        "burst": {"size": burst, **burst_result},
        "memory_mb": {"after_warm_up": round(warm, 1), "end_of_run": round(final, 1),
                      "after_burst": round(memory[-1][1], 1),
                      "growth_pct": round(100 * (final - warm) / warm, 1) if warm else None},
        "server_outbound_attempts": len(attempts), "server_output_tail": output_text[-300:],
        "load_average": load_average,
    }
