"""Figures of the LLM mode against a real model server (docs/benchmarks.md): time per answer and per plan, the
structured-output method the server took, and the share of plans valid without catalogue completion.

Run (a model server on the loopback, and an ingested data folder):
    python -m benchmarks.llm_server --base-url http://127.0.0.1:8081/v1 --model qwen-test --data DIR
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assistant import Assistant, Settings
from assistant.plans.generative import COMPLETED_NOTE

PROFILES = ["petite-ville", "grande-ville", "intercommunalite-rurale", "bourg-rural-12-mois"]
QUESTIONS = ["Qui peut candidater à cet appel à projets ?", "Quels acteurs faut-il mobiliser selon l'appel ?",
             "Jusqu'à quand peut-on déposer le dossier ?"]
PROFILES_DIR = Path(__file__).resolve().parent.parent / "examples" / "profiles"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--structured", default="auto")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    args = parser.parse_args()
    settings = Settings(_env_file=None, data_dir=args.data, llm_provider="openai", llm_model=args.model,
                        llm_base_url=args.base_url, llm_timeout_s=args.timeout, llm_structured=args.structured)
    assistant = Assistant.from_settings(settings)
    for question in QUESTIONS[:args.questions]:
        start = time.monotonic()
        answer = assistant.ask(question)
        print(json.dumps({"kind": "answer", "question": question, "seconds": round(time.monotonic() - start, 1),
                          "mode": answer.mode, "citations": len(answer.citations), "notice": answer.notice},
                         ensure_ascii=False), flush=True)
    for name in [p for p in args.profiles.split(",") if p]:
        start = time.monotonic()
        plan = assistant.draft(PROFILES_DIR / f"{name}.yaml")
        caller = assistant.planner.llm.caller
        completed = sum(1 for a in plan.actions if a.note == COMPLETED_NOTE)
        from_model = sum(1 for a in plan.actions if a.origin == "llm")
        print(json.dumps({"kind": "plan", "profile": name, "seconds": round(time.monotonic() - start, 1),
                          "method": caller.method, "refused": caller.refused, "mode": plan.mode,
                          "model_actions": from_model, "completed_actions": completed,
                          "valid_without_completion": plan.mode != "catalogue" and completed == 0,
                          "notice": plan.notice}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
