"""Uploads ingested in the background, one request at a time, from a bounded queue.

Adding files to the base (parse, split, embed, write under the store's lock) takes seconds to minutes; run in the web
app's request workers, two large uploads held both of them and every question waited (issue 15). Here a request only
*enqueues* its files and returns; one worker thread ingests the requests in order. Limits, each refused with a French
message that names it (nothing is half-accepted): files per request, requests waiting per user, requests waiting in
all. A request accepted stays in the queue until it is done; its progress can be read at any time.

>>> jobs = IngestJobs(lambda files, user, progress: assistant.add_files(files, progress=progress),
...                   max_files=10, per_user=3, total=20)                                        # doctest: +SKIP
>>> job = jobs.submit("camille", [(Path("envois/note.md"), "note.md")])                          # doctest: +SKIP
>>> jobs.get(job.id).status_fr()                                                                 # doctest: +SKIP
'En attente : 1 fichier (rang 1 dans la file).'
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from .embeddings import background_work
from .errors import AapError, InvalidInput, StoreLocked
from .knowledge_base import IngestReport, ProgressCallback

log = logging.getLogger("aap.ingest_jobs")

UserFile = tuple[Path, str]  # (path on disk, name the user gave it)
Ingest = Callable[[Sequence[UserFile], str | None, ProgressCallback], IngestReport]  # files, added_by, progress
KEEP_FINISHED = 500  # finished requests remembered for their status, oldest forgotten first
LOCK_RETRIES = 3  # another process (`aap ingest`) holding the store: wait and try again before giving up
LOCK_RETRY_WAIT_S = 5.0


class UploadRefused(InvalidInput):
    """A request past one of the queue's limits: refused whole, with the limit in French."""


class JobState(str, Enum):
    QUEUED = "en attente"
    RUNNING = "en cours"
    DONE = "terminé"
    FAILED = "échec"


