"""Plan exports written for download, in a folder of the system's temporary directory pruned by age."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path

EXPORT_ROOT = Path(tempfile.gettempdir()) / "aap-assistant-exports"


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "plan"


def prune(root: Path, max_age_s: float) -> None:
    """Remove export folders older than `max_age_s` (Gradio keeps, and expires, its own copy of each file)."""
    if not root.is_dir():
        return
    limit = time.time() - max_age_s
    for folder in root.iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            pass


def write_exports(name: str, contents: dict[str, bytes | str], max_age_s: float, root: Path = EXPORT_ROOT
                  ) -> dict[str, Path]:
    """One fresh folder per export: {extension: path of « plan-<name>.<extension> »}."""
    prune(root, max_age_s)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="plan-", dir=root))
    paths = {}
    for extension, content in contents.items():
        path = folder / f"plan-{slug(name)}.{extension}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths[extension] = path
    return paths
