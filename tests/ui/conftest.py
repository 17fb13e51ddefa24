"""The app under test: served by the tests on a free loopback port, over a real knowledge base (the call, the
references and eight fiches covering the four axes), with real Chroma and the real embedding model.

Browser tests drive Debian's Chromium through Playwright; every request that leaves 127.0.0.1 is blocked and
recorded, and each test saves a screenshot under artifacts/ui/ (git-ignored, kept by CI).
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "ui"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FICHES = [  # two per axis: enough for the catalogue to fill every axis, small enough to index quickly
    "clspd-cispd", "diagnostic-partage", "paej", "psfp", "theatre-forum-temoignages", "recrutement-reseaux-sociaux",
    "prevention-specialisee", "reoccuper-apres-demantelement",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port():
    """A function returning a free loopback port."""
    return _free_port


@pytest.fixture(scope="session")
def ui_knowledge(tmp_path_factory) -> Path:
    source = ROOT / "knowledge"
    target = tmp_path_factory.mktemp("ui-knowledge") / "knowledge"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("practices"))
    (target / "practices").mkdir()
    for fiche in FICHES:
        shutil.copy(source / "practices" / f"{fiche}.md", target / "practices")
    return target


@pytest.fixture(scope="session")
def ui_assistant(tmp_path_factory, ui_knowledge):
    from assistant import Assistant, Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("ui-data"), knowledge_dir=ui_knowledge, _env_file=None,
                        llm_provider="none")
    assistant = Assistant.from_settings(settings)
    assistant.ingest()
    return assistant


@pytest.fixture(scope="session")
def app_url(ui_assistant):
    """The app, served as `aap serve` serves it (same queue, same launch options), on a free port."""
    from ui.server import launch

    app = launch(ui_assistant, host="127.0.0.1", port=_free_port(), prevent_thread_lock=True, quiet=True)
    yield app.local_url.rstrip("/")
    app.close()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium est introuvable : installez-le (`apt-get install -y chromium`, fait par `make test`).")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, app_url, request):
    """A function opening a fresh browser session on the app (`locale`, `viewport`); outside requests are blocked,
    then checked when the test ends, with a screenshot of each page."""
    opened = []

    def open_page(locale: str = "fr-FR", viewport: dict | None = None):
        context = browser.new_context(locale=locale, viewport=viewport or {"width": 1280, "height": 1000},
                                      accept_downloads=True)
        outside: list[str] = []

        def only_loopback(route):
            if route.request.url.startswith(app_url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_loopback)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(app_url)
        page.get_by_role("tab", name="Questions").wait_for()
        page.dialogs = dialogs
        opened.append((context, page, outside, dialogs))
        return page

    yield open_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for i, (context, page, outside, dialogs) in enumerate(opened):
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}{f'-{i}' if i else ''}.png"), full_page=True)
        context.close()
        assert not outside, f"requêtes vers l'extérieur : {outside}"
        assert not dialogs, f"boîtes de dialogue ouvertes par la page : {dialogs}"


@pytest.fixture
def page(new_page):
    """A fresh French-speaking browser session on the app (see `new_page`)."""
    return new_page()
