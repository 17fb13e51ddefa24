"""Accessibility and language in a real browser (Debian's Chromium):

- axe-core (shipped by axe-playwright-python, injected into the page: no network) finds no violation, of any
  impact, on any tab, empty and filled, at desktop width and at 390 px;
- a browser set to English sees no English text, on any tab nor in the error messages the test provokes;
- the keyboard alone reaches the question box, asks, opens a source by its [n], reaches every tab and button, and
  the focus is visible at every step (its outline, and the pixels around the focused element).
"""

from __future__ import annotations

import re
from pathlib import Path

import axe_playwright_python
import pytest

from test_browser import ANSWER_TIMEOUT, ask  # tests/ui is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "examples" / "profiles" / "petite-ville.yaml"
AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
TABS = ["Questions", "Plan d'actions", "Relecture", "Documents"]
# Words of Gradio's built-in texts that are English only (« message », « file », « actions », « menu »… are
# French words too, so they are not listed).
ENGLISH = {"the", "and", "of", "to", "is", "in", "not", "you", "your", "this", "that", "click", "upload", "uploaded",
           "uploading", "drop", "here", "files", "copy", "copied", "more", "tabs", "value", "less", "than", "error",
           "warning", "loading", "clear", "submit", "search", "settings", "share", "built", "with", "download",
           "close", "credentials", "list", "choices", "please", "retry", "static", "column", "row", "delete",
           "filter", "select", "expand", "collapse", "fullscreen", "exit", "undo", "like", "dislike", "exceed",
           "exceeds", "allowed", "size", "waiting", "lost", "empty", "open", "cell", "chatbot", "footer", "add",
           "recording"}


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"[{v['impact']}] {v['id']} : {v['help']} — " + " | ".join(n["html"][:140] for n in v["nodes"][:3])
            for v in result["violations"]]


def audit_every_tab(page, state: str) -> dict[str, list[str]]:
    """Violations per tab and width; at 390 px every tab is one tap away (no « … » menu)."""
    found = {}
    for width, size in (("bureau", DESKTOP), ("téléphone", PHONE)):
        page.set_viewport_size(size)
        for tab in TABS:
            page.get_by_role("tab", name=tab).click(timeout=5_000)
            page.wait_for_timeout(250)
            violations = axe_violations(page)
            if violations:
                found[f"{tab}, {state}, {width}"] = violations
    page.set_viewport_size(DESKTOP)
    return found


def fill_every_tab(page) -> None:
    """An answer with its sources (one card opened by its [n]), a generated plan with its grounding check, and the
    answer's review; the documents tab lists the base."""
    page.get_by_role("tab", name="Questions").click()
    answer = ask(page, "Jusqu'à quand peut-on déposer le dossier ?")
    answer.locator("a.aap-cite").first.click()
    page.get_by_role("tab", name="Plan d'actions").click()
    page.locator("#aap-profile-file input[type=file]").set_input_files(str(PROFILE))
    page.wait_for_function("() => document.querySelector('#aap-name textarea').value.length > 0")
    page.locator("#aap-generate").click()
    page.locator("#aap-compliance").get_by_text("Conforme aux exigences bloquantes").wait_for(timeout=ANSWER_TIMEOUT)
    page.locator("#aap-plan-ground").click()
    page.locator("#aap-plan-grounding li").first.wait_for(timeout=ANSWER_TIMEOUT)
    page.get_by_role("tab", name="Questions").click()
    page.locator("#aap-to-review").click()
    page.locator("#aap-review-result li.aap-sentence").first.wait_for(timeout=ANSWER_TIMEOUT)
    page.locator("#aap-review-result details summary").first.click()


def test_every_tab_passes_axe_empty_and_filled_on_desktop_and_on_a_phone(page):
    assert page.evaluate("document.documentElement.lang") == "fr"
    problems = audit_every_tab(page, "vide")
    fill_every_tab(page)
    problems |= audit_every_tab(page, "rempli")
    assert problems == {}

    page.set_viewport_size(PHONE)
    page.get_by_role("tab", name="Documents").click()
    header = page.locator("#aap-documents th[title=Passages]")
    assert header.bounding_box()["height"] < 48  # a word per line, not a letter per line
    table = page.locator("#aap-documents .virtual-table-viewport")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")  # the table scrolls sideways instead


def visible_words(page) -> set[str]:
    """English words in what the page shows and in what a screen reader reads (labels, titles, placeholders)."""
    text = page.evaluate("""() => [document.body.innerText,
        ...[...document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')].flatMap(el =>
            ['aria-label', 'title', 'placeholder', 'alt'].map(name => el.getAttribute(name) || ''))].join(' ')""")
    return set(re.findall(r"[a-z]+", text.lower())) & ENGLISH


def toast_words(page, action) -> tuple[str, set[str]]:
    """Do `action`, wait for the notice it raises: its text and its English words; then close it."""
    action()
    toast = page.locator("[data-testid=toast-body]").last
    toast.wait_for(timeout=ANSWER_TIMEOUT)
    page.wait_for_timeout(200)
    text, words = toast.inner_text(), visible_words(page)
    for close in page.locator("[data-testid=toast-close]").all():
        close.click()
    return text, words


