"""`python -m hardening [CAMPAIGN…] [--quick]`: run the hardening campaigns, print their figures, save them as JSON.

Campaigns: injection, conflicts, html, files, load, uploads, crashes, privacy, properties (default: all, in that order
of cost-free first). Full sizes by default; `--quick` runs the short CI sizes. Each campaign works in its own temporary folder
(removed afterwards unless --keep) and ends by itself. Figures go to build/harden/<campaign>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (full sizes, quick sizes) per campaign; imports stay inside the functions: spawned parse children re-import this.
SIZES = {
    "injection": ({"docs": 216, "knowledge": "full", "llm_every": 5}, {"docs": 12, "knowledge": "small", "llm_every": 3,
                                                                                      "llm_offset": 1}),
    "html": ({"count": None}, {"count": 20, "questions_every": 4}),
    "files": ({"fuzz": 1000}, {"fuzz": 30, "quick": True, "store_sample": 20, "cli_sample": 15,
                                "parse_timeout_s": 10}),
    "crashes": ({"rounds": 50}, {"rounds": 3, "files": 4, "writer": False}),
    "privacy": ({"exposure": True}, {}),
    "load": ({"users": 20, "minutes": 10, "burst": 100}, {"users": 4, "minutes": 0.5, "burst": 20, "queue_size": 5}),
    "uploads": ({"users": 20, "minutes": 5, "editors": 2, "files": 10},
                {"users": 3, "minutes": 0.25, "editors": 2, "files": 2, "text_bytes": 50_000, "pdf_pages": 4,
                 "knowledge": "small"}),
    "properties": ({"examples": 3000}, {"examples": 150}),
    "conflicts": ({"docs": 50, "agreeing": 10}, {"docs": 10, "agreeing": 4}),
}
ORDER = ["properties", "injection", "conflicts", "files", "crashes", "privacy", "html", "load", "uploads"]


def run_properties(workdir: Path, examples: int, log=print) -> dict:
    started = time.perf_counter()
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "unit").glob("test_properties*.py"))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT,
                            env={**__import__("os").environ, "HARDEN_EXAMPLES": str(examples)},
                            capture_output=True, text=True)
    summary = (result.stdout.strip().splitlines() or [""])[-1]
    log(f"  {summary}")
    return {"examples_per_property": examples, "exit_code": result.returncode, "summary": summary,
            "failures": [line for line in result.stdout.splitlines() if line.startswith("FAILED")][:10],
            "seconds": round(time.perf_counter() - started, 1)}


def campaign(name: str):
    if name == "properties":
        return run_properties
    module = __import__(f"hardening.{name}", fromlist=["run"])
    return module.run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hardening", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("campaigns", nargs="*", metavar="CAMPAIGN",
                        help=f"parmi {', '.join(ORDER)} (défaut : toutes)")
    parser.add_argument("--quick", action="store_true", help="tailles courtes (celles de la CI)")
    parser.add_argument("--keep", action="store_true", help="garder les dossiers de travail")
    parser.add_argument("--cap-minutes", type=float, metavar="MIN",
                        help="uploads : arrêter au bout de MIN minutes même si des ajouts tournent encore "
                             "(fichiers inachevés listés)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "harden", help="dossier des résultats JSON")
    args = parser.parse_args(argv)
    unknown = [c for c in args.campaigns if c not in ORDER]
    if unknown:
        parser.error(f"campagne(s) inconnue(s) : {', '.join(unknown)} (campagnes : {', '.join(ORDER)})")
    from assistant.offline import enforce_offline

    enforce_offline()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.campaigns or ORDER:
        sizes = SIZES[name][1 if args.quick else 0]
        if args.cap_minutes and name == "uploads":
            sizes = {**sizes, "cap_minutes": args.cap_minutes}
        workdir = Path(tempfile.mkdtemp(prefix=f"harden-{name}-"))
        print(f"== {name} ({'court' if args.quick else 'complet'} : {sizes}) dans {workdir}", flush=True)
        started = time.perf_counter()
        try:
            result = campaign(name)(workdir, **sizes, log=lambda m: print(m, flush=True))
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        result = {"campaign": name, "quick": args.quick, "sizes": sizes,
                  "command": f"python -m hardening {name}{' --quick' if args.quick else ''}"
                             + (f" --cap-minutes {args.cap_minutes:g}" if "cap_minutes" in sizes else ""),
                  "wall_seconds": round(time.perf_counter() - started, 1), **result}
        (args.out / f"{name}{'-quick' if args.quick else ''}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str)[:4000], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
