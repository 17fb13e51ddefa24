"""Uploads in the browser go to the background queue (issue 15, finding 2): the click returns at once with the
request's progress, which the page follows until the report; past a limit, a French refusal and nothing added."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui
TIMEOUT = 90_000  # ms


def _listed(page, name: str):
    """The uploaded file `name` in the upload box, once its upload is done. Not `get_by_text(name)`: the box lists a
    file as « stem .ext » (two spans), so the full name only matched the transient « Uploading… » view, and the
    wait passed or timed out depending on how fast the upload ended; each listed file is labelled with its name."""
    return page.locator("#aap-upload").get_by_label(name, exact=True)


def _choose(page, paths):
    page.get_by_role("tab", name="Documents").click()
    page.locator("#aap-upload input[type=file]").set_input_files([str(p) for p in paths])
    _listed(page, paths[-1].name).wait_for(timeout=TIMEOUT)  # one request uploads them all: the last one is enough
    page.locator("#aap-add").click()


def test_an_upload_shows_its_progress_while_the_base_is_busy_then_its_report(page, ui_assistant, tmp_path):
    note = tmp_path / "note-quartier-orion.md"
    note.write_text("# Note du quartier Orion\n\nLe quartier Orion ouvre un chantier éducatif chaque été pour les "
                    "jeunes de 14 à 17 ans, avec la prévention spécialisée.\n", encoding="utf-8")
    status, table = page.locator("#aap-upload-status"), page.locator("#aap-documents")
    with ui_assistant.kb.store.writer():  # another writer holds the base: the request must wait, not the click
        _choose(page, [note])
        status.get_by_text("Ajout en cours").wait_for(timeout=TIMEOUT)
        assert "local-note-quartier-orion" not in table.inner_text()
    status.get_by_text("✓ Ajouté(s)").wait_for(timeout=TIMEOUT)
    table.get_by_text("local-note-quartier-orion").wait_for(timeout=TIMEOUT)  # the listing follows by itself


def test_too_many_files_at_once_are_refused_whole_in_french(page, ui_assistant, tmp_path):
    limit = ui_assistant.settings.upload_max_files
    paths = []
    for i in range(limit + 1):
        path = tmp_path / f"lot-{i:02d}.md"
        path.write_text(f"# Lot {i}\n\nCompte rendu numéro {i} de la cellule de veille.\n", encoding="utf-8")
        paths.append(path)
    _choose(page, paths)
    toast = page.locator(".toast-body").get_by_text(f"{limit + 1} fichiers envoyés d'un coup")
    toast.wait_for(timeout=TIMEOUT)
    assert f"{limit} au plus par envoi" in toast.inner_text()
    assert "lot-00" not in page.locator("#aap-documents").inner_text()
    assert _listed(page, paths[0].name).count() == 1  # refused, the files stay in the box to send again in parts
