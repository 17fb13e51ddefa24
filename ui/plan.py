"""The « Plan d'actions » tab: a territory profile in, a draft plan per axis, its compliance report, editable
actions, and DOCX / Markdown / JSON downloads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant import Assistant
from assistant.plans import ActionPlan, load_profile
from assistant.plans.export import to_docx_bytes, to_json, to_markdown
from assistant.plans.profile import profile_from_form as checked_profile

from .errors import french_errors
from .exports import write_exports
from .format import compliance_markdown, grounding_html
from .uploads import upload_box

ACTION_COLUMNS = ["N°", "Axe", "Titre", "Description", "Public", "Porteur", "Partenaires (séparés par ;)",
                  "Indicateurs (séparés par ;)", "Début (mois)", "Fin (mois)", "Budget (€)"]
ACTION_TYPES = ["number", "str", "str", "str", "str", "str", "str", "str", "number", "number", "number"]
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples" / "profiles"
DURATIONS = [("12 mois", 12), ("24 mois", 24), ("36 mois", 36)]


def example_profiles(folder: Path = EXAMPLES_DIR) -> list[tuple[str, str]]:
    """(label, path) of each example profile; the label is the description in its first comment line."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
        label = first.split(":", 1)[-1].strip(" .") if first.startswith("#") else path.stem
        out.append((label[:1].upper() + label[1:], str(path)))
    return out


@dataclass
class ProfileForm:
    name: gr.Textbox
    kind: gr.Radio
    population: gr.Number
    qpv_count: gr.Number
    context: gr.Textbox
    problems: gr.Textbox
    target_ages: gr.Textbox
    existing_partners: gr.Textbox
    priority_finalites: gr.CheckboxGroup
    colleges: gr.Number
    young_people: gr.Number
    budget_eur: gr.Number
    cofunders: gr.Textbox
    duration_months: gr.Radio

    @property
    def fields(self) -> list:
        return [self.name, self.kind, self.population, self.qpv_count, self.context, self.problems, self.target_ages,
                self.existing_partners, self.priority_finalites, self.colleges, self.young_people, self.budget_eur,
                self.cofunders, self.duration_months]


def _lines(text: str | None) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def _items(text: str | None) -> list[str]:
    return [item.strip() for item in str(text or "").replace("\n", ";").split(";") if item.strip()]


