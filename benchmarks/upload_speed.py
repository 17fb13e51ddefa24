"""The ingestion of a user's 1 MB text next to the bare embedding of what it must embed (issue 15):
`python -m benchmarks.upload_speed [--data DIR]` (the `upload` section of `make bench`; docs/benchmarks.md).

Two files of about 1 MB: one line of words without any punctuation (the file that took 41.6 s to split and held the
write lock 552 s), and the same words in sentences. For each: the whole `Assistant.add_files` (parse child, split,
embed, write, BM25 and sentence index), then the bare embedding of exactly the texts it embedded (its passages and
their sentences), with the same model and batch size. The ratio is what ingestion adds to the embedding it cannot
avoid; the target is 1.2 at most. `--background` also times the ingestion as the web app's upload worker runs it
(`background_work`: its own engine, at the lowest CPU priority, in batches of 4); `--only une-ligne` keeps one file.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from assistant import Assistant, Settings
from assistant.chunking import split_document
from assistant.embeddings import background_work
from assistant.loaders import load_user_file
from assistant.offline import enforce_offline
from assistant.sentence_vectors import indexed_sentences

WORDS = ("prévention jeunes trafic quartier commune partenaires action éducation parents collège médiation "
         "insertion chantier éducatif animateurs famille réseau guetteurs point de deal soutien").split()


def megabyte_texts(folder: Path, size: int = 1_000_000) -> list[Path]:
    rng = random.Random(15)
    words, length = [], 0
    while length < size:
        words.append(rng.choice(WORDS))
        length += len(words[-1]) + 1
    one_line = folder / "note-sans-ponctuation.md"
    one_line.write_text(" ".join(words)[:size] + "\n", encoding="utf-8")
    sentences = folder / "rapport-en-phrases.txt"
    text = " ".join(" ".join(words[i:i + 14]).capitalize() + "." for i in range(0, len(words), 14))
    sentences.write_text(text[:size] + "\n", encoding="utf-8")
    return [one_line, sentences]


TEXTS = ("une-ligne", "phrases")  # the two files of `megabyte_texts`, in its order


def upload_figures(assistant: Assistant, folder: Path, size: int = 1_000_000, log=None, texts=TEXTS,
                   background: bool = False) -> list[str]:
    settings, embeddings = assistant.settings, assistant.kb.embeddings
    lines = []
    for name, path in zip(TEXTS, megabyte_texts(folder, size)):
        if name not in texts:
            continue
        start = time.perf_counter()
        report = assistant.add_files([(path, path.name)])
        ingest_s = time.perf_counter() - start
        doc = load_user_file(path, max_mb=settings.max_upload_mb, timeout_s=settings.parse_timeout_s,
                             memory_mb=settings.parse_memory_mb)
        chunks = split_document(doc)
        sentences = list(dict.fromkeys(s for c in chunks for s in indexed_sentences(c.text, c.section)))
        start = time.perf_counter()
        embeddings.embed_documents_with_progress([c.indexed_text for c in chunks])
        chunks_s = time.perf_counter() - start
        start = time.perf_counter()
        embeddings.embed_documents_with_progress(sentences[:report.sentences_added])
        sentences_s = time.perf_counter() - start
        bare_s = chunks_s + sentences_s
        lines.append(
            f"« {path.name} » ({path.stat().st_size / 1e6:.2f} Mo) : {report.chunks_added} passages, "
            f"{report.sentences_added} phrases ; ingestion {ingest_s:.1f} s (dont encodage {report.embedding_seconds:.1f} s) ; "
            f"encodage seul des mêmes textes {bare_s:.1f} s (passages {chunks_s:.1f} s, phrases {sentences_s:.1f} s) : "
            f"rapport {ingest_s / bare_s:.2f} ; aux passages seuls {ingest_s / chunks_s:.2f} ; {_load()}.")
        assistant.remove_document(doc.doc_id)
        if log:  # now: the background part can take much longer on a busy machine
            log(lines[-1])
        if background:
            start = time.perf_counter()
            with background_work():
                again = assistant.add_files([(path, path.name)])
            background_s = time.perf_counter() - start
            lines[-1] += (f" Ajout en arrière-plan, comme dans l'application : {background_s:.1f} s (dont encodage "
                          f"{again.embedding_seconds:.1f} s, {again.chunks_added} passages), rapport "
                          f"{background_s / bare_s:.2f} ; {_load()}.")
            assistant.remove_document(doc.doc_id)
            if log:
                log(lines[-1])
    return lines


def _load() -> str:
    """The machine's load average (1 min), beside each figure: the background part yields to every other program."""
    return f"charge moyenne {os.getloadavg()[0]:.1f}".replace(".", ",")


def main() -> None:
    enforce_offline()
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, help="dossier de données (par défaut : une base vide, temporaire)")
    parser.add_argument("--size", type=int, default=1_000_000, help="taille des deux textes, en octets")
    parser.add_argument("--only", choices=TEXTS, help="un seul des deux textes")
    parser.add_argument("--background", action="store_true",
                        help="mesurer aussi l'ajout tel que l'application le fait (arrière-plan, priorité basse)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=args.data or Path(tmp) / "data", _env_file=None)
        upload_figures(Assistant.from_settings(settings), Path(tmp), args.size, log=lambda line: print(line, flush=True),
                       texts=(args.only,) if args.only else TEXTS, background=args.background)


if __name__ == "__main__":
    main()
