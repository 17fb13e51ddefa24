"""The app's look: a sober theme of its own (not the State's design system, reserved for State services), with
WCAG 2.1 AA contrasts, a visible focus everywhere, and a layout that holds at 390 px; plus the page's head script.

Every colour pair used for text is at least 4.5:1 (3:1 for focus rings and borders); the axe audit in
tests/ui/test_accessibility.py checks the rendered page, in both colour schemes' default (light).
"""

from __future__ import annotations

import json

import gradio as gr

from .login import WRONG_LOGIN

# A deep blue, dark enough for white text on its 600-800 shades (#1f5089 on white: 8.0:1).
BLUE = gr.themes.Color(name="aap-blue", c50="#eef4fa", c100="#d6e4f2", c200="#adc8e5", c300="#7fa7d3",
                       c400="#4f83bd", c500="#2f66a3", c600="#1f5089", c700="#1a4170", c800="#16355b",
                       c900="#122a48", c950="#0b1b30")
FOCUS = "#b3261e"  # a red ring: visible on white, on the blue buttons and on the grey inputs alike (3:1 or more)

# System fonts only: a web font would be fetched from an outside address.
THEME = gr.themes.Default(primary_hue=BLUE, secondary_hue=BLUE, neutral_hue="slate",
                          font=["system-ui", "Segoe UI", "Roboto", "sans-serif"],
                          font_mono=["ui-monospace", "Consolas", "monospace"],
                          text_size=gr.themes.sizes.text_md, radius_size=gr.themes.sizes.radius_sm).set(
    body_text_color_subdued="*neutral_600", body_text_color_subdued_dark="*neutral_300",
    block_info_text_color="*neutral_600", block_info_text_color_dark="*neutral_300",
    block_label_text_color="*neutral_700", block_label_text_color_dark="*neutral_200",
    block_title_text_color="*neutral_800", block_title_text_color_dark="*neutral_100",
    input_placeholder_color="*neutral_500", input_placeholder_color_dark="*neutral_400",
    link_text_color="*primary_700", link_text_color_visited="*primary_800", link_text_color_hover="*primary_900",
    link_text_color_dark="*primary_200", link_text_color_visited_dark="*primary_200",
    link_text_color_hover_dark="*primary_100",
    color_accent="*primary_600", color_accent_soft="*primary_50", border_color_accent="*primary_600",
    button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_600", button_primary_background_fill_hover_dark="*primary_700",
    button_primary_text_color="white", button_primary_text_color_dark="white",
    button_primary_border_color="*primary_600", button_primary_border_color_dark="*primary_600",
    button_border_width="1px", button_large_text_weight="600", button_small_text_weight="500",
    button_secondary_background_fill="white", button_secondary_background_fill_hover="*primary_50",
    button_secondary_text_color="*primary_800", button_secondary_border_color="*primary_600",
    button_secondary_background_fill_dark="*neutral_800", button_secondary_text_color_dark="*primary_100",
    button_secondary_border_color_dark="*primary_300",
    button_cancel_background_fill="#b3261e", button_cancel_background_fill_hover="#8c1d17",
    button_cancel_text_color="white", button_cancel_border_color="#b3261e",
    checkbox_background_color_selected="*primary_600", checkbox_border_color_selected="*primary_600",
    checkbox_label_background_fill_selected="*primary_50", checkbox_label_text_color_selected="*primary_900",
    checkbox_border_color="*neutral_500",
    input_border_color="*neutral_500", input_border_color_focus="*primary_600",
    loader_color="*primary_600", slider_color="*primary_600",
)

