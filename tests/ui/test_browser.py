"""The app in a real browser (Debian's Chromium driven by Playwright): each tab, end to end.

Every test starts a fresh browser session on the app served by `app_url` (tests/ui/conftest.py); the fixture
fails the test if the page requested anything outside 127.0.0.1 or opened a dialog, and saves a screenshot.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "ui"
PROFILE = ROOT / "examples" / "profiles" / "petite-ville.yaml"
ANSWER_TIMEOUT = 90_000  # ms: the first question also loads the scope guard
HOSTILE_NOTE = """# Note <script>window.__pwned = 1</script> du quartier Zéphyrine

Le quartier Zéphyrine compte un terrain de pétanque municipal <img src=x onerror="window.__pwned = 2"> rénové en 2023,
ouvert aux habitants tous les jours. ![pixel](https://tracker.example/pixel.png)

Le terrain de pétanque de Zéphyrine accueille un tournoi intergénérationnel chaque été.
"""


def ask(page, question: str):
    """Type a question with the keyboard, send it with Enter, wait for the answer; the new bot messages."""
    bots = page.locator("#aap-chat [data-testid=bot]")
    before = bots.count()
    box = page.get_by_label("Votre question")
    box.focus()
    page.keyboard.type(question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#aap-chat [data-testid=bot]').length > n", arg=before,
        timeout=ANSWER_TIMEOUT)
    page.wait_for_function("() => document.querySelector('#aap-question textarea').value === ''",
                           timeout=ANSWER_TIMEOUT)
    return bots.nth(before)


def shoot(page, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def upload(page, paths):
    page.get_by_role("tab", name="Documents").click()
    page.locator("#aap-upload input[type=file]").set_input_files([str(p) for p in paths])
    # listed once uploaded (by its label: the box shows « stem .ext », which get_by_text(name) does not match)
    page.locator("#aap-upload").get_by_label(paths[-1].name, exact=True).wait_for()
    page.locator("#aap-add").click()


def test_the_page_is_french_labelled_and_usable_with_the_keyboard(page):
    assert page.evaluate("document.documentElement.lang") == "fr"
    for tab in ("Plan d'actions", "Relecture", "Documents", "Questions"):
        page.get_by_role("tab", name=tab).click()
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, textarea, select')]
        .filter(el => el.type !== 'hidden' && el.type !== 'file')
        .filter(el => !((el.labels && [...el.labels].some(l => l.innerText.trim()))
                        || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
        .map(el => el.outerHTML.slice(0, 120))""")
    assert unlabelled == []
    box = page.get_by_label("Votre question")
    box.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText.trim()") == "Envoyer"


def test_a_question_gets_an_answer_whose_n_opens_its_source_card(page):
    assert "hors ligne" in page.locator("#aap-mode").inner_text()
    answer = ask(page, "Jusqu'à quand peut-on déposer le dossier ?")
    assert "30 avril 2024" in answer.inner_text()
    cards = page.locator("#aap-chat details.aap-card")
    assert cards.count() >= 1
    summary = cards.first.locator("summary").inner_text()
    assert summary.startswith("[1]") and "Appel" in summary and "pertinence" not in summary
    assert not cards.first.evaluate("card => card.open")
    answer.locator("a.aap-cite").first.click()  # the [1] of the answer
    assert cards.first.evaluate("card => card.open")
    assert page.evaluate("document.activeElement.closest('details.aap-card')?.id") == cards.first.get_attribute("id")
    highlighted = cards.first.locator("mark").first
    assert "30 avril 2024" in highlighted.inner_text()
    shoot(page, "tab-questions")


def test_an_off_topic_question_says_the_documents_do_not_answer(page):
    off_topic = ask(page, "Quelle est la recette de la tarte aux pommes ?")
    assert "Les documents ne répondent pas à cette question" in off_topic.inner_text()
    assert page.locator("#aap-chat .aap-card").get_by_text("Source proche (ne répond pas)").count() >= 1


def test_an_example_question_is_sent_in_one_click_and_its_answer_goes_to_the_review_desk(page):
    page.get_by_role("button", name="Jusqu'à quand peut-on déposer le dossier ?").click()
    page.locator("#aap-chat [data-testid=bot]").first.wait_for(timeout=ANSWER_TIMEOUT)
    page.locator("#aap-to-review").click()
    result = page.locator("#aap-review-result li.aap-sentence")
    result.first.wait_for(timeout=ANSWER_TIMEOUT)
    assert page.get_by_role("tab", name="Relecture").get_attribute("aria-selected") == "true"
    assert page.locator("#aap-review-text textarea").input_value()
    verdicts = [result.nth(i).get_attribute("data-verdict") for i in range(result.count())]
    assert "supported" in verdicts
    assert page.locator("#aap-review-result .aap-citation").count() >= 1  # each [n] is checked


