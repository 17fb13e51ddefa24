"""Campaign 6 — offline and privacy. `python -m hardening privacy`

- Logs: a session (add a document, ask, draft, check, validate, remove) runs in this process with every log record
  captured, then through the CLI and through `aap serve` + `gradio_client`; unique secrets put in the document, the
  questions, the profile and the checked text must appear in no log record at the default level (WARNING) and in
  no server or CLI error output.
- Deletion: once a document is removed, none of its chunks is left (store, BM25, vector search), and its text is
  not left readable in the data folder's files.
- Network: the CLI and `aap serve` run under the socket guard (hardening/netguard.py): 0 outbound attempts.
  (The whole test suite runs under the same guard: tests/conftest.py.)
- Exposure (`exposure=True`, the full campaign; CI runs the same probes in tests/ui/test_served_guards.py): a served
  app with accounts, probed as an outsider or a colleague would (issue 15): URLs through the file and proxy routes,
  what of an upload still downloads, readers and same-name uploads, 40 wrong logins, the size limit's refusal, the
  upload folder's mode, the page's configuration, `aap serve --host 0.0.0.0` without accounts.
"""

from __future__ import annotations

import logging
import secrets as random_tokens
import subprocess
import sys
import time
from pathlib import Path

from . import netguard
from .common import ROOT, knowledge_env, settings_for
from .server import Served


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[tuple[int, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still a record
            message = str(record.msg)
        self.records.append((record.levelno, record.name, message + (record.exc_text or "")))


def make_secrets() -> dict[str, str]:
    return {kind: f"{kind.upper()}{random_tokens.token_hex(4).upper()}" for kind in
            ("document", "question", "profile", "check", "filename")}


def _note(workdir: Path, s: dict[str, str]) -> Path:
    path = workdir / f"note-{s['filename'].lower()}.md"
    path.write_text(f"# Situation confidentielle\n\nLe jeune {s['document']}, 14 ans, est approché par un réseau de "
                    "trafic près du collège ; la prévention spécialisée et la PJJ le suivent avec sa famille.\n",
                    encoding="utf-8")
    return path


def _profile(s: dict[str, str]) -> dict:
    return {"name": f"Commune de {s['profile']}", "kind": "commune", "population": 12000, "qpv_count": 1,
            "context": f"Un point de deal près du collège ; {s['profile']} signale des guetteurs de 13 ans.",
            "target_ages": "11-17", "priority_finalites": ["prevenir_entree"]}


def _leaks(text: str, s: dict[str, str]) -> list[str]:
    return [kind for kind, token in s.items() if kind != "filename" and token in text]


def in_process(workdir: Path, settings, s: dict[str, str]) -> dict:
    from assistant import Assistant
    from assistant.retrieval import Filters, HybridRetriever

    capture, root = Capture(), logging.getLogger()
    previous_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        assistant = Assistant.from_settings(settings)
        assistant.ingest()
        note = _note(workdir, s)
        assistant.add_files([note])
        doc_id = next(d.doc_id for d in assistant.documents() if d.source == note.name)
        assistant.ask(f"Que prévoit la prévention spécialisée pour le jeune {s['question']} approché par le trafic ?")
        assistant.ask(f"Qui suit le jeune {s['document']} ?")
        plan = assistant.draft(_profile(s))
        assistant.validate(plan)
        assistant.check(f"La commune de {s['check']} a déposé son dossier le 30 avril 2024 [1].")
        removed = assistant.remove_document(doc_id)
    finally:
        root.removeHandler(capture)
        root.setLevel(previous_level)
    default_level = [r for r in capture.records if r[0] >= logging.WARNING]
    all_leaks = [(logging.getLevelName(r[0]), r[1]) for r in capture.records if _leaks(r[2], s)]
    default_leaks = [(logging.getLevelName(r[0]), r[1]) for r in default_level if _leaks(r[2], s)]

    # what deleting left behind
    left_chunks = [c for c in assistant.kb.store.all_chunks() if c.doc_id == doc_id]
    left_bm25 = [i for i in assistant.kb.lexical.infos if i.doc_id == doc_id]
    retriever = HybridRetriever(assistant.kb, top_k=10)
    found = [p for p in retriever.search(f"jeune {s['document']} approché par un réseau") if p.doc_id == doc_id]
    found += [p for p in retriever.search("prévention spécialisée PJJ famille", filters=Filters(doc_id=doc_id))]
    on_disk = files_containing(Path(settings.data_dir), s["document"].encode())
    return {"log_records": len(capture.records), "records_at_default_level": len(default_level),
            "secrets_in_logs_at_default_level": len(default_leaks), "secrets_in_debug_logs": len(all_leaks),
            "debug_leak_loggers": sorted({name for _, name in all_leaks})[:10],
            "removed_chunks": removed, "chunks_left": len(left_chunks), "bm25_entries_left": len(left_bm25),
            "found_after_removal": len(found), "data_files_with_text_after_removal": on_disk}


def files_containing(folder: Path, needle: bytes) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            try:
                if needle in path.read_bytes():
                    hits.append(str(path.relative_to(folder)))
            except OSError:
                continue
    return hits


def through_cli(workdir: Path, settings, s: dict[str, str]) -> dict:
    aap = str(Path(sys.executable).parent / "aap")
    guard = workdir / "cli-netguard.jsonl"
    env = netguard.child_env(guard, knowledge_env(settings))
    note = _note(workdir, s)
    errors = ""
    commands = [["ingest", str(note)], ["ask", f"Qui suit le jeune {s['question']} ?"], ["documents"],
                ["remove", f"local-note-{s['filename'].lower()}"]]
    for command in commands:
        result = subprocess.run([aap, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        errors += result.stderr
    return {"commands": len(commands), "secrets_in_stderr": _leaks(errors, s),
            "outbound_attempts": len(netguard.read_attempts(guard))}


def through_server(workdir: Path, settings, s: dict[str, str]) -> dict:
    import json

    from gradio_client import Client

    client_log = workdir / "client-netguard.jsonl"
    with Served(settings, workdir) as server, netguard.redirected(client_log):
        netguard.install()
        client = Client(server.url, verbose=False)
        client.predict(f"Que prévoit la prévention spécialisée pour le jeune {s['question']} ?", "", api_name="/ask")
        client.predict(json.dumps(_profile(s)), api_name="/draft")
        client.predict(f"La commune de {s['check']} a déposé son dossier le 30 avril 2024 [1].", None,
                       api_name="/check")
        try:
            client.predict("{pas du json " + s["profile"], api_name="/draft")
        except Exception:  # noqa: BLE001 - the French refusal is expected
            pass
        time.sleep(1)
        output = server.stop()
        attempts = server.attempts()
    return {"server_output_lines": len(output.splitlines()), "secrets_in_server_output": _leaks(output, s),
            "server_outbound_attempts": len(attempts),
            "server_attempt_examples": [a["target"] for a in attempts[:5]],
            "client_outbound_attempts": len(netguard.read_attempts(client_log))}


URL_TARGETS = ["http://1.1.1.1/x.png", "https://example.org/x.png", "http%3A//1.1.1.1/x.png", "HTTP://1.1.1.1/x",
               "http%253A%252F%252F1.1.1.1%252Fx", "ftp://example.org/x", "//example.org/x.png", "file:///etc/passwd"]
ACCOUNTS = "alix:éditeur:a1;benoit:éditeur:b2;camille:lecteur:c3"


def probe_exposure(workdir: Path, settings) -> dict:
    import os
    import stat

    from .webapp import Visitor

    note = "# Note\n\nLe conseil local se réunit le premier mardi du mois.\n".encode()
    stale = settings.data_dir / "ui-temp" / "999999-ancien"
    stale.mkdir(parents=True, exist_ok=True)
    (stale / "vieux.pdf").write_bytes(b"%PDF-1.4")
    result: dict = {}
    with Served(settings, workdir, {"AAP_USERS": ACCOUNTS, "AAP_MAX_UPLOAD_MB": "1"}) as server:
        anonymous = Visitor(server.url)
        alix, benoit, camille = Visitor(server.url), Visitor(server.url), Visitor(server.url)
        for visitor, (user, password) in zip((alix, benoit, camille), (("alix", "a1"), ("benoit", "b2"),
                                                                      ("camille", "c3"))):
            assert visitor.login(user, password).status_code == 200
        statuses = [v.http.get(route + target).status_code for route in ("/gradio_api/file=", "/gradio_api/proxy=")
                    for target in URL_TARGETS for v in (anonymous, camille)]
        result["url_requests"], result["url_statuses"] = len(statuses), sorted(set(statuses))
        result["outbound_attempts"] = len(server.attempts())

        path = alix.uploaded_path("diagnostic.md", note)
        before = alix.get_file(path).status_code
        added = alix.add_files([alix.file_data(path, "diagnostic.md")])  # queued, followed to its report
        after_add = alix.get_file(path).status_code
        other = benoit.uploaded_path("diagnostic.md", note.replace(b"mardi", b"jeudi"))
        same_name = benoit.add_files([benoit.file_data(other, "diagnostic.md")])["status"]
        reader_file = camille.uploaded_path("lecture.md", note)
        reader_add = camille.add_files([camille.file_data(reader_file, "lecture.md")])
        reader_remove = camille.click("aap-remove", ["local-diagnostic"])
        removed = alix.click("aap-remove", ["local-diagnostic"])
        result["uploads"] = {
            "download_before_ingestion": before, "download_after_ingestion": after_add,
            "download_after_removal": alix.get_file(path).status_code,
            "added": "Ajouté(s) :** diagnostic.md" in added["status"],
            "removed": "retiré (" in removed["output"]["data"][0],
            "files_left_in_upload_folders": sorted(f"{p.name} ({p.stat().st_size} o)"
                                                   for p in (settings.data_dir / "ui-temp").rglob("*") if p.is_file()),
            "stale_folder_removed_at_start": not stale.exists(),
            "upload_folder_modes": sorted({oct(stat.S_IMODE(os.stat(p).st_mode))
                                           for p in (settings.data_dir / "ui-temp").rglob("*") if p.is_dir()}
                                          | {oct(stat.S_IMODE(os.stat(settings.data_dir / "ui-temp").st_mode))}),
        }
        result["roles"] = {
            "same_name_by_another_editor_refused": "déjà été ajouté par « alix »" in same_name,
            "reader_add_refused": not reader_add["success"], "reader_remove_refused": not reader_remove["success"],
            "reader_upload_left": Path(reader_file).exists(),
            "config_without_login": anonymous.http.get("/config").status_code,
        }
        config = alix.http.get("/config").text
        result["data_path_in_page_config"] = str(settings.data_dir.resolve()) in config
        too_large = alix.upload("gros.txt", b"x" * (1024 * 1024 + 10))
        result["size_limit"] = {"status": too_large.status_code, "body": too_large.text}
        started = time.perf_counter()
        logins = [anonymous.login("alix", f"faux{i}") for i in range(40)]
        result["wrong_logins"] = {
            "attempts": 40, "seconds": round(time.perf_counter() - started, 2),
            "checked_400": sum(r.status_code == 400 for r in logins),
            "refused_429": sum(r.status_code == 429 for r in logins),
            "messages": sorted({r.json()["detail"] for r in logins})[:3]}
        for visitor in (anonymous, alix, benoit, camille):
            visitor.close()
    refused = subprocess.run([str(Path(sys.executable).parent / "aap"), "serve", "--host", "0.0.0.0", "--port", "9"],
                             env={**knowledge_env(settings), "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
    result["serve_0.0.0.0_without_accounts"] = {"exit_code": refused.returncode,
                                                "warning": refused.stderr.strip()[:160]}
    return result


def run(workdir: Path, log=print, exposure: bool = False) -> dict:
    started = time.perf_counter()
    s = make_secrets()
    settings = settings_for(workdir / "session", "medium")
    result = {"in_process": in_process(workdir / "session", settings, s)}
    log(f"  session en mémoire : {result['in_process']}")
    cli_settings = settings_for(workdir / "cli", "small")
    result["cli"] = through_cli(workdir / "cli", cli_settings, s)
    log(f"  CLI : {result['cli']}")
    result["server"] = through_server(workdir / "session", settings, s)
    log(f"  serveur : {result['server']}")
    if exposure:
        result["exposure"] = probe_exposure(workdir / "exposure", settings_for(workdir / "exposure", "small"))
        log(f"  exposition : {result['exposure']}")
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result