CSS = """
/* Visible focus on everything that takes it (Gradio removes the outline of its inputs). */
:focus-visible, #aap-question textarea:focus, input:focus, textarea:focus, [role=combobox]:focus {
  outline: 3px solid %(focus)s !important; outline-offset: 2px !important; box-shadow: none !important;
}
a { text-decoration: underline; }
.block.aap-notice { border-left: 4px solid #8a5200; background: #fff8e6; color: #3d2600; padding: 0.4em 0.8em;
  margin: 0 0 0.6em 0; font-size: 0.95em; }
.dark .block.aap-notice { background: #3d2a00; color: #ffe9b8; }
.aap-notice p { margin: 0 !important; }
/* Source cards: one <details> each, opened by its summary or by an [n] of the answer. */
.aap-sources { margin-top: 0.2em; }
.aap-card { border: 1px solid #64748b; border-radius: 6px; margin: 0.4em 0; padding: 0 0.6em; }
.aap-card > summary { cursor: pointer; padding: 0.4em 0; font-weight: 600; }
.aap-card[open] > summary { border-bottom: 1px solid #cbd5e1; margin-bottom: 0.4em; }
.aap-kind { display: inline-block; font-size: 0.85em; font-weight: 600; padding: 0 0.4em; margin-right: 0.3em;
  border-radius: 4px; background: #d6e4f2; color: #122a48; }
.aap-section { font-weight: 400; }
.aap-cite { font-weight: 600; }
.aap-review ol { padding-left: 2em; }
.aap-sentence { border-left: 6px solid; padding: 0.3em 0.8em; margin: 0.6em 0; list-style-position: outside; }
.aap-supported { border-color: #1b7f3b; }
.aap-weak { border-color: #b36b00; }
.aap-unsupported { border-color: #b3261e; background: rgba(179, 38, 30, 0.06); }
.aap-verdict { font-weight: 700; margin-right: 0.4em; }
.aap-supported .aap-verdict { color: #1b7f3b; }
.aap-weak .aap-verdict { color: #8a5200; }
.aap-unsupported .aap-verdict { color: #b3261e; }
.dark .aap-supported .aap-verdict { color: #7fd69a; }
.dark .aap-weak .aap-verdict { color: #ffc46b; }
.dark .aap-unsupported .aap-verdict, .dark .aap-citation.aap-bad { color: #ff9b93; }
.aap-review div, .aap-review details { display: block; }
.aap-review-summary { font-weight: 600; margin-bottom: 0.4em; }
.aap-meta { font-size: 0.9em; margin: 0.2em 0; }
.aap-citation.aap-bad { color: #b3261e; }
.aap-passage blockquote { margin: 0.3em 0 0.3em 1em; font-style: italic; white-space: pre-wrap; }
#aap-footer { font-size: 0.9em; border-top: 1px solid #94a3b8; padding-top: 0.6em; margin-top: 1em; }
mark { background: #fff1a8; color: #1a1a1a; padding: 0 0.1em; }
/* Phone (390 px): the four tabs on one line, tables scroll sideways instead of wrapping letter by letter
   (their columns have fixed widths, see ui/documents.py and ui/plan.py). */
/* An empty table does not scroll: with no cell to focus, the keyboard could not scroll it (its headers are
   clipped on a phone until a plan fills it). */
.virtual-table-viewport:not(:has([role=gridcell])) { overflow: hidden !important; }
#aap-tabs [role=tablist] button, #aap-tabs .tab-container button { white-space: nowrap; }
@media (max-width: 600px) {
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
  .gradio-container h1 { font-size: 1.5rem !important; }
  #aap-tabs .tab-container button { padding: 0.5em 0.45em !important; font-size: 0.92rem !important; }
  #aap-chat { height: 70vh !important; }
}
""" % {"focus": FOCUS}

# Gradio's French built-in texts that read wrong here (« télécharger » is to download): keys of its translations.
FRENCH_TEXTS = gr.I18n(fr={"upload_text.click_to_upload": "Cliquez pour choisir un fichier",
                           "upload_text.drop_file": "Déposez le fichier ici",
                           # a throttled login shows the server's « réessayez dans N secondes » (HEAD_SCRIPT)
                           "login.incorrect_credentials": WRONG_LOGIN})

