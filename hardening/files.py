"""Campaign 3 — hostile files. `python -m hardening files [--fuzz N]`

Mutations of valid PDF/DOCX/MD/TXT/HTML files and known bad files (bombs, deep nesting, huge pages, encryption,
wrong extensions, hostile names, empty files, junk) go through the parser one by one (time and memory measured),
through `Assistant.add_files` in batches (the store's document count and reference searches must not move for
refused files; accepted ones are removed afterwards and must leave nothing), and through the CLI `aap ingest`.
Target: every file ingested or refused with a French message naming it, no crash, parses within the bounds.
"""

from __future__ import annotations

import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from . import badfiles
from .common import knowledge_env, percentile, settings_for

REFERENCE_QUERIES = ["date limite de dépôt du dossier", "actions pour les parents et la parentalité",
                     "acteurs à mobiliser autour du projet", "chantiers éducatifs pour les jeunes",
                     "quels sont les axes de l'appel"]
REFUSAL = re.compile(r"^« (?P<name>.+) » n'a pas été ajouté : (?P<reason>.+)$", re.S)
NOT_FRENCH = re.compile(r"Traceback|Error\b|Exception|errno|\bthe\b|\bfailed\b|\binvalid\b|\bnot\b|\bfile\b", re.I)


def _french_refusal(message: str) -> bool:
    match = REFUSAL.match(message)
    return bool(match) and len(match.group("reason")) >= 10 and not NOT_FRENCH.search(match.group("reason"))


def _child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def special_files(folder: Path) -> list[tuple[Path, str, str]]:
    """Things that are not regular files, for the CLI and the API: a folder, a pipe, a dangling link, a device."""
    folder.mkdir(parents=True, exist_ok=True)
    directory = folder / "dossier.md"
    directory.mkdir(exist_ok=True)
    fifo = folder / "tube.txt"
    if not fifo.exists():
        os.mkfifo(fifo)
    dangling = folder / "lien-casse.md"
    if not dangling.is_symlink():
        dangling.symlink_to(folder / "absent.md")
    device = folder / "zero.txt"
    if not device.is_symlink():
        device.symlink_to("/dev/zero")
    return [(directory, directory.name, "refused"), (fifo, fifo.name, "refused"),
            (dangling, dangling.name, "refused"), (device, device.name, "refused"),
            (folder / "introuvable.pdf", "introuvable.pdf", "refused")]


def parse_phase(files, settings) -> dict:
    """Each file through the loader that add_files and the CLI use: outcome, French message, time."""
    from assistant.errors import DocumentRejected
    from assistant.loaders import load_user_file

    outcomes = {"accepted": 0, "refused": 0, "crashed": 0, "not_french": 0, "unexpected": 0}
    times, crashes, not_french, unexpected, slowest = [], [], [], [], []
    reasons: dict[str, int] = {}
    for path, name, expect in files:
        started = time.perf_counter()
        try:
            load_user_file(path, original_name=name, max_mb=settings.max_upload_mb, timeout_s=settings.parse_timeout_s,
                           memory_mb=settings.parse_memory_mb)
            outcome = "accepted"
        except DocumentRejected as exc:
            outcome = "refused"
            reason = exc.reason.split(" (")[0][:70]
            reasons[reason] = reasons.get(reason, 0) + 1
            if not _french_refusal(str(exc)):
                outcomes["not_french"] += 1
                not_french.append(f"{name[:60]!r}: {exc}")
        except Exception as exc:  # noqa: BLE001 - counting crashes is the point
            outcome = "crashed"
            crashes.append(f"{name[:60]!r}: {type(exc).__name__}: {exc}"[:300])
        times.append(time.perf_counter() - started)
        slowest = sorted(slowest + [(round(times[-1], 1), name[:40], outcome)], reverse=True)[:5]
        outcomes[outcome] += 1
        if expect in ("refused", "accepted") and outcome != expect:
            outcomes["unexpected"] += 1
            unexpected.append(f"{name[:60]!r}: {outcome}, attendu {expect}")
    return {**outcomes, "max_s": round(max(times, default=0), 2), "p95_s": round(percentile(times, 95), 2),
            "child_peak_mb": round(_child_peak_mb()), "reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
            "slowest": slowest, "crashes": crashes[:10], "not_french_examples": not_french[:10], "unexpected_examples": unexpected[:20]}


def _snapshot(assistant) -> tuple[int, list[list[str]]]:
    from assistant.retrieval import HybridRetriever

    retriever = HybridRetriever(assistant.kb, top_k=5)
    return len(assistant.documents()), [[",".join(p.chunk_ids) for p in retriever.search(q)] for q in REFERENCE_QUERIES]


