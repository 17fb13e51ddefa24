"""Campaign 5 — crashes. `python -m hardening crashes [--rounds N]`

Each round changes the corpus a little (a fiche, some user files; every fifth round `--rebuild`), starts
`aap ingest`, and kills it with SIGKILL at a random moment within the round's measured length: anywhere, while it
holds the write lock, or while it writes to the store (one round in three). Then, in fresh processes: the store must open and pass
the integrity check (hardening/integrity.py); `aap ingest` must complete; and the store must then hold exactly the
current version of every document. Last, a second writer is started while one ingests: it must be refused, in
French, after the configured wait (AAP_LOCK_TIMEOUT_S, 5 s by default).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from .common import ROOT, knowledge_env, settings_for

PARAGRAPHS = [
    "Les médiateurs sociaux tiennent une permanence le samedi au pied des immeubles du quartier {n}.",
    "Un chantier éducatif rémunéré de deux semaines accueille huit jeunes de 16 à 18 ans pendant l'été.",
    "Le conseil local de sécurité et de prévention de la délinquance se réunit chaque trimestre autour du maire.",
    "Les parents sont invités à des ateliers de soutien à la parentalité animés avec la CAF et le centre social.",
    "La prévention spécialisée mène un travail de rue en soirée près des halls d'immeubles occupés par le trafic.",
    "Le collège organise des séances de développement des compétences psychosociales pour les classes de 5e.",
]


def _user_file(folder: Path, i: int, version: int) -> Path:
    rng = random.Random(i * 1000 + version)
    sections = []
    for s in range(3):
        body = " ".join(rng.choice(PARAGRAPHS).format(n=f"{i}-{version}") for _ in range(4))
        sections.append(f"## Partie {s + 1}\n\n{body}")
    path = folder / f"note-{i:02d}.md"
    path.write_text(f"# Note locale {i} (version {version})\n\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
    return path


def prepare(workdir: Path, files: int = 8) -> tuple[object, list[Path]]:
    settings = settings_for(workdir, "small")
    folder = workdir / "notes"
    folder.mkdir(parents=True, exist_ok=True)
    return settings, [_user_file(folder, i, 0) for i in range(files)]


def change_corpus(settings, paths: list[Path], round_no: int, rng: random.Random) -> None:
    for i in rng.sample(range(len(paths)), k=min(3, len(paths))):
        _user_file(paths[i].parent, i, round_no)
    fiche = settings.knowledge_dir / "practices" / rng.choice(["alpha.md", "beta.md"])
    fiche.write_text(fiche.read_text(encoding="utf-8").rstrip("\n") + f"\n\nMise à jour {round_no} : "
                     "la commune revoit le calendrier avec les partenaires.\n", encoding="utf-8")


def _env(settings) -> dict:
    env = knowledge_env(settings)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def _aap(settings, paths: list[Path], rebuild: bool = False) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "aap"), "ingest", *(["--rebuild"] if rebuild else []),
               *[str(p) for p in paths]]
    return subprocess.Popen(command, env=_env(settings), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def verify(settings, paths: list[Path], complete: bool) -> dict:
    """Open the store in a fresh process and check it; `complete`: every document at its current version."""
    args = [sys.executable, "-m", "hardening.crashes", "verify", *(["--complete"] if complete else []),
            *[str(p) for p in paths]]
    result = subprocess.run(args, env=_env(settings), cwd=ROOT, capture_output=True, text=True, timeout=600)
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"opened": False, "states": {}, "problems": [f"le contrôle a échoué : {(result.stderr or result.stdout)[-600:]}"]}


def _verify_here(paths: list[Path], complete: bool) -> dict:
    from assistant import Assistant
    from assistant.loaders import load_knowledge, load_user_file

    from .integrity import check_store

    import assistant.loaders as loaders
    from assistant.extract import extract

    # the corpus is ours and trusted: extract in this process (the product's isolation is not under test here)
    loaders.extract_isolated = lambda path, ftype, timeout_s, memory_mb, finish: finish(extract(path, ftype))
    assistant = Assistant.from_settings()
    states = {d.doc_id: d for d in assistant.documents()}
    expected = {d.doc_id: d.content_hash for d in load_knowledge(assistant.settings.knowledge_dir)}
    for path in paths:
        doc = load_user_file(path, max_mb=20, timeout_s=30, memory_mb=1024)
        if doc.doc_id in states:  # the time it was added is part of its hash: compare with the stored one's
            doc = load_user_file(path, max_mb=20, timeout_s=30, memory_mb=1024, added_at=states[doc.doc_id].added_at)
        expected[doc.doc_id] = doc.content_hash
    report = check_store(assistant.kb, known_doc_ids=set(expected) | _previous_ids(assistant))
    problems = list(report.problems)
    if complete:
        if set(states) != set(expected):
            problems.append(f"documents attendus {sorted(set(expected) - set(states))}, en trop "
                            f"{sorted(set(states) - set(expected))}")
        stale = [d for d, h in expected.items() if d in states and states[d].doc_hash != h]
        if stale:
            problems.append(f"documents pas à jour : {stale}")
    return {"opened": True, "chunks": report.chunks, "documents": report.documents,
            "mixed_versions": report.mixed_versions, "problems": problems,
            "states": {d: sorted(state.hashes) for d, state in states.items()}}


def _previous_ids(assistant) -> set[str]:
    """User documents are known by the files of the corpus; knowledge ones by the folder."""
    return {d.doc_id for d in assistant.documents() if d.doc_id.startswith("local-note-")}


def _lock_held_by_other(lock_path: Path) -> bool:
    if not lock_path.exists():
        return False
    with open(lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def second_writer(workdir: Path, files: int = 150) -> dict:
    """While `aap ingest --rebuild` holds the lock, an in-process writer and a second `aap ingest` are refused.

    The first writer embeds enough notes to hold the lock well past the wait of both (tens of seconds even on an
    idle machine); the second `aap ingest` starts as soon as the lock is taken, beside the in-process attempt."""
    from assistant import Assistant
    from assistant.errors import StoreLocked

    settings, paths = prepare(workdir, files)
    first = _aap(settings, paths, rebuild=True)
    lock = Path(settings.data_dir) / "store.lock"
    assistant = Assistant.from_settings(settings)  # opened before, as the web app would be
    deadline = time.monotonic() + 300
    while not _lock_held_by_other(lock) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    result: dict = {"first_held_lock": _lock_held_by_other(lock), "lock_timeout_s": settings.lock_timeout_s}
    cli_started = time.perf_counter()
    second = subprocess.Popen([str(Path(sys.executable).parent / "aap"), "ingest"], env=_env(settings), cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.perf_counter()
    try:
        assistant.ingest()
        result["in_process_refused"] = False
    except StoreLocked as exc:
        result["in_process_refused"] = True
        result["in_process_message"] = str(exc)[:120]
    result["in_process_wait_s"] = round(time.perf_counter() - started, 2)
    out, err = second.communicate(timeout=300)
    result.update(cli_exit=second.returncode, cli_seconds_with_startup=round(time.perf_counter() - cli_started, 2),
                  cli_message=(err or out).strip()[-300:][:120], first_still_holding_lock=_lock_held_by_other(lock))
    first.wait(900)
    result["first_exit"] = first.returncode
    return result


def _store_files(data_dir: Path) -> tuple:
    """What the store's files look like on disk: changes with the first write of an ingestion."""
    signature = []
    for path in sorted((Path(data_dir) / "chroma").rglob("*")):
        with contextlib.suppress(OSError):
            stat = path.stat()
            signature.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(signature)