@dataclass
class IngestJob:
    id: int
    user: str
    files: list[UserFile]
    state: JobState = JobState.QUEUED
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    encoded: int = 0  # passages and sentences encoded so far, of `to_encode`
    to_encode: int = 0
    report: IngestReport | None = None
    error: str = ""
    ahead: int = 0  # requests before this one, when it is waiting
    added_by: str | None = None  # the logged-in user the documents are recorded under (None: « anonyme »)
    cleanup: Callable[[], None] | None = field(default=None, repr=False)  # once ingested or refused (the originals)

    @property
    def names(self) -> list[str]:
        return [name for _, name in self.files]

    @property
    def pending(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    def status_fr(self) -> str:
        count = f"{len(self.files)} fichier{'s' if len(self.files) > 1 else ''}"
        if self.state is JobState.QUEUED:
            return f"En attente : {count} (rang {self.ahead + 1} dans la file)."
        if self.state is JobState.RUNNING:
            if self.to_encode:
                return f"Ajout en cours : {count}, encodage {self.encoded}/{self.to_encode} passages et phrases."
            return f"Ajout en cours : {count}, lecture et découpage."
        if self.state is JobState.FAILED:
            return f"Échec de l'ajout ({count}) : {self.error}"
        seconds = (self.finished or 0) - (self.started or 0)
        return f"Terminé : {count} traité{'s' if len(self.files) > 1 else ''} en {seconds:.0f} s."


class IngestJobs:
    """The queue and its one worker (a daemon thread, started with the first request)."""

    def __init__(self, ingest: Ingest, *, max_files: int, per_user: int, total: int):
        self._ingest = ingest
        self.max_files, self.per_user, self.total = max_files, per_user, total
        self._jobs: OrderedDict[int, IngestJob] = OrderedDict()
        self._ids = itertools.count(1)
        self._changed = threading.Condition()
        self._worker: threading.Thread | None = None

    def submit(self, user: str, files: Sequence[UserFile], *, added_by: str | None = None,
               cleanup: Callable[[], None] | None = None) -> IngestJob:
        """Queue one request (all its files, or none: `UploadRefused` says which limit it passed). `user`: whom the
        limits count for; `added_by`: whom the documents are recorded under; `cleanup`: run once the worker is done
        with the files (refused requests are not queued: the caller cleans up)."""
        files = [(Path(p), str(name)) for p, name in files]
        if not files:
            raise UploadRefused("Choisissez d'abord un ou plusieurs fichiers.")
        if len(files) > self.max_files:
            raise UploadRefused(f"{len(files)} fichiers envoyés d'un coup : {self.max_files} au plus par envoi. "
                                "Envoyez-les en plusieurs fois ; aucun n'a été ajouté.")
        with self._changed:
            waiting = [j for j in self._jobs.values() if j.pending]
            if sum(1 for j in waiting if j.user == user) >= self.per_user:
                raise UploadRefused(f"Vous avez déjà {self.per_user} envoi(s) en attente ou en cours : attendez "
                                    "qu'ils soient traités avant d'en ajouter ; ces fichiers n'ont pas été ajoutés.")
            if len(waiting) >= self.total:
                raise UploadRefused(f"La file des ajouts est pleine ({self.total} envois en attente) : réessayez dans "
                                    "quelques minutes ; ces fichiers n'ont pas été ajoutés.")
            job = IngestJob(id=next(self._ids), user=user, files=files, ahead=len(waiting), added_by=added_by,
                            cleanup=cleanup)
            self._jobs[job.id] = job
            self._forget_old()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="aap-ingest-jobs", daemon=True)
                self._worker.start()
            self._changed.notify_all()
        return job

    def get(self, job_id: int) -> IngestJob | None:
        """The request's current state (a copy: the worker goes on updating its own)."""
        with self._changed:
            job = self._jobs.get(job_id)
            return None if job is None else IngestJob(**vars(job))

    def pending(self) -> int:
        with self._changed:
            return sum(1 for j in self._jobs.values() if j.pending)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Until no request waits or runs (True), or `timeout` seconds (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: not any(j.pending for j in self._jobs.values()), timeout)

    # -- the worker ------------------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: any(j.state is JobState.QUEUED for j in self._jobs.values()))
                job = next(j for j in self._jobs.values() if j.state is JobState.QUEUED)
                job.state, job.started = JobState.RUNNING, time.monotonic()
                self._renumber()
                self._changed.notify_all()
            report, error = self._ingest_with_retries(job)
            if job.cleanup is not None:
                try:
                    job.cleanup()
                except Exception:  # noqa: BLE001 - a file left behind is cleaned at the next start
                    log.exception("nettoyage d'un ajout de documents")
            with self._changed:
                job.report, job.error = report, error
                job.state = JobState.FAILED if error else JobState.DONE
                job.finished = time.monotonic()
                self._changed.notify_all()

    def _ingest_with_retries(self, job: IngestJob) -> tuple[IngestReport | None, str]:
        def progress(done: int, total: int) -> None:
            job.encoded, job.to_encode = done, total

        for attempt in range(LOCK_RETRIES):
            try:
                with background_work():  # embedding at low priority: questions keep the processor and the model
                    return self._ingest(job.files, job.added_by, progress), ""
            except StoreLocked as exc:
                if attempt == LOCK_RETRIES - 1:
                    return None, str(exc)
                time.sleep(LOCK_RETRY_WAIT_S)
            except AapError as exc:
                return None, str(exc)
            except Exception:  # noqa: BLE001 - the worker must outlive any failure; the detail goes to the log
                log.exception("échec d'un ajout de documents")
                return None, "une erreur inattendue a interrompu l'ajout ; réessayez (le détail est dans le journal)."
        return None, ""

    def _renumber(self) -> None:
        for ahead, job in enumerate(j for j in self._jobs.values() if j.state is JobState.QUEUED):
            job.ahead = ahead + (1 if any(j.state is JobState.RUNNING for j in self._jobs.values()) else 0)

    def _forget_old(self) -> None:
        finished = [i for i, j in self._jobs.items() if not j.pending]
        for job_id in finished[:max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[job_id]
