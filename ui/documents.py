"""The « Documents » tab: add local documents to the knowledge base, list what it holds, remove an added one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant import Assistant
from assistant.users import Role, Users, may_remove

from .errors import french_errors
from .format import DOCUMENT_COLUMNS, document_rows, md_literal, upload_report
from .login import visitor
from .uploads import discard

ACCEPTED = "PDF, DOCX, Markdown (.md) ou texte (.txt)"
READERS_NOTE = ("Votre compte est en lecture seule (rôle lecteur) : vous consultez la liste des documents ; "
                "l'ajout et le retrait sont réservés aux comptes éditeurs.")
NOT_AN_EDITOR = "Votre compte est en lecture seule (rôle lecteur) : seul un compte éditeur ajoute des documents."


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
                f"{ACCEPTED}, {max_mb} Mo au plus par fichier. Ils restent sur ce poste.")
    readers_note = gr.Markdown(READERS_NOTE, visible=False, elem_id="aap-readers-note")
    # editors only: hidden until the page load has read the visitor's role (the callbacks check it again)
    with gr.Column(visible=users is None, elem_id="aap-document-adding") as adding:
        files = gr.File(label=f"Fichiers à ajouter ({ACCEPTED} ; {max_mb} Mo maximum chacun)", file_count="multiple",
                        type="filepath", elem_id="aap-upload")
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

    @french_errors
    def add_files(paths: list[str] | None, request: gr.Request):
        try:
            return _add_files(paths, request)
        finally:
            discard(paths, assistant.settings.data_dir)  # ingested or refused, the original is not kept

    def _add_files(paths: list[str] | None, request: gr.Request):
        user, role = visitor(users, request)
        if role is None or not role.edits_documents:
            raise gr.Error(NOT_AN_EDITOR)
        if not paths:
            raise gr.Error("Choisissez d'abord un ou plusieurs fichiers.")
        report = assistant.add_files([(Path(p), Path(p).name) for p in paths], added_by=user or None)
        added = len(paths) - len(report.rejected)
        summary = (f"{added} fichier(s) ajouté(s) : {report.chunks_added} passage(s) nouveau(x) ; "
                   f"{report.total_chunks} passage(s) dans la base." if added else "")
        if report.rejected:
            gr.Warning(f"{len(report.rejected)} fichier(s) refusé(s) : voir le détail sous le bouton.", title="Attention")
        names = [Path(p).name for p in paths if not any(f"« {Path(p).name} »" in r for r in report.rejected)]
        return (upload_report(names if added else [], report.rejected, summary), None, *listing(request))

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

    add.click(add_files, files, [status, files, table, to_remove], api_visibility="private",
              concurrency_id="assistant")
    remove.click(remove_document, to_remove, [status, table, to_remove], api_visibility="private",
                 concurrency_id="assistant")
    return DocumentsTab(table=table, to_remove=to_remove, refresh=french_errors(refresh),
                        outputs=[table, to_remove, adding, removing, readers_note])
