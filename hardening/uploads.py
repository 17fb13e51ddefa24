"""Campaign 4b — load with uploads (issue 15). `python -m hardening uploads [--quick]`

Simulated users ask questions through `gradio_client` (/ask, 2 to 8 s of reading between two), for `minutes` and
until every upload is over, while editors add files through the Documents tab, as the page does: the add event,
then its progress event until the report. Each editor sends its files one request at a time: a 1 MB text on one line without punctuation,
a large PDF (many pages, generated here), then small notes. Measured: errors, question latency (overall, and while an
upload waits or runs), each upload's outcome and duration, the server's memory, the load average at start and end.
`cap_minutes` (`--cap-minutes`) stops the campaign at that time even if uploads still run: the files not added by
then are listed as unfinished, and the questions' figures cover the whole upload window up to the cap.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

from .common import percentile, settings_for
from .load import QUESTIONS, Recorder, _call
from .server import Served

PDF_LINE = ("La cellule de veille du quartier {page} examine la situation des jeunes exposés au trafic, ligne {line}, "
            "avec la prévention spécialisée et le collège.")


def large_pdf(path: Path, pages: int) -> Path:
    """A text PDF of `pages` pages of 48 lines each (reportlab, as `docgen` writes its PDFs)."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.setTitle(f"Rapport d'activité de {pages} pages")
    for page in range(pages):
        pdf.setFont("Helvetica", 8)
        for line in range(48):
            pdf.drawString(30, 800 - line * 16, PDF_LINE.format(page=page, line=line))
        pdf.showPage()
    pdf.save()
    return path


def editor_files(folder: Path, editor: int, count: int, text_bytes: int, pdf_pages: int) -> list[Path]:
    from benchmarks.upload_speed import megabyte_texts

    folder.mkdir(parents=True, exist_ok=True)
    one_line = megabyte_texts(folder, text_bytes)[0].rename(folder / f"note-{editor}-sans-ponctuation.md")
    files = [one_line, large_pdf(folder / f"rapport-{editor}.pdf", pdf_pages)]
    for i in range(max(0, count - 2)):
        note = folder / f"compte-rendu-{editor}-{i:02d}.md"
        note.write_text(f"# Compte rendu {editor}-{i}\n\n" + " ".join(
            f"Le groupe de travail {editor}-{i} a suivi l'action de prévention numéro {j} avec les éducateurs."
            for j in range(20)) + "\n", encoding="utf-8")
        files.append(note)
    return files[:count]


def _asker(url: str, recorder: Recorder, stop: threading.Event, seed: int) -> None:
    """A user who asks questions (through /ask, as `load` does), 2 to 8 s of reading between two."""
    import random

    from gradio_client import Client

    rng = random.Random(seed)
    client = Client(url, verbose=False)
    while not stop.is_set():
        _call(client, recorder, "ask", {})
        stop.wait(rng.uniform(2, 8))


class UploadRecorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.uploads: list[dict] = []
        self.running: dict[str, dict] = {}  # file name -> its start and size, while the editor waits for its report

    def begin(self, path: Path, start: float) -> None:
        with self.lock:
            self.running[path.name] = {"file": path.name, "bytes": path.stat().st_size, "start": start}

    def add(self, **upload) -> None:
        with self.lock:
            self.running.pop(upload["file"], None)
            self.uploads.append(upload)

    def snapshot(self, now: float) -> tuple[list[dict], list[dict]]:
        """The finished uploads, and the running ones as unfinished at `now` (the campaign's cap)."""
        with self.lock:
            unfinished = [{**u, "seconds": now - u["start"], "outcome": "inachevé", "status": ""}
                          for u in self.running.values()]
            return list(self.uploads), unfinished


def upload_windows(uploads: list[dict]) -> list[tuple[float, float]]:
    return [(u["start"], u["start"] + u["seconds"]) for u in uploads]


def _endpoints(client) -> tuple[int, int]:
    """The add event and the progress event of the Documents tab (private to the page: driven as the page does)."""
    components = {c.get("props", {}).get("elem_id"): c["id"] for c in client.config["components"]}
    add = progress = None
    for index, endpoint in client.endpoints.items():
        targets = endpoint.dependency.get("targets", [])
        if any(t[0] == components["aap-add"] for t in targets):
            add = index
        elif any(t[1] == "tick" for t in targets):
            progress = index
    for index in (add, progress):
        client.endpoints[index].is_valid = True
    return add, progress


def outcome_of(status: str, name: str, failures_before: int = 0) -> str | None:
    """What the Documents tab's status says of the file `name`: « ajouté », « refusé », or None while it waits. The
    status shows this visitor's last three requests: the report of the previous file, still there, is not this one's."""
    plain = status.replace("\\", "")  # the names are Markdown-escaped
    if re.search(r"✓ Ajouté\(s\) :\*\* [^\n]*" + re.escape(name), plain):
        return "ajouté"
    if f"« {name} »" in plain or plain.count("Échec de l'ajout") > failures_before:
        return "refusé"
    return None


