"""The « Documents » tab: add local documents to the knowledge base, list what it holds, remove an added one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant import Assistant

from .errors import french_errors
from .format import DOCUMENT_COLUMNS, document_rows, md_literal, upload_report

ACCEPTED = "PDF, DOCX, Markdown (.md) ou texte (.txt)"


def _removable(assistant: Assistant) -> list[tuple[str, str]]:
    return [(f"{d.title} ({d.doc_id})", d.doc_id) for d in assistant.documents() if not d.from_knowledge]


@dataclass
class DocumentsTab:
    table: gr.Dataframe
    to_remove: gr.Dropdown
    refresh: Callable  # () -> (table rows, dropdown update): run when the page loads


def build(assistant: Assistant) -> DocumentsTab:
    max_mb = assistant.settings.max_upload_mb
    gr.Markdown(f"Ajoutez vos propres documents (diagnostic local, compte rendu de CLSPD…) : ils sont indexés comme "
                f"« document local » et cités dans les réponses comme les autres sources. Formats acceptés : "
                f"{ACCEPTED}, {max_mb} Mo au plus par fichier. Ils restent sur ce poste.")
    files = gr.File(label=f"Fichiers à ajouter ({ACCEPTED} ; {max_mb} Mo maximum chacun)", file_count="multiple",
                    type="filepath", elem_id="aap-upload")
    add = gr.Button("Ajouter à la base", variant="primary", elem_id="aap-add")
    status = gr.Markdown(elem_id="aap-upload-status")
    # column widths in pixels: a phone scrolls the table instead of wrapping it letter by letter
    table = gr.Dataframe(headers=DOCUMENT_COLUMNS, datatype=["str", "str", "str", "number", "str"],
                         column_widths=["200px", "520px", "150px", "100px", "210px"],
                         label="Documents de la base", interactive=False, wrap=True, elem_id="aap-documents")
    with gr.Row():
        # a value outside the list (typed, or removed meanwhile in another session) reaches `remove_document`, which
        # answers in French (Gradio would refuse it in English)
        to_remove = gr.Dropdown([], label="Document ajouté à retirer", value=None, elem_id="aap-remove-choice",
                                allow_custom_value=True,
                                info="Seuls les documents que vous avez ajoutés peuvent être retirés ici.", scale=3)
        remove = gr.Button("Retirer ce document", variant="stop", elem_id="aap-remove")

    def listing():
        return document_rows(assistant.documents()), gr.update(choices=_removable(assistant), value=None)

    @french_errors
    def add_files(paths: list[str] | None):
        if not paths:
            raise gr.Error("Choisissez d'abord un ou plusieurs fichiers.")
        report = assistant.add_files([(Path(p), Path(p).name) for p in paths])
        added = len(paths) - len(report.rejected)
        summary = (f"{added} fichier(s) ajouté(s) : {report.chunks_added} passage(s) nouveau(x) ; "
                   f"{report.total_chunks} passage(s) dans la base." if added else "")
        if report.rejected:
            gr.Warning(f"{len(report.rejected)} fichier(s) refusé(s) : voir le détail sous le bouton.", title="Attention")
        names = [Path(p).name for p in paths if not any(f"« {Path(p).name} »" in r for r in report.rejected)]
        return (upload_report(names if added else [], report.rejected, summary), None, *listing())

    @french_errors
    def remove_document(doc_id: str | None):
        if not doc_id:
            raise gr.Error("Choisissez le document à retirer.")
        if doc_id not in {value for _, value in _removable(assistant)}:
            raise gr.Error(f"« {doc_id} » n'est pas un document ajouté : choisissez-le dans la liste "
                           "« Document ajouté à retirer ».")
        removed = assistant.remove_document(doc_id)
        message = (f"Document « {md_literal(doc_id)} » retiré ({removed} passage(s))." if removed
                   else f"Le document « {md_literal(doc_id)} » n'est plus dans la base.")
        return (message, *listing())

    add.click(add_files, files, [status, files, table, to_remove], api_visibility="private",
              concurrency_id="assistant")
    remove.click(remove_document, to_remove, [status, table, to_remove], api_visibility="private",
                 concurrency_id="assistant")
    return DocumentsTab(table=table, to_remove=to_remove, refresh=french_errors(listing))
