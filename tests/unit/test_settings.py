import os
import re
import sys
from pathlib import Path

import subprocess

import pytest

from assistant.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_described_and_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"`AAP_{name.upper()}`" in readme, f"AAP_{name.upper()} manque dans le README"


def test_reading_settings_has_no_side_effect(tmp_path, monkeypatch):
    monkeypatch.setenv("AAP_DATA_DIR", str(tmp_path / "nouveau"))
    monkeypatch.setenv("AAP_TOP_K", "9")
    settings = Settings()
    assert settings.top_k == 9 and not (tmp_path / "nouveau").exists()


def test_the_core_never_imports_gradio():
    code = "import assistant.facade, assistant.cli, sys; assert 'gradio' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_api_key_is_secret(monkeypatch):
    monkeypatch.setenv("AAP_LLM_API_KEY", "sk-secret")
    assert "sk-secret" not in repr(Settings())


@pytest.mark.parametrize("command", [["serve"], ["ask", "Quelle est la date limite ?"]])
def test_bad_settings_give_one_french_line_per_variable_and_no_traceback(command, tmp_path):
    env = {**os.environ, "AAP_LLM_PROVIDER": "albert", "AAP_LLM_TIMEOUT_S": "abc", "AAP_LLM_API_KEY": "",
           "AAP_PORT": "99999", "AAP_DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "assistant.cli", *command], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and not done.stdout
    assert "Traceback" not in done.stderr and "Input should" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "Réglage invalide : AAP_LLM_PROVIDER doit être l'une des valeurs none, ollama, openai, mistral "
        "(reçu : 'albert').",
        "Réglage invalide : AAP_LLM_TIMEOUT_S doit être un nombre (reçu : 'abc').",
        "Réglage invalide : AAP_PORT doit être inférieur ou égal à 65535 (reçu : '99999').",
    ]
    assert not (tmp_path / "data").exists()  # stopped before anything was opened