def store_phase(files, assistant, batch: int = 50) -> dict:
    """add_files in batches: refused files add nothing; accepted ones, once removed, leave nothing."""
    from .integrity import check_store

    baseline = _snapshot(assistant)
    moved = leftovers = accepted_total = refused_total = crashes = 0
    problems = []
    for start in range(0, len(files), batch):
        group = files[start:start + batch]
        before = {d.doc_id for d in assistant.documents()}
        try:
            report = assistant.add_files([(path, name) for path, name, _ in group])
        except Exception as exc:  # noqa: BLE001
            crashes += 1
            problems.append(f"lot {start}: {type(exc).__name__}: {exc}"[:300])
            continue
        added = {d.doc_id for d in assistant.documents()} - before
        refused_total += len(report.rejected)
        accepted_total += len(group) - len(report.rejected)
        for doc_id in added:
            assistant.remove_document(doc_id)
        left = [c for c in assistant.kb.store.all_chunks() if c.doc_id in added]
        leftovers += len(left)
        if _snapshot(assistant) != baseline:
            moved += 1
            problems.append(f"lot {start}: la base ou les recherches de référence ont changé")
    integrity = check_store(assistant.kb)
    return {"batches": -(-len(files) // batch), "accepted": accepted_total, "refused": refused_total,
            "crashes": crashes, "batches_that_moved_the_store": moved, "chunks_left_after_removal": leftovers,
            "integrity_problems": integrity.problems, "problems": problems[:10]}


def cli_phase(files, settings, batch: int = 100) -> dict:
    """`aap ingest FILE…` in batches: exit 0 or 1, each refused file named with its French reason, no traceback."""
    aap = str(Path(sys.executable).parent / "aap")
    env = knowledge_env(settings)
    codes: dict[int, int] = {}
    tracebacks = unnamed = 0
    examples = []
    for start in range(0, len(files), batch):
        group = files[start:start + batch]
        result = subprocess.run([aap, "ingest", *[str(p) for p, _, _ in group]], env=env, capture_output=True,
                                text=True, timeout=3600)
        codes[result.returncode] = codes.get(result.returncode, 0) + 1
        output = result.stdout + result.stderr
        if "Traceback" in output:
            tracebacks += 1
            examples.append(output[-800:])
        refused = [line for line in output.splitlines() if "n'a pas été ajouté" in line]
        for line in refused:
            if not _french_refusal(line.removeprefix("Refusé : ").removeprefix("Erreur : ")):
                unnamed += 1
                examples.append(line[:200])
    return {"runs": -(-len(files) // batch), "exit_codes": codes, "tracebacks": tracebacks,
            "refusals_not_french": unnamed, "examples": examples[:5]}


def _sample(files: list, size: int | None, seed: int = 3) -> list:
    if size is None or size >= len(files):
        return files
    return random.Random(seed).sample(files, size)


def run(workdir: Path, fuzz: int = 1000, knowledge: str = "small", quick: bool = False, store_sample: int | None = None,
        cli_sample: int | None = None, log=print, **limits) -> dict:
    """Every file through the parser; `store_sample` / `cli_sample` of them (all by default) through add_files and
    the CLI. `quick` leaves out the slow known bad files (bombs, parses stopped by the time limit)."""
    from assistant import Assistant

    started = time.perf_counter()
    settings = settings_for(workdir, knowledge, **limits)
    fuzzed = [(p, n, "either") for p, n in badfiles.fuzzed(fuzz, workdir / "fuzz")]
    bad = badfiles.write_known_bad(workdir / "bad", quick=quick)
    special = special_files(workdir / "special")
    everything = fuzzed + bad + special
    log(f"  {len(fuzzed)} fichiers mutés, {len(bad)} fichiers piégés, {len(special)} cas spéciaux générés")
    parse = parse_phase(everything, settings)
    log(f"  analyse un par un : {parse['accepted']} acceptés, {parse['refused']} refusés, {parse['crashed']} plantages "
        f"({time.perf_counter() - started:.0f} s)")
    assistant = Assistant.from_settings(settings)
    assistant.ingest()
    store = store_phase(_sample(everything, store_sample), assistant)
    log(f"  par add_files : {store['accepted']} acceptés, {store['refused']} refusés "
        f"({time.perf_counter() - started:.0f} s)")
    result = {"fuzzed": len(fuzzed), "known_bad": len(bad), "special": len(special), "parse": parse, "store": store}
    if cli_sample != 0:
        cli_settings = settings_for(workdir / "cli", knowledge, **limits)
        result["cli"] = cli_phase(_sample(everything, cli_sample), cli_settings)
        log(f"  par la CLI : codes de sortie {result['cli']['exit_codes']} ({time.perf_counter() - started:.0f} s)")
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result
