"""Speed of the reviewer's checker alone, on an already ingested base (AAP_DATA_DIR):
`python -m benchmarks.grounding_speed`. The measures of the `grounding` section of `benchmarks/run.py`, without the
rest of its harness (docs/benchmarks.md, issue 14)."""

from __future__ import annotations

from assistant import Assistant

from .run import grounding_figures


def main() -> None:
    print("\n".join(grounding_figures(Assistant.from_settings())))


if __name__ == "__main__":
    main()
