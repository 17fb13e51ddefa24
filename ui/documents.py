"""The « Documents » tab: add local documents to the knowledge base, list what it holds, remove an added one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import gradio as gr

from assistant import Assistant
from assistant.ingest_jobs import IngestJob
from assistant.users import Role, Users, may_remove

from .errors import french_errors
from .format import DOCUMENT_COLUMNS, document_rows, md_literal, upload_report
from .login import visitor
from .uploads import discard, upload_box

ACCEPTED = "PDF, DOCX, Markdown (.md) ou texte (.txt)"
READERS_NOTE = ("Votre compte est en lecture seule (rôle lecteur) : vous consultez la liste des documents ; "
                "l'ajout et le retrait sont réservés aux comptes éditeurs.")
NOT_AN_EDITOR = "Votre compte est en lecture seule (rôle lecteur) : seul un compte éditeur ajoute des documents."


POLL_S = 1.5  # how often a page with uploads in progress asks for their progress


def _visitor(request: gr.Request | None) -> str:
    """Whom the upload limits count for: the logged-in user, or this browser session without a login."""
    if request is None:
        return "anonyme"
    return request.username or request.session_hash or "anonyme"


def _job_report(job: IngestJob) -> str:
    """A finished request as the status shows it: the files added, those refused and why, the base's figures."""
    if job.report is None:
        return f"**✗** {md_literal(job.status_fr())}"
    rejected = job.report.rejected
    added = [n for n in job.names if not any(f"« {n} »" in r for r in rejected)]
    summary = (f"{len(added)} fichier(s) ajouté(s) : {job.report.chunks_added} passage(s) nouveau(x) ; "
               f"{job.report.total_chunks} passage(s) dans la base." if added else "")
    return upload_report(added, rejected, summary)


def _removable(assistant: Assistant, user: str = "", role: Role | None = Role.EDITOR) -> list[tuple[str, str]]:
    return [(f"{d.title} ({d.doc_id})", d.doc_id) for d in assistant.documents()
            if not d.from_knowledge and may_remove(user, role, d.added_by)]


@dataclass
class DocumentsTab:
    table: gr.Dataframe
    to_remove: gr.Dropdown
    refresh: Callable  # (request) -> the table, the dropdown and what the visitor's role shows: run on page load
    outputs: list  # what `refresh` updates


