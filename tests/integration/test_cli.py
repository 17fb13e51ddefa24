import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main

pytestmark = pytest.mark.integration
SMALL = Path(__file__).resolve().parents[1] / "data" / "knowledge"


def test_ingest_twice_then_list_and_remove(tmp_path, monkeypatch):
    shutil.copytree(SMALL, tmp_path / "knowledge")
    monkeypatch.setenv("AAP_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    monkeypatch.setenv("AAP_CALL_ID", "test-call")
    note = tmp_path / "note.txt"
    note.write_text("Le conseil citoyen du quartier Nord se réunit chaque mois.", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(note)], catch_exceptions=False)
    assert first.exit_code == 0 and "5 nouveau(x) ou modifié(s)" in first.output
    second = runner.invoke(main, ["ingest"], catch_exceptions=False)
    assert second.exit_code == 0 and "rien n'a été ajouté" in second.output
    listing = runner.invoke(main, ["documents"], catch_exceptions=False)
    assert "local-note\tdocument local" in listing.output and "\tajouté par anonyme le " in listing.output
    removed = runner.invoke(main, ["remove", "local-note"], catch_exceptions=False)
    assert removed.exit_code == 0 and "supprimé" in removed.output
    missing = runner.invoke(main, ["remove", "local-note"])
    assert missing.exit_code == 2 and "aucun document" in missing.output


def test_a_refused_file_exits_1_with_its_reason(tmp_path, monkeypatch):
    shutil.copytree(SMALL, tmp_path / "knowledge")
    monkeypatch.setenv("AAP_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    monkeypatch.setenv("AAP_CALL_ID", "test-call")
    bad = tmp_path / "rapport.pdf"
    bad.write_bytes(b"pas un pdf du tout")
    result = CliRunner().invoke(main, ["ingest", str(bad)], catch_exceptions=False)
    assert result.exit_code == 1 and "« rapport.pdf » n'a pas été ajouté" in result.output


@pytest.mark.parametrize("command", ["ingest", "documents", "remove", "serve"])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Exemple" in result.output
