import re
import sys
from pathlib import Path

import subprocess

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