def build(assistant: Assistant, users: Users | None = None) -> DocumentsTab:
    max_mb = assistant.settings.max_upload_mb
    gr.Markdown(f"Ajoutez vos propres documents (diagnostic local, compte rendu de CLSPD…) : ils sont indexés comme "
                f"« document local » et cités dans les réponses comme les autres sources. Formats acceptés : "
                f"{ACCEPTED}, {max_mb} Mo au plus par fichier, {assistant.settings.upload_max_files} fichiers au plus "
                f"par envoi. L'ajout se fait en arrière-plan : sa progression s'affiche sous le bouton. Ils restent sur "
                f"ce poste.")
    readers_note = gr.Markdown(READERS_NOTE, visible=False, elem_id="aap-readers-note")
    # editors only: hidden until the page load has read the visitor's role (the callbacks check it again)
    with gr.Column(visible=users is None, elem_id="aap-document-adding") as adding:
        files = upload_box(label=f"Fichiers à ajouter ({ACCEPTED} ; {max_mb} Mo maximum chacun)", file_count="multiple",
                          elem_id="aap-upload")
        add = gr.Button("Ajouter à la base", variant="primary", elem_id="aap-add")
    status = gr.Markdown(elem_id="aap-upload-status")
    # column widths in pixels: a phone scrolls the table instead of wrapping it letter by letter
    table = gr.Dataframe(headers=DOCUMENT_COLUMNS, datatype=["str", "str", "str", "number", "str"],
                         column_widths=["200px", "520px", "150px", "100px", "210px"],
                         label="Documents de la base", interactive=False, wrap=True, elem_id="aap-documents")
    with gr.Row(visible=users is None) as removing:
        # a value outside the list (typed, or removed meanwhile in another session) reaches `remove_document`, which
        # answers in French (Gradio would refuse it in English)
        to_remove = gr.Dropdown([], label="Document ajouté à retirer", value=None, elem_id="aap-remove-choice",
                                allow_custom_value=True,
                                info="Seuls les documents que vous avez ajoutés peuvent être retirés ici.", scale=3)
        remove = gr.Button("Retirer ce document", variant="stop", elem_id="aap-remove")

    def listing(request: gr.Request | None = None):
        user, role = visitor(users, request)
        return document_rows(assistant.documents()), gr.update(choices=_removable(assistant, user, role), value=None)

    def refresh(request: gr.Request):
        role = visitor(users, request)[1]
        editor = role is not None and role.edits_documents
        return (*listing(request), gr.update(visible=editor), gr.update(visible=editor), gr.update(visible=not editor))

    jobs = assistant.ingestion_jobs  # built once with the app; its worker ingests one request at a time
    followed = gr.State({"jobs": [], "reported": []})  # this visitor's requests (ids), and those already reported
    poll = gr.Timer(POLL_S, active=False)

    @french_errors
    def add_files(paths: list[str] | None, seen: dict, request: gr.Request):
        """Only queues the files (refused whole past a limit) and returns at once: the worker ingests them."""
        user, role = visitor(users, request)
        if role is None or not role.edits_documents:
            discard(paths, assistant.settings.data_dir)
            raise gr.Error(NOT_AN_EDITOR)
        if not paths:
            raise gr.Error("Choisissez d'abord un ou plusieurs fichiers.")
        # the originals go once the worker has ingested or refused them; a request past a queue limit keeps its
        # files in the box, to send again in smaller parts (Gradio's scheduled cleanup removes them otherwise)
        job = jobs.submit(_visitor(request), [(Path(p), Path(p).name) for p in paths], added_by=user or None,
                          cleanup=partial(discard, list(paths), assistant.settings.data_dir))
        seen = {"jobs": (seen["jobs"] + [job.id])[-10:], "reported": seen["reported"][-10:]}
        return md_literal(job.status_fr()), None, seen, gr.Timer(active=True)

    @french_errors
    def follow(seen: dict, request: gr.Request):
        """The progress of this visitor's requests; when one has just finished, its report and the new listing."""
        states = [job for job in map(jobs.get, seen["jobs"]) if job is not None]
        fresh = [job for job in states if not job.pending and job.id not in seen["reported"]]
        status = "\n\n".join(_job_report(job) if not job.pending else md_literal(job.status_fr())
                              for job in states[-3:])
        rejected = sum(len(job.report.rejected) if job.report else len(job.files) for job in fresh)
        if rejected:
            gr.Warning(f"{rejected} fichier(s) refusé(s) : voir le détail sous le bouton.", title="Attention")
        seen = {"jobs": seen["jobs"], "reported": seen["reported"] + [job.id for job in fresh]}
        listing_update = listing(request) if fresh else (gr.skip(), gr.skip())
        return (status, *listing_update, seen, gr.Timer(active=any(job.pending for job in states)))

    @french_errors
    def remove_document(doc_id: str | None, request: gr.Request):
        user, role = visitor(users, request)
        if role is None:
            raise gr.Error(NOT_AN_EDITOR)
        if not doc_id:
            raise gr.Error("Choisissez le document à retirer.")
        if doc_id not in {value for _, value in _removable(assistant)}:
            raise gr.Error(f"« {doc_id} » n'est pas un document ajouté : choisissez-le dans la liste "
                           "« Document ajouté à retirer ».")
        if doc_id not in {value for _, value in _removable(assistant, user, role)}:
            raise gr.Error(f"Vous ne pouvez pas retirer « {doc_id} » : seul un éditeur, ou la personne qui l'a ajouté, "
                           "le peut.")
        removed = assistant.remove_document(doc_id)
        message = (f"Document « {md_literal(doc_id)} » retiré ({removed} passage(s))." if removed
                   else f"Le document « {md_literal(doc_id)} » n'est plus dans la base.")
        return (message, *listing(request))

    # neither event holds one of the question workers ("assistant"): each returns in a few milliseconds
    add.click(add_files, [files, followed], [status, files, followed, poll], api_visibility="private",
              concurrency_id="uploads", concurrency_limit=None)
    poll.tick(follow, followed, [status, table, to_remove, followed, poll], api_visibility="private",
              concurrency_id="upload-progress", concurrency_limit=None, show_progress="hidden")
    remove.click(remove_document, to_remove, [status, table, to_remove], api_visibility="private",
                 concurrency_id="assistant")
    return DocumentsTab(table=table, to_remove=to_remove, refresh=french_errors(refresh),
                        outputs=[table, to_remove, adding, removing, readers_note])