def _number(value):
    """A form number as an int when it is a whole number (the profile's validation says what is wrong otherwise)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def profile_from_form(name, kind, population, qpv_count, context, problems, target_ages, partners, finalites,
                      colleges=None, young_people=None, budget_eur=None, cofunders=None, duration_months=24) -> dict:
    """The form's values as a profile dict; missing required numbers are left out so that validation names them,
    missing optional ones mean « not given »."""
    profile = {"name": name or "", "kind": kind or "", "context": context or "", "problems": _lines(problems),
               "target_ages": target_ages or "", "existing_partners": _lines(partners),
               "priority_finalites": list(finalites or []), "cofunders": _lines(cofunders),
               "duration_months": _number(duration_months) if duration_months not in (None, "") else 24}
    for key, value in (("population", population), ("qpv_count", qpv_count), ("colleges", colleges),
                       ("young_people", young_people), ("budget_eur", budget_eur)):
        if value not in (None, ""):
            profile[key] = _number(value)
    return profile


def form_from_profile(profile) -> list:
    return [profile.name, profile.kind, profile.population, profile.qpv_count, profile.context,
            "\n".join(profile.problems), profile.target_ages, "\n".join(profile.existing_partners),
            list(profile.priority_finalites), profile.colleges, profile.young_people, profile.budget_eur,
            "\n".join(c.describe() for c in profile.cofunders), profile.duration_months]


def action_rows(plan: dict) -> list[list]:
    rows = []
    for i, action in enumerate(plan.get("actions", []), 1):
        calendar = action.get("calendar") or {}
        rows.append([i, action.get("axis", ""), action.get("title", ""), action.get("description", ""),
                     action.get("public", ""), action.get("lead", ""), " ; ".join(action.get("partners", [])),
                     " ; ".join(action.get("indicators", [])), calendar.get("start_month"), calendar.get("end_month"),
                     action.get("budget_eur")])
    return rows


def _month(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def merge_actions(plan: dict, rows: list[list]) -> dict:
    """The plan with its actions as edited in the table. Column « N° » ties a row to the action it came from;
    a row without one is a new action, and a removed row removes its action."""
    originals = plan.get("actions", [])
    actions = []
    for row in rows:
        row = list(row) + [None] * (len(ACTION_COLUMNS) - len(row))
        if not any(str(cell or "").strip() for cell in row[1:8]):
            continue
        number = _month(row[0])
        action = dict(originals[number - 1]) if number and 0 < number <= len(originals) else {"origin": "catalogue"}
        action.update(axis=str(row[1] or "").strip(), title=str(row[2] or "").strip(),
                      description=str(row[3] or "").strip(), public=str(row[4] or "").strip(),
                      lead=str(row[5] or "").strip(), partners=_items(row[6]), indicators=_items(row[7]))
        action["new_partners"] = [p for p in action.get("new_partners", []) if p in action["partners"]]
        start, end = _month(row[8]), _month(row[9])
        calendar = action.get("calendar") or {}
        if (start, end) != (calendar.get("start_month"), calendar.get("end_month")):
            calendar = {"start_month": start, "end_month": end} if start or end else None
        action["calendar"] = calendar or None
        budget = _month(row[10])  # a whole number of euros; an empty cell leaves the amount to cost
        action["budget_eur"] = budget if budget is None or budget >= 0 else row[10]  # negative: validation says so
        actions.append(action)
    return {**plan, "actions": actions}


def build(assistant: Assistant) -> None:
    criteria = assistant.criteria
    gr.Markdown("Décrivez votre territoire (ou chargez un profil YAML/JSON), puis générez un premier brouillon : une "
                "ou plusieurs actions concrètes par axe de l'appel, tirées des fiches de bonnes pratiques. Modifiez "
                "les actions, revalidez, puis téléchargez le plan.")
    with gr.Row():
        with gr.Column(scale=2):
            example = gr.Dropdown(example_profiles(), value=None, label="Partir d'un profil d'exemple",
                                  info="Un clic remplit le formulaire avec un territoire fictif, à adapter.",
                                  elem_id="aap-example-profile")
            upload = upload_box(label="Charger un profil (fichier YAML ou JSON, facultatif)",
                                elem_id="aap-profile-file")
            form = ProfileForm(
                name=gr.Textbox(label="Nom de la collectivité", placeholder="Commune de …", elem_id="aap-name",
                                info="Nom officiel de la commune ou de l'intercommunalité candidate."),
                kind=gr.Radio([(a.label, a.id) for a in criteria.eligible_applicants], label="Type de collectivité",
                              info="Seules les collectivités éligibles à l'appel sont proposées.", elem_id="aap-kind"),
                # no `minimum`: Gradio would refuse a lower value in English; the core names the field in French
                population=gr.Number(label="Nombre d'habitants", precision=0, elem_id="aap-population"),
                qpv_count=gr.Number(label="Nombre de quartiers prioritaires (QPV)", precision=0, value=0,
                                    elem_id="aap-qpv", info="Quartiers prioritaires de la politique de la ville."),
                context=gr.Textbox(label="Contexte local", lines=4, elem_id="aap-context",
                                   info="La situation en quelques phrases : points de deal, faits constatés, depuis "
                                        "quand, où."),
                problems=gr.Textbox(label="Problèmes constatés (un par ligne)", lines=3, elem_id="aap-problems",
                                    info="Par exemple : recrutement de mineurs, point de deal, décrochage scolaire."),
                target_ages=gr.Textbox(label="Tranche d'âge visée", placeholder="11-17", elem_id="aap-ages",
                                       info="Deux âges séparés par un tiret, par exemple 11-17."),
                existing_partners=gr.Textbox(label="Partenaires déjà engagés (un par ligne)", lines=3,
                                             elem_id="aap-partners",
                                             info="Instances et partenaires en place : CLSPD, prévention spécialisée…"),
                priority_finalites=gr.CheckboxGroup([(f.label, f.id) for f in criteria.finalites],
                                                    label="Finalités prioritaires de l'appel", elem_id="aap-finalites",
                                                    info="Cochez celles que le plan poursuit d'abord (au moins une)."),
                colleges=gr.Number(label="Nombre de collèges (facultatif)", elem_id="aap-colleges",
                                   info="Sert à proposer les actions au collège et à chiffrer les objectifs."),
                young_people=gr.Number(label="Nombre de jeunes de la tranche d'âge visée (facultatif)",
                                       elem_id="aap-young-people", info="Sert de base aux cibles des objectifs."),
                budget_eur=gr.Number(label=f"Enveloppe demandée ({criteria.publisher or 'financeur de l’appel'}), "
                                           "en euros (facultatif)",
                                     elem_id="aap-budget", info="Comparée au budget des actions chiffrées."),
                cofunders=gr.Textbox(label="Cofinanceurs déjà engagés (un par ligne, facultatif)", lines=2,
                                     elem_id="aap-cofunders", placeholder="CAF : 8 000 €\nFIPD",
                                     info="Le montant après deux-points, s'il est connu."),
                duration_months=gr.Radio(DURATIONS, value=24, label="Durée du plan", elem_id="aap-duration"),
            )
            generate = gr.Button("Générer le brouillon", variant="primary", elem_id="aap-generate")
        with gr.Column(scale=3):
            report_view = gr.Markdown(elem_id="aap-compliance", label="Rapport de conformité")
            with gr.Row():
                docx = gr.DownloadButton("Télécharger (DOCX)", visible=False, elem_id="aap-dl-docx", size="sm")
                markdown = gr.DownloadButton("Télécharger (Markdown)", visible=False, elem_id="aap-dl-md", size="sm")
                json_file = gr.DownloadButton("Télécharger (JSON)", visible=False, elem_id="aap-dl-json", size="sm")
            plan_view = gr.Markdown(elem_id="aap-plan", label="Brouillon du plan", max_height=900)
    gr.Markdown("## Modifier les actions\nCorrigez les cellules, ajoutez ou supprimez des lignes (une ligne sans "
                "numéro est une nouvelle action ; axes : " + ", ".join(criteria.axis_ids) + "), puis revalidez.")
    table = gr.Dataframe(headers=ACTION_COLUMNS, datatype=ACTION_TYPES, type="array", interactive=True, wrap=True,
                         label="Actions du plan", elem_id="aap-actions", static_columns=[0], max_height=700,
                         column_count=len(ACTION_COLUMNS),
                         # in pixels, so that a phone scrolls the table instead of wrapping it letter by letter
                         column_widths=["50px", "80px", "160px", "300px", "120px", "110px", "130px", "130px", "75px",
                                        "75px", "90px"])
    with gr.Row():
        revalidate = gr.Button("Revalider les modifications", elem_id="aap-revalidate")
        ground = gr.Button("Vérifier l'ancrage des actions dans les fiches", elem_id="aap-plan-ground")
    grounding = gr.HTML(elem_id="aap-plan-grounding", label="Ancrage des actions")
    plan_state = gr.State(None)  # the current plan, as JSON-ready data

    def show(plan_data: dict):
        """Report, downloads, views and table for a plan (an earlier grounding check is cleared); exports only
        when the plan passes the call's rules."""
        report = assistant.validate(plan_data)
        hidden = gr.DownloadButton(visible=False)
        if not report.ok:
            return (compliance_markdown(report.model_dump(mode="json")), hidden, hidden, hidden,
                    "*Corrigez les erreurs bloquantes pour afficher et télécharger le plan.*", plan_data,
                    action_rows(plan_data), "")
        plan = ActionPlan.model_validate(plan_data, context={"criteria": criteria})
        markdown_text = to_markdown(plan, criteria)  # the export escapes HTML and Markdown itself: shown as is
        paths = write_exports(plan.profile.name, {"docx": to_docx_bytes(plan, criteria), "md": markdown_text,
                                                  "json": to_json(plan)}, assistant.settings.ui_temp_max_age_s)
        return (compliance_markdown(report.model_dump(mode="json")),
                *(gr.DownloadButton(value=str(paths[k]), visible=True) for k in ("docx", "md", "json")),
                markdown_text, plan.model_dump(mode="json"), action_rows(plan.model_dump(mode="json")), "")

    outputs = [report_view, docx, markdown, json_file, plan_view, plan_state, table, grounding]

    @french_errors
    def draft(*values):
        profile = checked_profile(profile_from_form(*values), criteria)  # French errors named by the form's labels
        return show(assistant.draft(profile).model_dump(mode="json"))

    @french_errors
    def revalidate_edits(plan_data: dict | None, rows: list[list] | None):
        if not plan_data:
            raise gr.Error("Générez d'abord un brouillon.")
        return show(merge_actions(plan_data, rows or []))

    @french_errors
    def check_grounding(plan_data: dict | None):
        if not plan_data:
            raise gr.Error("Générez d'abord un brouillon.")
        return grounding_html(assistant.check_plan(plan_data).model_dump(mode="json"))

    @french_errors
    def fill_form(path: str | None):
        if not path:
            return [gr.skip()] * len(form.fields)
        return form_from_profile(load_profile(Path(path), criteria))

    upload.upload(fill_form, upload, form.fields, api_visibility="private")
    example.input(fill_form, example, form.fields, api_visibility="private")
    ground.click(check_grounding, plan_state, grounding, api_visibility="private", concurrency_id="assistant")
    generate.click(draft, form.fields, outputs, api_visibility="private", concurrency_id="assistant")
    revalidate.click(revalidate_edits, [plan_state, table], outputs, api_visibility="private",
                     concurrency_id="assistant")
