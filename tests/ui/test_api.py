"""The app's programmatic API through `gradio_client`, and how the app is served (loopback, login, queue, files)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import gradio as gr
import httpx
import pytest
import yaml
from gradio_client import Client
from pydantic import SecretStr

from assistant import Assistant
from assistant.plans import ActionPlan
from ui.errors import QUEUE_FULL
from ui.server import configure_queue, launch, launch_options

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "examples" / "profiles" / "petite-ville.yaml"
AXES = {"pilotage", "protection", "attractivite", "alternatives"}
UNSUPPORTED = "Les dossiers de candidature peuvent être déposés jusqu'au 15 septembre 2025."


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, analytics_enabled=False, verbose=False, download_files=False)


@pytest.fixture(scope="module")
def drafted(client) -> dict:
    profile = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
    return client.predict(json.dumps(profile, ensure_ascii=False), api_name="/draft")


def fiche_axes(knowledge: Path) -> dict[str, set[str]]:
    out = {}
    for path in (knowledge / "practices").glob("*.md"):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        out[meta["id"]] = set(meta["axes"])
    return out


def test_the_api_has_exactly_the_four_documented_names(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {
        "/ask", "/draft", "/validate", "/check"}


def test_ask_returns_the_json_of_aap_ask(client, ui_assistant, ui_knowledge):
    question = "Jusqu'à quand peut-on déposer le dossier ?"
    result = client.predict(question, api_name="/ask")  # axis has a default
    assert result == ui_assistant.ask(question).public_dict()
    assert set(result) == {"answer", "mode", "insufficient_evidence", "citations", "grounding", "notice",
                           "removed_citations", "closest_sources", "intent", "conflicts"}
    assert result["mode"] == "none" and "30 avril 2024" in result["answer"] and result["citations"]
    first = result["citations"][0]  # every citation says what kind of source it is (issue 15)
    assert (first["kind"], first["kind_label"], first["added_by"], first["added_at"]) == ("appel", "Appel", None, None)

    filtered = client.predict("Des idées d'actions pour protéger les plus jeunes ?", "protection", api_name="/ask")
    axes = fiche_axes(ui_knowledge)
    cited = [c["doc_id"] for c in filtered["citations"]]
    assert cited and all("protection" in axes[d] for d in cited if d in axes)


def test_api_errors_are_french(client):
    with pytest.raises(Exception, match="La question est vide"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(Exception, match="Axe inconnu"):
        client.predict("Qui peut candidater ?", "axe-9", api_name="/ask")
    with pytest.raises(Exception, match="n'est pas un JSON valide"):
        client.predict("{pas du json", api_name="/draft")


def test_draft_then_validate(client, drafted, ui_assistant):
    plan = ActionPlan.model_validate(drafted, context={"criteria": ui_assistant.criteria})
    assert {a.axis for a in plan.actions} == AXES
    assert plan.profile.name == "Commune de Saint-Vérand-sur-Orge"

    report = client.predict(json.dumps(drafted, ensure_ascii=False), api_name="/validate")
    assert report == ui_assistant.validate(drafted).model_dump(mode="json")  # the JSON of `aap validate --json`
    assert report["ok"] is True and report["errors"] == []
    assert [a["axis"] for a in report["axes"]] == ["pilotage", "protection", "attractivite", "alternatives"]

    broken = {**drafted, "actions": [a for a in drafted["actions"] if a["axis"] != "alternatives"]}
    report = client.predict(broken, api_name="/validate")  # a dict is accepted as well as JSON text
    assert report["ok"] is False and any("alternatives" in e for e in report["errors"])


def test_check_flags_an_unsupported_sentence_and_checks_citations(client, ui_assistant):
    answer = ui_assistant.ask("Jusqu'à quand peut-on déposer le dossier ?").public_dict()
    report = client.predict(answer["answer"], answer["citations"], api_name="/check")
    assert report["sentences"] and report["sentences"][0]["verdict"] == "supported"
    assert [c["correct"] for c in report["sentences"][0]["citations"]] == [True]

    report = client.predict(UNSUPPORTED, api_name="/check")  # passages have a default
    assert report == ui_assistant.check(UNSUPPORTED).model_dump(mode="json")  # the JSON of `aap check --json`
    assert [s["verdict"] for s in report["sentences"]] == ["unsupported"]
    assert report["summary"]["unsupported"] == 1


def test_the_app_binds_loopback_and_serves_no_outside_file(app_url):
    assert app_url.startswith("http://127.0.0.1:")
    for path in ("/etc/passwd", str(ROOT / "pyproject.toml")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{app_url}/gradio_api/file={path}")
        assert refused.value.code in (403, 404)


def test_launch_options_are_safe_by_default(ui_assistant):
    from ui.app import create_app

    age = ui_assistant.settings.ui_temp_max_age_s
    assert create_app(ui_assistant).delete_cache == (min(age, 600), age)  # temporary files expire
    options = launch_options(ui_assistant.settings, ui_assistant.criteria)
    assert options["auth"] is None and options["run_history"] is False and options["share"] is False
    assert options["max_file_size"] == f"{ui_assistant.settings.max_upload_mb}mb"
    assert not options["allowed_paths"] and options["enable_monitoring"] is False
    assert ui_assistant.settings.host == "127.0.0.1"


def test_login_is_required_when_aap_auth_is_set(ui_assistant, free_port):
    settings = ui_assistant.settings.model_copy(update={"auth": SecretStr("relecteur:s3cret")})
    guarded = Assistant(settings, ui_assistant.kb, ui_assistant.criteria)
    app = launch(guarded, port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{app.local_url}config")
        assert refused.value.code == 401
        client = Client(app.local_url, auth=("relecteur", "s3cret"), analytics_enabled=False, verbose=False)
        assert client.predict("Qui peut candidater ?", api_name="/ask")["answer"]
    finally:
        app.close()


def test_a_full_queue_answers_in_french(free_port):
    with gr.Blocks(analytics_enabled=False) as app:
        def echo(text: str) -> str:
            return text
        gr.api(echo, api_name="echo")
    configure_queue(app, concurrency=1, max_size=0)  # a queue that is always full
    app.launch(server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        request = urllib.request.Request(f"{app.local_url}gradio_api/queue/join", method="POST",
                                         data=json.dumps({"data": ["x"], "fn_index": 0, "session_hash": "s"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert json.loads(refused.value.read())["detail"] == QUEUE_FULL
        with pytest.raises(httpx.HTTPStatusError) as refused:
            Client(app.local_url, analytics_enabled=False, verbose=False).predict("x", api_name="/echo")
        assert refused.value.response.json()["detail"] == QUEUE_FULL
    finally:
        app.close()