def test_a_browser_in_english_sees_only_french(new_page, ui_assistant, tmp_path):
    page = new_page(locale="en-US")
    assert page.evaluate("navigator.language") == "fr-FR" and page.evaluate("document.documentElement.lang") == "fr"
    english = {}
    for tab in TABS:
        page.get_by_role("tab", name=tab).click()
        english[tab] = visible_words(page)

    too_big = tmp_path / "rapport-trop-gros.pdf"
    too_big.write_bytes(b"%PDF-1.7\n" + b"0" * (ui_assistant.settings.max_upload_mb * 1024 * 1024 + 10))
    population = page.locator("#aap-population input")
    errors = {
        "question vide": ("Questions", lambda: page.get_by_label("Votre question").press("Enter")),
        "plan sans profil": ("Plan d'actions", lambda: (population.fill("0"), page.locator("#aap-generate").click())),
        "revalider sans plan": ("Plan d'actions", lambda: page.locator("#aap-revalidate").click()),
        "relecture vide": ("Relecture", lambda: page.locator("#aap-review-run").click()),
        "ajout sans fichier": ("Documents", lambda: page.locator("#aap-add").click()),
        "fichier trop gros": ("Documents", lambda: page.locator("#aap-upload input[type=file]").set_input_files(
            str(too_big))),
        "retrait sans choix": ("Documents", lambda: page.locator("#aap-remove").click()),
    }
    messages = {}
    for name, (tab, action) in errors.items():
        page.get_by_role("tab", name=tab).click()
        messages[name], english[name] = toast_words(page, action)
    assert {name: words for name, words in english.items() if words} == {}
    assert all(text.startswith("Erreur") for text in messages.values()), messages
    assert "« Nom de la collectivité »" in messages["plan sans profil"]  # the field is named by its label
    assert "Fichier trop volumineux" in messages["fichier trop gros"] and "Mo" in messages["fichier trop gros"]


FOCUSED = """() => {
    const el = document.activeElement, style = getComputedStyle(el);
    el.dataset.reached = "1";
    return {tag: el.tagName, id: el.id, text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 60),
            ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            button: el.tagName === 'BUTTON' || el.getAttribute('role') === 'tab'};
}"""


def tab_until(page, predicate: str, limit: int = 120) -> list[dict]:
    """Press Tab until the focused element matches `predicate` (JS, on document.activeElement): the stops."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return stops
    raise AssertionError(f"introuvable au clavier : {predicate} (parcouru : {[s['text'] for s in stops]})")


def focus_shows(page, locator) -> bool:
    """The pixels around the element differ with and without the focus: the focus can be seen."""
    box = locator.bounding_box()
    clip = {"x": max(box["x"] - 6, 0), "y": max(box["y"] - 6, 0), "width": box["width"] + 12,
            "height": box["height"] + 12}
    focused = page.screenshot(clip=clip)
    page.evaluate("document.activeElement.blur()")
    blurred = page.screenshot(clip=clip)
    locator.focus()
    return focused != blurred


def test_the_keyboard_alone_asks_opens_a_source_and_reaches_every_tab_and_button(page):
    stops = tab_until(page, "el.matches('#aap-question textarea')")
    assert focus_shows(page, page.locator("#aap-question textarea"))
    page.keyboard.type("Jusqu'à quand peut-on déposer le dossier ?")
    page.keyboard.press("Enter")
    page.locator("#aap-chat details.aap-card").first.wait_for(timeout=ANSWER_TIMEOUT)
    page.wait_for_function("() => document.querySelector('#aap-question textarea').value === ''",
                           timeout=ANSWER_TIMEOUT)

    page.locator("#aap-tabs [role=tab]").first.focus()  # back to the top of the tab, then forward to the [1]
    stops += tab_until(page, "el.matches('#aap-chat a.aap-cite')")
    link = page.locator("#aap-chat a.aap-cite").first
    assert focus_shows(page, link)
    page.keyboard.press("Enter")
    card = page.locator("#aap-chat details.aap-card").first
    assert card.evaluate("card => card.open")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert focus_shows(page, card.locator("summary"))
    page.keyboard.press("Enter")  # the card's summary closes it with the keyboard, as it opens it
    assert not card.evaluate("card => card.open")

    for tab in TABS:
        page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
        stops += tab_until(page, f"el.getAttribute('role') === 'tab' && el.innerText.trim() === {tab!r}")
        assert focus_shows(page, page.get_by_role("tab", name=tab))
        page.keyboard.press("Enter")
        assert page.get_by_role("tab", name=tab).get_attribute("aria-selected") == "true"
        for _ in range(150):  # through the whole tab, to the footer
            page.keyboard.press("Tab")
            stops.append(page.evaluate(FOCUSED))
            if stops[-1]["tag"] == "BODY" or page.evaluate("!!document.activeElement.closest('footer')"):
                break
        missed = page.evaluate("""() => [...document.querySelectorAll('[role=tabpanel] button')]
            .filter(b => b.offsetParent !== null && !b.disabled && b.tabIndex >= 0 && !b.dataset.reached)
            .map(b => (b.innerText || b.getAttribute('aria-label') || '').trim())""")
        assert missed == [], f"{tab} : boutons hors de portée du clavier"  # (a table's cells: by the arrows)
    unringed = [stop for stop in stops if stop["tag"] != "BODY" and not stop["ring"]]
    assert unringed == []


def test_the_login_page_is_french_for_an_english_browser(browser, ui_assistant, free_port):
    import gradio as gr
    from pydantic import SecretStr

    from ui.server import launch_options

    settings = ui_assistant.settings.model_copy(update={"auth": SecretStr("agent:secret")})
    with gr.Blocks(analytics_enabled=False) as app:
        gr.Markdown("Contenu protégé")
    app.launch(server_port=free_port(), prevent_thread_lock=True, quiet=True,
               **launch_options(settings, ui_assistant.criteria))
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(app.local_url)
        page.get_by_text("identifiez-vous").wait_for()
        page.locator("input[type=password]").fill("mauvais")
        page.locator("input").first.fill("agent")
        page.keyboard.press("Enter")
        page.get_by_text("Identifiants incorrects").wait_for()
        assert visible_words(page) == set()
    finally:
        context.close()
        app.close()