def _wait_for_first_write(process, data_dir: Path, lock: Path, timeout: float = 300) -> bool:
    """Once the process holds the lock, wait until the store's files change; False if it ended first."""
    deadline = time.perf_counter() + timeout
    while not _lock_held_by_other(lock) and process.poll() is None and time.perf_counter() < deadline:
        time.sleep(0.002)
    before = _store_files(data_dir)
    while process.poll() is None and time.perf_counter() < deadline:
        if _store_files(data_dir) != before:
            return True
        time.sleep(0.002)
    return False


def _timed_run(settings, paths: list[Path], lock: Path, rebuild: bool = False) -> tuple[float, float, float]:
    """An uninterrupted `aap ingest`: its length, how long it held the write lock, and how long its writes to the
    store lasted (from the first change of the store's files to the lock's release), in seconds."""
    process = _aap(settings, paths, rebuild=rebuild)
    started, locked_at, writing_at, released_at = time.perf_counter(), None, None, None
    files = None
    while process.poll() is None:
        held = _lock_held_by_other(lock)
        now = time.perf_counter()
        if held and locked_at is None:
            locked_at, files = now, _store_files(settings.data_dir)
        elif held and writing_at is None and _store_files(settings.data_dir) != files:
            writing_at = now
        if not held and locked_at is not None and released_at is None:
            released_at = now
        time.sleep(0.002)
    process.communicate(timeout=60)
    ended = time.perf_counter()
    if process.returncode != 0:
        raise RuntimeError(f"l'ingestion de calibration a échoué (code {process.returncode})")
    released_at = released_at or ended
    return (ended - started, released_at - locked_at if locked_at is not None else 0.0,
            released_at - writing_at if writing_at is not None else 0.0)


def _classify(before: dict, after: dict, target: dict) -> str:
    """Where the kill left the store: as before the round, already done, or in between (cut mid-write)."""
    if after == before:
        return "untouched"
    if after == target:
        return "done"
    return "partial"


