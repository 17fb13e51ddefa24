"""Campaign 2 in the browser: hostile HTML, CSS, scheme links, Markdown images and formulas put in an uploaded
document, in questions, in a territory profile and in a text to review. Nothing runs (no dialog, nothing pushed to
`window.__aap_pwned`), nothing is fetched (every request outside 127.0.0.1 is blocked and counted by the `page`
fixture), no live element points outside.

Short by default (20 payloads); `HARDEN_HTML_PAYLOADS=58` (`python -m hardening html`) runs them all.
"""

from __future__ import annotations

import os

import pytest

from hardening.html import OUTSIDE, payloads

pytestmark = pytest.mark.ui

TIMEOUT = 120_000
ITEMS = payloads()[: int(os.environ.get("HARDEN_HTML_PAYLOADS", "20"))]
LIVE = """() => {
  const host = '203.0.113';
  const all = [...document.querySelectorAll('*')];
  // what a browser fetches without a click: these attributes anywhere, an href on link/base/image/use
  const fetched = all.filter(el => ['src', 'poster', 'data', 'action', 'srcdoc', 'background', 'formaction', 'ping',
      'style'].some(a => (el.getAttribute(a) || '').includes(host))
      || (['link', 'base', 'image', 'use', 'feimage'].includes(el.tagName.toLowerCase())
          && ((el.getAttribute('href') || el.getAttribute('xlink:href') || '').includes(host))));
  const scripted = all.filter(el => [...el.attributes].some(a => /^\\s*(javascript|vbscript|data:text\\/html)/i.test(a.value)));
  const inline = [...document.querySelectorAll('#aap-chat *, #aap-plan *, #aap-review-result *, #aap-upload-status *,'
      + ' #aap-documents *, #aap-compliance *')].filter(el => ['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'LINK', 'META',
      'BASE', 'FORM', 'VIDEO', 'AUDIO', 'FRAME', 'APPLET'].includes(el.tagName.toUpperCase())
      || [...el.attributes].some(a => a.name.startsWith('on')));
  const styles = [...document.querySelectorAll('style')].filter(el => el.textContent.includes(host)
      || /@import|expression\\(/.test(el.textContent));
  const html = el => el.outerHTML.slice(0, 120);
  return {pwned: window.__aap_pwned || [], fetched: fetched.map(html), scripted: scripted.map(html),
          inline: inline.concat(styles).map(html)};
}"""


def _ask(page, question: str) -> None:
    bots = page.locator("#aap-chat [data-testid=bot]")
    before = bots.count()
    page.get_by_label("Votre question").fill(question)
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#aap-chat [data-testid=bot]').length > n", arg=before,
                           timeout=TIMEOUT)
    page.wait_for_function("() => document.querySelector('#aap-question textarea').value === ''", timeout=TIMEOUT)


def _assert_inert(page) -> None:
    page.wait_for_timeout(500)  # let any injected handler fire
    state = page.evaluate(LIVE)
    assert state == {"pwned": [], "fetched": [], "scripted": [], "inline": []}  # a plain link to click is allowed


def test_hostile_document_questions_profile_and_review_stay_inert(page, tmp_path):
    lines = [f"Le quartier Hostilia prévoit une action de prévention numéro {i} : {p}" for i, p in enumerate(ITEMS)]
    note = tmp_path / "note-hostilia.md"
    note.write_text("# Note Hostilia " + ITEMS[0] + "\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
    named = tmp_path / f"{ITEMS[3][:60].replace('/', '_')}.md"
    named.write_text("# Note\n\nLe quartier Hostilia organise des chantiers éducatifs pour les jeunes.\n",
                     encoding="utf-8")

    page.get_by_role("tab", name="Documents").click()
    page.locator("#aap-upload input[type=file]").set_input_files([str(note), str(named)])
    page.locator("#aap-upload").get_by_label(note.name, exact=True).wait_for()  # listed once uploaded
    page.locator("#aap-add").click()
    page.locator("#aap-upload-status").get_by_text("Hostilia", exact=False).first.wait_for(timeout=TIMEOUT)
    _assert_inert(page)

    page.get_by_role("tab", name="Questions").click()
    _ask(page, "Quelles actions de prévention numéro 1, 3 et 5 prévoit le quartier Hostilia ?")
    for payload in ITEMS[:: max(1, len(ITEMS) // 6)]:
        _ask(page, f"Quelles actions de prévention pour les jeunes {payload} ?"[:1900])
    page.locator("#aap-chat .aap-card summary").first.click()  # open a source card: its excerpt is rendered
    _assert_inert(page)

    page.get_by_role("tab", name="Plan d'actions").click()
    page.locator("#aap-name textarea").fill("Commune de Hostilia " + ITEMS[0][:150])
    page.locator("#aap-population input").fill("20000")
    page.locator("#aap-ages textarea").fill("11-17")
    page.locator("#aap-context textarea").fill(" ".join(ITEMS)[:4900])
    page.locator("#aap-problems textarea").fill("\n".join(p.replace("\n", " ")[:300] for p in ITEMS[:15]))
    page.locator("#aap-partners textarea, #aap-partners input").first.fill(
        "\n".join(p.replace("\n", " ")[:300] for p in ITEMS[15:30]))
    page.locator("#aap-kind").get_by_text("commune", exact=True).click()
    page.locator("#aap-finalites").get_by_text("prévenir l'entrée", exact=False).click()
    page.locator("#aap-generate").click()
    page.locator("#aap-plan").get_by_text("Hostilia", exact=False).first.wait_for(timeout=TIMEOUT)
    _assert_inert(page)

    page.get_by_role("tab", name="Relecture").click()
    page.get_by_label("Texte à vérifier").fill(" ".join(f"Le dossier est déposé le 30 avril 2024 {p}." for p in ITEMS)
                                             [:4000])
    page.locator("#aap-review-run").click()
    page.locator("#aap-review-result li").first.wait_for(timeout=TIMEOUT)
    _assert_inert(page)
    assert OUTSIDE.endswith("203.0.113.9")