# Runs before Gradio's own script: see ui/server.py, EarlyScript.
HEAD_SCRIPT = """<script>
(() => {
  // Gradio picks the language of its built-in texts from the browser's: French, whatever the browser says.
  Object.defineProperty(Navigator.prototype, "language", {get: () => "fr-FR", configurable: true});
  Object.defineProperty(Navigator.prototype, "languages", {get: () => ["fr-FR", "fr"], configurable: true});
  document.documentElement.lang = "fr";
  // Built-in labels that Gradio writes in English whatever the language (null: a label to drop; the footer's
  // « API » logo is titled « Stop Recording », an icon's name: decorative next to its text).
  const LABELS = {
    "More tabs": "Autres onglets", "Static column": null, "Close": "Fermer", "Add row": "Ajouter une ligne",
    "Add column": "Ajouter une colonne",
    "Click to upload or drop files": "Cliquez pour choisir un fichier, ou déposez-le ici",
    "Copy table data": "Copier le tableau", "Fullscreen": "Plein écran", "Exit fullscreen": "Quitter le plein écran",
    "File upload": "Envoi de fichier", "Gradio footer navigation": "Liens de bas de page",
    "Open cell menu": "Menu de la cellule", "Table actions": "Actions du tableau",
    "chatbot conversation": "Conversation", "Stop Recording": null,
    "Uploaded files": "Fichiers envoyés", "Uploading": "Envoi en cours", "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant", "Clear sort": "Annuler le tri", "Filter": "Filtrer",
    "Clear filter": "Annuler le filtre", "Search": "Rechercher", "Dismiss": "Fermer", "Clear": "Effacer",
    "Remove": "Retirer", "Delete row": "Supprimer la ligne", "Delete column": "Supprimer la colonne",
    "Add row above": "Ajouter une ligne au-dessus", "Add row below": "Ajouter une ligne en dessous",
    "Add column to the left": "Ajouter une colonne à gauche",
    "Add column to the right": "Ajouter une colonne à droite",
    "Select all": "Tout sélectionner", "Select column": "Sélectionner la colonne",
    "Select row": "Sélectionner la ligne", "copy": "copier", "Copy": "Copier", "Copied": "Copié",
    "Download": "Télécharger",
    "Share": "Partager", "Undo": "Annuler", "Retry": "Réessayer", "Edit": "Modifier", "Submit": "Envoyer",
    "Stop": "Arrêter",
  };
  // Texts of Gradio's notices: their title (the notice's type, in English) and the browser's size-limit refusal.
  const TEXTS = [
    [/^Error\\s*$/, "Erreur"], [/^Warning\\s*$/, "Attention"], [/^Info\\s*$/, "Information"],
    [/^File\\(s\\) exceed the maximum allowed size of ([\\d.]+) ?(\\w+): (.*)$/,
     (_, size, unit, names) => `Fichier trop volumineux (${Number(size).toLocaleString("fr-FR")} `
                               + `${unit === "Mb" ? "Mo" : unit} au plus) : ${names}`],
  ];
  const NAMES = ["aria-label", "title", "alt"];
  const selector = Object.keys(LABELS).flatMap((label) => NAMES.map((name) => `[${name}="${label}"]`)).join(",");
  const translate = () => {
    for (const el of document.querySelectorAll(selector)) {
      for (const name of NAMES) {
        const label = el.getAttribute(name);
        if (!(label in LABELS)) continue;
        if (LABELS[label] !== null) el.setAttribute(name, LABELS[label]);
        else if (name === "alt") el.setAttribute("alt", "");
        else el.removeAttribute(name);
      }
    }
    for (const toast of document.querySelectorAll(".toast-body")) {
      const walker = document.createTreeWalker(toast, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const [pattern, french] of TEXTS) {
          if (pattern.test(node.nodeValue)) node.nodeValue = node.nodeValue.replace(pattern, french);
        }
      }
    }
  };
  // A throttled login (HTTP 429, ui/login.py) says how long to wait. Gradio's login form knows only 400, for which
  // it shows its fixed « identifiants incorrects », and shows nothing for a 429: the 429 is handed to the form as a
  // 400, and the server's French detail replaces the form's text.
  const fetchOriginal = window.fetch;
  let loginRefusal = null;
  const showLoginRefusal = () => {
    for (const p of document.querySelectorAll("p.creds")) {
      if (!p.firstChild) continue;
      p.firstChild.nodeValue = loginRefusal || __WRONG_LOGIN__;
      p.setAttribute("role", "alert");
    }
  };
  window.fetch = async function (input, init) {
    const response = await fetchOriginal.apply(this, arguments);
    const url = new URL(typeof input === "string" ? input : (input && input.url) || String(input), location.href);
    if (!init || init.method !== "POST" || !/\/login\/?$/.test(url.pathname)) return response;
    loginRefusal = null;
    if (response.status === 429) {
      try { loginRefusal = (await response.clone().json()).detail; } catch (e) { /* a body that is not JSON */ }
      loginRefusal = loginRefusal || "Trop de tentatives de connexion manquées : patientez avant de réessayer.";
      setTimeout(showLoginRefusal, 0);
      return new Response(JSON.stringify({detail: loginRefusal}),
                          {status: 400, headers: {"content-type": "application/json"}});
    }
    setTimeout(showLoginRefusal, 0);
    return response;
  };
  new MutationObserver(() => { translate(); showLoginRefusal(); }).observe(document, {subtree: true, childList: true});
  // An [n] of an answer opens its source card and moves the focus to it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#aap-src-"]');
    const card = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!card) return;
    event.preventDefault();
    card.open = true;
    const summary = card.querySelector("summary");
    summary.focus();
    summary.scrollIntoView({block: "nearest"});
  });
})();
</script>""".replace("__WRONG_LOGIN__", json.dumps(WRONG_LOGIN, ensure_ascii=False))
