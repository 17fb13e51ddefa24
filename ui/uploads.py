"""Where uploaded files wait, and how they go: a folder private to this server, emptied of what is ingested.

Gradio keeps uploads (and exports) under `GRADIO_TEMP_DIR`, by default one folder in the system's temp shared by
every Gradio app of the machine and readable by all its users. `private_temp_dir` gives this server its own folder
under the data folder (mode 0700), after removing what servers that are no longer running left there; Gradio's
`delete_cache` then removes old files on a schedule. `discard` deletes an upload once its text is in the base: the
original is not kept, so nothing of a removed document can be downloaded. `upload_box` is Gradio's file box
without the empty temporary file that Gradio 6 leaves in that folder for every file an event receives.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import gradio as gr
from gradio_client import utils as client_utils
from gradio.utils import NamedString, get_upload_folder

TEMP_FOLDER = "ui-temp"


def upload_box(**options) -> gr.File:
    """`gr.File(type="filepath", **options)` whose value is the uploaded file's path, and nothing more.

    Gradio 6.31's `File.preprocess` (filepath mode) creates an empty `NamedTemporaryFile` in the upload folder for
    every file an event receives, never uses it, and leaves it there (and open): one empty `tmp…` per upload, read or
    refused, until the folder is cleaned. (Not a subclass: Gradio writes a `.pyi` stub beside the module of every
    component class when it is defined.)"""
    box = gr.File(type="filepath", **options)
    gradio_process = box._process_single_file

    def path_only(f):
        if not box.file_types or client_utils.is_valid_file(f.path, box.file_types):
            return NamedString(f.path)
        return gradio_process(f)  # Gradio's refusal of a file type

    box._process_single_file = path_only
    return box


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def private_temp_dir(data_dir: Path) -> Path:
    """A new 0700 folder `<data_dir>/ui-temp/<pid>-…` for this server; those of stopped servers are removed."""
    root = Path(data_dir) / TEMP_FOLDER
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    for folder in root.iterdir():
        owner = folder.name.split("-", 1)[0]
        if not (owner.isdigit() and _running(int(owner))):
            shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink(missing_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))


def use_private_temp_dir(data_dir: Path) -> Path:
    """Point Gradio's uploads and exports to this server's own folder (read by Gradio when an app is created).

    One folder per process: Gradio reads the variable again when it checks an upload, so a second app served by the
    same process (tests do) keeps the first one's folder rather than making the first app's uploads foreign."""
    current = Path(os.environ.get("GRADIO_TEMP_DIR", "."))
    if current.parent.name == TEMP_FOLDER and current.name.startswith(f"{os.getpid()}-") and current.is_dir():
        return current
    folder = private_temp_dir(data_dir)
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder


def discard(paths: list[str] | None, data_dir: Path) -> None:
    """Delete uploaded files (and their emptied folder); paths outside Gradio's upload folder (the current one, or
    any server's under the data folder) are left alone."""
    servers = (Path(data_dir) / TEMP_FOLDER).resolve()
    roots = {Path(get_upload_folder()).resolve(), servers}
    for path in paths or []:
        file = Path(path).resolve()
        if not any(root in file.parents for root in roots):
            continue
        file.unlink(missing_ok=True)
        if file.parent in roots or file.parent.parent == servers:
            continue  # a server's own folder stays
        try:
            file.parent.rmdir()  # Gradio gives each upload its own folder
        except OSError:
            pass  # not empty: another file of the same upload still waits