def _editor(url: str, files: list[Path], recorder: UploadRecorder, poll_s: float = 1.5,
            limit_s: float = 3600) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    add, progress = _endpoints(client)
    failures = 0
    for path in files:
        started = time.monotonic()
        recorder.begin(path, started)
        outcome, status = "erreur", ""
        try:
            status = client.predict([handle_file(str(path))], fn_index=add)[0]
            while time.monotonic() - started < limit_s:
                time.sleep(poll_s)
                status = client.predict(fn_index=progress)[0] or status
                outcome = outcome_of(status, path.name, failures) or outcome
                if outcome != "erreur":
                    failures = status.count("Échec de l'ajout")
                    break
            else:
                outcome = "trop long"
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            status = f"{type(exc).__name__}: {exc}"[:300]
        recorder.add(file=path.name, bytes=path.stat().st_size, start=started, seconds=time.monotonic() - started,
                     outcome=outcome, status=status[-300:])


def run(workdir: Path, users: int = 20, minutes: float = 5, editors: int = 2, files: int = 10,
        text_bytes: int = 1_000_000, pdf_pages: int = 300, knowledge: str = "medium", cap_minutes: float | None = None,
        log=print) -> dict:
    settings = settings_for(workdir, knowledge)
    from assistant import Assistant

    Assistant.from_settings(settings).ingest()
    batches = [editor_files(workdir / f"editor-{e}", e, files, text_bytes, pdf_pages) for e in range(editors)]
    questions, uploads = Recorder(), UploadRecorder()
    memory: list[float] = []
    load_start = os.getloadavg()
    with Served(settings, workdir) as server:
        started = time.monotonic()
        stop_at, stop = started + minutes * 60, threading.Event()
        cap_at = started + cap_minutes * 60 if cap_minutes else float("inf")
        askers = [threading.Thread(target=_asker, args=(server.url, questions, stop, i), daemon=True)
                  for i in range(users)]
        uploaders = [threading.Thread(target=_editor, args=(server.url, batch, uploads), daemon=True)
                     for batch in batches]
        for thread in askers + uploaders:
            thread.start()
            time.sleep(0.2)
        # users ask until both editors end, or until the cap
        while (time.monotonic() < stop_at or any(t.is_alive() for t in uploaders)) and time.monotonic() < cap_at:
            memory.append(server.rss_mb())
            time.sleep(2)
        ended = time.monotonic()
        sent, unfinished = uploads.snapshot(ended)
        stop.set()
        for thread in askers:
            thread.join(600)
        uploads_done_s = ended - started
        load_end = os.getloadavg()
        server.stop()
        attempts = server.attempts()
    calls = [c for c in questions.calls if c["start"] <= ended]  # not those cut by the server's stop at the cap
    ok = [c for c in calls if not c["error"]]
    windows = upload_windows(sent + unfinished)
    during = [c for c in ok if any(a <= c["start"] <= b for a, b in windows)]
    asks = [c["seconds"] for c in ok if c["kind"] == "ask"]
    asks_during = [c["seconds"] for c in during if c["kind"] == "ask"]
    result = {
        "users": users, "minutes": minutes, "editors": editors, "files_per_editor": files, "text_bytes": text_bytes,
        "pdf_pages": pdf_pages, "knowledge": knowledge, "calls": len(calls),
        "errors": sum(1 for c in calls if c["error"]), "error_examples": [c["error"] for c in calls if c["error"]][:5],
        "questions": len(asks), "questions_p50_s": round(percentile(asks, 50), 2),
        "questions_p95_s": round(percentile(asks, 95), 2), "questions_max_s": round(max(asks, default=0), 2),
        "during_uploads": {"calls": len(during), "questions": len(asks_during), "questions_p95_s": round(percentile(asks_during, 95), 2),
                           "calls_p95_s": round(percentile([c["seconds"] for c in during], 95), 2)},
        "all_calls_p95_s": round(percentile([c["seconds"] for c in ok], 95), 2),
        "uploads": {"files": len(sent), "added": sum(u["outcome"] == "ajouté" for u in sent),
                    "refused": [f"{u['file']} : {u['status']}" for u in sent if u["outcome"] == "refusé"],
                    "errors": [f"{u['file']} : {u['outcome']} {u['status']}" for u in sent
                               if u["outcome"] not in ("ajouté", "refusé")],
                    "unfinished": [f"{u['file']} : en cours depuis {u['seconds']:.0f} s" for u in unfinished],
                    "not_started": editors * files - len(sent) - len(unfinished),
                    "seconds_by_file": {u["file"]: round(u["seconds"], 1) for u in sent},
                    "all_done_after_s": round(uploads_done_s, 1)},
        "capped": ended >= cap_at, "cap_minutes": cap_minutes,
        "load_average_start": [round(x, 2) for x in load_start], "load_average_end": [round(x, 2) for x in load_end],
        "memory_mb_max": round(max(memory, default=0), 1), "server_outbound_attempts": len(attempts),
    }
    log(f"  {len(calls)} appels, {len(sent)} fichiers envoyés en {uploads_done_s:.0f} s")
    return result
