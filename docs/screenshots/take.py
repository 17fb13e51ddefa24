"""Take the README's screenshots of the four tabs (desktop) and of the Questions tab on a phone (390 px), from the app
over the configured knowledge base.

    .venv/bin/aap ingest && .venv/bin/python docs/screenshots/take.py

Needs Chromium (`apt-get install -y chromium`). Nothing is added to the knowledge base.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PROFILE = ROOT / "examples" / "profiles" / "petite-ville.yaml"
REVIEWED = ("Les dossiers de candidature sont à déposer avant le 30 avril 2024 sur la plateforme démarche simplifiée. "
            "Les dossiers de candidature peuvent être déposés jusqu'au 15 septembre 2025.")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from assistant import Assistant
    from ui.server import launch

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = launch(Assistant.from_settings(), port=port, prevent_thread_lock=True, quiet=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 960}).new_page()
            page.goto(app.local_url)

            box = page.get_by_label("Votre question")
            box.fill("Jusqu'à quand peut-on déposer le dossier ?")
            box.press("Enter")
            page.locator("#aap-chat details.aap-card").first.wait_for(timeout=120_000)
            page.wait_for_function("() => document.querySelector('#aap-question textarea').value === ''")
            page.locator("#aap-chat a.aap-cite").first.click()  # the [1] of the answer opens its source card
            page.locator("#aap-chat mark").first.wait_for()
            page.screenshot(path=str(HERE / "questions.png"))

            phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844},
                                        device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
            phone.goto(app.local_url)
            phone.get_by_role("tab", name="Questions").wait_for()
            phone.get_by_role("button", name="Jusqu'à quand peut-on déposer le dossier ?").tap()
            phone.locator("#aap-chat details.aap-card").first.wait_for(timeout=120_000)
            phone.locator("#aap-chat a.aap-cite").first.tap()
            phone.locator("#aap-chat mark").first.wait_for()
            phone.locator("#aap-chat [data-testid=bot]").first.evaluate("m => m.scrollIntoView({block: 'start'})")
            phone.evaluate("window.scrollTo(0, document.querySelector('#aap-tabs').getBoundingClientRect().top"
                           " + window.scrollY - 8)")
            phone.screenshot(path=str(HERE / "telephone.png"))

            page.get_by_role("tab", name="Plan d'actions").click()
            page.locator("#aap-profile-file input[type=file]").set_input_files(str(PROFILE))
            page.wait_for_function("() => document.querySelector('#aap-name textarea').value.length > 0")
            page.locator("#aap-generate").click()
            page.locator("#aap-compliance").get_by_text("Conforme").first.wait_for(timeout=120_000)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(HERE / "plan.png"))

            page.get_by_role("tab", name="Relecture").click()
            page.get_by_label("Texte à vérifier").fill(REVIEWED)
            page.locator("#aap-review-run").click()
            page.locator("#aap-review-result li").first.wait_for(timeout=120_000)
            page.screenshot(path=str(HERE / "relecture.png"))

            page.get_by_role("tab", name="Documents").click()
            page.locator("#aap-documents").get_by_text("mildeca-2024").wait_for()
            page.screenshot(path=str(HERE / "documents.png"))
            browser.close()
    finally:
        app.close()


if __name__ == "__main__":
    main()