def run(workdir: Path, rounds: int = 50, files: int = 8, seed: int = 11, writer: bool = True, log=print) -> dict:
    """`rounds` kills: one round in three during the store's writes, the others alternately at a uniform moment of
    the whole run and while the process holds the write lock."""
    started = time.perf_counter()
    rng = random.Random(seed)
    settings, paths = prepare(workdir, files)
    lock = Path(settings.data_dir) / "store.lock"
    full, _, _ = _timed_run(settings, paths, lock)
    # a round's own length, so that every kill lands inside the run however fast the machine is
    change_corpus(settings, paths, 0, rng)
    incremental = _timed_run(settings, paths, lock)
    rebuild_run = _timed_run(settings, paths, lock, rebuild=True)
    log(f"  ingestion complète de référence : {full:.1f} s ; tour ordinaire {incremental[0]:.1f} s (verrou tenu "
        f"{incremental[1]:.2f} s, écritures {incremental[2]:.2f} s) ; reconstruction {rebuild_run[0]:.1f} s (verrou "
        f"tenu {rebuild_run[1]:.2f} s, écritures {rebuild_run[2]:.2f} s)")
    previous = verify(settings, paths, complete=True)["states"]
    tallies = {"rounds": 0, "killed_while_running": 0, "killed_holding_lock": 0, "killed_while_writing": 0,
               "opened": 0, "integrity_ok": 0,
               "left_untouched": 0, "left_done": 0, "left_partial": 0, "reingest_completed": 0,
               "complete_and_current": 0}
    problems, delays = [], []
    for round_no in range(1, rounds + 1):
        change_corpus(settings, paths, round_no, rng)
        rebuild = round_no % 5 == 0
        length, held, writes = rebuild_run if rebuild else incremental
        process = _aap(settings, paths, rebuild=rebuild)
        t0 = time.perf_counter()
        writing = False
        if round_no % 3 == 0:  # during the store's writes (a rebuild's swap included): the narrowest window
            writing = _wait_for_first_write(process, settings.data_dir, lock)
            time.sleep(rng.uniform(0.0, 0.9) * writes)
        elif round_no % 2:  # anywhere in the run, start-up included
            time.sleep(rng.uniform(0.05, 0.9) * length)
        else:  # while it holds the write lock: embedding, then the store's writes
            while not _lock_held_by_other(lock) and process.poll() is None and time.perf_counter() - t0 < 300:
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.9) * held)
        holding = _lock_held_by_other(lock)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            tallies["killed_while_running"] += 1
            tallies["killed_holding_lock"] += holding
            tallies["killed_while_writing"] += writing and holding
        process.communicate(timeout=60)
        delays.append(round(time.perf_counter() - t0, 2))
        tallies["rounds"] += 1
        after_kill = verify(settings, paths, complete=False)
        tallies["opened"] += bool(after_kill.get("opened"))
        tallies["integrity_ok"] += not after_kill["problems"]
        if after_kill["problems"]:
            problems.append(f"tour {round_no} (kill à {delays[-1]:.1f} s) : {after_kill['problems'][:3]}")
        rerun = _aap(settings, paths)
        output, _ = rerun.communicate(timeout=900)
        tallies["reingest_completed"] += rerun.returncode == 0
        if rerun.returncode != 0:
            problems.append(f"tour {round_no} : la réingestion a échoué ({rerun.returncode}) : {output[-300:]}")
        final = verify(settings, paths, complete=True)
        tallies["complete_and_current"] += not final["problems"]
        if final["problems"]:
            problems.append(f"tour {round_no} (après réingestion) : {final['problems'][:3]}")
        tallies["left_" + _classify(previous, after_kill.get("states", {}), final.get("states", {}))] += 1
        previous = final.get("states", {})
        (workdir / "progress.json").write_text(json.dumps({**tallies, "problems": problems}), encoding="utf-8")
        if round_no % 5 == 0 or round_no == rounds:
            log(f"  {round_no}/{rounds} tours ({time.perf_counter() - started:.0f} s) : {tallies}")
    second = second_writer(workdir / "writer") if writer else None
    return {**tallies, "full_ingest_s": round(full, 1), "round_s": round(incremental[0], 2),
            "round_lock_held_s": round(incremental[1], 2), "round_writes_s": round(incremental[2], 3),
            "rebuild_s": round(rebuild_run[0], 2), "rebuild_lock_held_s": round(rebuild_run[1], 2),
            "rebuild_writes_s": round(rebuild_run[2], 3), "kill_after_s": [min(delays, default=0), max(delays, default=0)],
            "second_writer": second, "problems": problems[:10], "seconds": round(time.perf_counter() - started, 1)}


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "verify":
    from assistant.offline import enforce_offline

    enforce_offline()
    arguments = sys.argv[2:]
    is_complete = "--complete" in arguments
    print(json.dumps(_verify_here([Path(a) for a in arguments if a != "--complete"], is_complete)))
