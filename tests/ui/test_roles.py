"""With accounts, the Documents tab shows adding and removing to editors only (the server refuses readers anyway:
tests/ui/test_served_guards.py); the login path is French for anyone not signed in."""

from __future__ import annotations

import re

import pytest
from pydantic import SecretStr

from assistant import Assistant

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def app_with_accounts(ui_assistant):
    from tests.ui.conftest import _free_port
    from ui.server import launch

    settings = ui_assistant.settings.model_copy(update={"users": SecretStr("alix:éditeur:a1;camille:lecteur:c3")})
    app = launch(Assistant(settings, ui_assistant.kb, ui_assistant.criteria), port=_free_port(),
                 prevent_thread_lock=True, quiet=True)
    yield app.local_url.rstrip("/")
    app.close()


def _documents_tab_of(browser, url: str, user: str, password: str):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(url)
    page.locator("input").first.fill(user)
    page.locator("input[type=password]").fill(password)
    page.keyboard.press("Enter")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#aap-documents").wait_for()
    return context, page


def test_a_reader_sees_the_documents_but_no_way_to_change_them(browser, app_with_accounts):
    context, page = _documents_tab_of(browser, app_with_accounts, "camille", "c3")
    try:
        page.get_by_text("Votre compte est en lecture seule").wait_for()
        assert page.locator("#aap-upload").count() == 0 or not page.locator("#aap-upload").is_visible()
        assert not page.locator("#aap-remove").is_visible() and not page.locator("#aap-add").is_visible()
        page.locator("#aap-documents").get_by_text("base de connaissances").filter(visible=True).first.wait_for()
    finally:
        context.close()


def test_an_editor_can_add_and_remove(browser, app_with_accounts):
    context, page = _documents_tab_of(browser, app_with_accounts, "alix", "a1")
    try:
        page.locator("#aap-add").wait_for()
        assert page.locator("#aap-upload").is_visible() and page.locator("#aap-remove").is_visible()
        assert not page.get_by_text("Votre compte est en lecture seule").is_visible()
    finally:
        context.close()


def test_a_visitor_not_signed_in_reads_french_only(browser, app_with_accounts):
    """Gradio answers every route but the page with an English 401 « Not authenticated »; the login page, a wrong
    password and those refusals are French, whatever the browser's language."""
    from ui.login import NOT_SIGNED_IN

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        response = page.goto(app_with_accounts)
        assert re.search(r'<html\s+lang="fr"', response.text())  # for readers that look before any script runs
        page.get_by_role("button", name="Connexion").wait_for()
        page.locator("input").first.fill("alix")
        page.locator("input[type=password]").fill("faux")
        page.keyboard.press("Enter")
        page.get_by_text("Identifiants incorrects").wait_for()
        for route in ("/gradio_api/info", "/config", "/gradio_api/queue/status"):
            page.goto(app_with_accounts + route)
            text = page.locator("body").inner_text()
            assert NOT_SIGNED_IN in text and "Not authenticated" not in text, (route, text)
    finally:
        context.close()


def test_a_lost_session_is_explained_in_french(browser, app_with_accounts):
    """Signed in, then the session is gone (the app restarted, the cookie expired): the next question says why and
    what to do, in French (it showed a bare « Erreur »)."""
    from ui.login import NOT_SIGNED_IN

    context, page = _documents_tab_of(browser, app_with_accounts, "camille", "c3")
    try:
        page.get_by_role("tab", name="Questions").click()
        context.clear_cookies()
        page.get_by_label("Votre question").fill("Quelle est la date limite ?")
        page.keyboard.press("Enter")
        page.get_by_text(NOT_SIGNED_IN).first.wait_for(timeout=20_000)
        assert "Not authenticated" not in page.locator("body").inner_text()
    finally:
        context.close()


def test_a_throttled_login_says_how_long_to_wait(browser, ui_assistant):
    """After 5 wrong passwords the server refuses the client for a minute (HTTP 429): the page says so and how long
    to wait, in French (it kept showing « Identifiants incorrects », even for the right password)."""
    from tests.ui.conftest import _free_port
    from ui.server import launch

    settings = ui_assistant.settings.model_copy(update={"users": SecretStr("alix:éditeur:a1")})
    app = launch(Assistant(settings, ui_assistant.kb, ui_assistant.criteria), port=_free_port(),
                 prevent_thread_lock=True, quiet=True)  # its own login guard: the lock-out stays in this test
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        page.goto(app.local_url)

        def sign_in(password: str) -> None:
            page.locator("input").first.fill("alix")
            page.locator("input[type=password]").fill(password)
            with page.expect_response(lambda r: r.url.endswith("/login")):
                page.keyboard.press("Enter")

        sign_in("faux")
        alert = page.locator("p.creds")
        alert.filter(has_text="Identifiants incorrects").wait_for()
        for _ in range(4):
            sign_in("faux")
        sign_in("a1")  # the right password, refused while the client is locked out
        alert.filter(has_text=re.compile(r"Trop de tentatives .* réessayez dans \d+ secondes\.")).wait_for()
        assert "Identifiants incorrects" not in page.locator("body").inner_text()
        assert page.get_by_role("button", name="Connexion").is_visible()  # still on the login form
    finally:
        context.close()
        app.close()