def test_a_plan_for_an_example_profile_covers_the_four_axes_and_downloads_as_docx(page, ui_assistant):
    page.get_by_role("tab", name="Plan d'actions").click()
    page.locator("#aap-profile-file input[type=file]").set_input_files(str(PROFILE))
    page.wait_for_function("() => document.querySelector('#aap-name textarea').value.length > 0")
    assert page.locator("#aap-name textarea").input_value() == "Commune de Saint-Vérand-sur-Orge"
    assert page.get_by_label("créer une dynamique partenariale", exact=False).is_checked()
    page.locator("#aap-generate").click()
    report = page.locator("#aap-compliance")
    report.get_by_text("Conforme aux exigences bloquantes").wait_for(timeout=ANSWER_TIMEOUT)
    text = report.inner_text()
    for axis in ui_assistant.criteria.axes:
        assert f"✓ Axe {axis.number}" in text
    assert "✗" not in text
    plan = page.locator("#aap-plan").inner_text()
    for axis in ui_assistant.criteria.axes:
        assert axis.short in plan
    shoot(page, "tab-plan")

    with page.expect_download() as download:
        page.locator("#aap-dl-docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    content = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        assert "Saint-Vérand-sur-Orge" in docx.read("word/document.xml").decode("utf-8")

    page.locator('#aap-actions [data-testid="cell-0-2"]').dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("Groupe « jeunes et trafics » du CLSPD, renommé en relecture")
    page.keyboard.press("Enter")
    page.locator("#aap-revalidate").click()
    page.locator("#aap-plan").get_by_text("renommé en relecture").first.wait_for(timeout=ANSWER_TIMEOUT)
    assert "Conforme aux exigences bloquantes" in report.inner_text()


def test_the_review_desk_flags_a_sentence_that_no_source_supports(page):
    page.get_by_role("tab", name="Relecture").click()
    page.get_by_label("Texte à vérifier").fill(
        "Les dossiers de candidature sont à déposer avant le 30 avril 2024. "
        "Les dossiers de candidature peuvent être déposés jusqu'au 15 septembre 2025.")
    page.locator("#aap-review-run").click()
    flagged = page.locator('#aap-review-result li[data-verdict="unsupported"]')
    flagged.first.wait_for(timeout=ANSWER_TIMEOUT)
    assert flagged.count() == 1 and "15 septembre 2025" in flagged.inner_text()
    assert "non étayée" in flagged.inner_text()
    assert page.locator('#aap-review-result li[data-verdict="supported"]').count() == 1
    shoot(page, "tab-relecture")


def test_a_corrupt_pdf_is_refused_with_a_message_and_the_chat_still_answers(page, tmp_path):
    corrupt = tmp_path / "rapport-corrompu.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref\n%%EOF\n")
    upload(page, [corrupt])
    status = page.locator("#aap-upload-status")
    status.get_by_text("« rapport-corrompu.pdf » n'a pas été ajouté").wait_for(timeout=ANSWER_TIMEOUT)
    assert page.locator(".toast-body").get_by_text("1 fichier(s) refusé(s)").is_visible()
    assert "rapport-corrompu" not in page.locator("#aap-documents").inner_text()

    page.get_by_role("tab", name="Questions").click()
    answer = ask(page, "Comment déposer le dossier ?")
    assert "30 avril 2024" in answer.inner_text()


def test_a_document_holding_a_script_tag_is_displayed_as_text(page, tmp_path):
    note = tmp_path / "note-zephyrine.md"
    note.write_text(HOSTILE_NOTE, encoding="utf-8")
    upload(page, [note])
    page.locator("#aap-upload-status").get_by_text("✓ Ajouté(s)").wait_for(timeout=ANSWER_TIMEOUT)
    table = page.locator("#aap-documents")
    table.get_by_text("local-note-zephyrine").wait_for()
    assert "script>window.__pwned = 1" in table.inner_text()  # the title, as text
    shoot(page, "tab-documents")

    page.get_by_role("tab", name="Questions").click()
    ask(page, "Que sait-on du terrain de pétanque du quartier Zéphyrine ?")
    for summary in page.locator("#aap-chat .aap-card summary").all():
        summary.click()
    chat = page.locator("#aap-chat").inner_text()
    assert 'img src=x onerror="window.__pwned = 2"' in chat and "script>window.__pwned = 1" in chat
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#aap-chat img, #aap-chat script").count() == 0

    page.get_by_role("tab", name="Documents").click()
    page.locator("#aap-remove-choice input").click()
    page.get_by_role("option", name="local-note-zephyrine", exact=False).click()
    page.locator("#aap-remove").click()
    page.locator("#aap-upload-status").get_by_text("retiré").wait_for(timeout=ANSWER_TIMEOUT)
    assert "local-note-zephyrine" not in table.inner_text()


def test_a_full_queue_shows_a_french_message(browser, free_port):
    import gradio as gr

    from ui.errors import QUEUE_FULL
    from ui.server import configure_queue

    with gr.Blocks(analytics_enabled=False) as app:
        text = gr.Textbox(label="Texte")
        gr.Button("Envoyer").click(lambda value: value, text, text)
    configure_queue(app, concurrency=1, max_size=0)  # a queue that is always full
    app.launch(server_port=free_port(), prevent_thread_lock=True, quiet=True)
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(app.local_url)
        page.get_by_role("button", name="Envoyer").click()
        page.locator(".toast-body").get_by_text("très sollicité").wait_for()
        assert QUEUE_FULL in page.locator(".toast-body").inner_text()
        shoot(page, "queue-full")
    finally:
        context.close()
        app.close()
