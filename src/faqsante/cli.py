"""The ``faqsante`` command: thin wrappers that parse arguments, call the core and print.

Every command takes ``--db URL`` (or the FAQSANTE_DB environment variable); the default is the embedded
SQLite database at ./var/faqsante.db.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import Progress
from rich.table import Table

from faqsante.config import Settings
from faqsante.errors import FaqsanteError
from faqsante.progress import progress_display
from faqsante.store import Database

if TYPE_CHECKING:  # the mailer and the search engine (numpy, scipy, the model) load only for the commands that use them
    from faqsante.facets.entry_tags import RetagReport
    from faqsante.mail import DeliveryReport, Mailer
    from faqsante.search import SearchEngine
    from faqsante.service import Faqsante

app = typer.Typer(
    help="faqsante : base de connaissances FAQ et réponses aux questions pour le numérique en santé.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="FAQSANTE_DB", help="URL de la base (sqlite:///… ou postgresql://…)."),
]


def open_settings(db_url: str | None) -> Settings:
    """The settings of this run; a wrong FAQSANTE_* value ends it with the reason, not a traceback."""
    try:
        return Settings().with_db(db_url)
    except FaqsanteError as error:
        raise fail(error) from None


def open_db(db_url: str | None) -> Database:
    return Database(open_settings(db_url).db_url)


def fail(error: Exception, code: int = 1) -> typer.Exit:
    # soft_wrap: a long file path in the message must stay whole, to be copied and searched for
    err_console.print(f"[bold red]Erreur[/] : {error}", soft_wrap=True)
    return typer.Exit(code)


def write_export(text: str, output: Path | None) -> None:
    """An export into ``output`` (said on standard error), or on standard output for a pipe."""
    if output:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"Export écrit dans {output}")
    else:
        sys.stdout.write(text)


def progress_bar() -> Progress:
    """A bar on a terminal, a line every few seconds on a log or a pipe (rate and time left on both)."""
    return progress_display(err_console)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Fichiers ou dossiers à importer.", exists=True)],
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Forcer le format (scraped-text, csv, json, jsonl, markdown, html)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Importer des pages de FAQ (texte extrait, HTML, CSV, JSON, Markdown) dans la base."""
    from faqsante.ingest.merge import collect_files
    from faqsante.service import Faqsante

    faq = Faqsante(open_settings(db))
    files = collect_files(paths)
    try:
        with progress_bar() as bar:
            reading = bar.add_task("Lecture des fichiers", total=len(files))
            tagging = bar.add_task("Étiquetage des filtres", total=None)
            result = faq.import_sources(
                paths, format=format, progress=lambda _path: bar.advance(reading),
                tag_progress=lambda done, total: bar.update(tagging, completed=done, total=total),
            )  # fmt: skip
            finished = bar.tasks[tagging].total or 1  # shown full even when every vector was cached
            bar.update(tagging, completed=finished, total=finished)
    except FaqsanteError as error:
        raise fail(error) from None

    report = result.ingest
    table = Table(title="Import terminé", show_header=False)
    for label, value in [
        ("Sources", len(report.sources)),
        ("Ajoutées", report.added),
        ("Mises à jour", report.updated),
        ("Inchangées", report.unchanged),
        ("Archivées", report.archived),
        ("Doublons fusionnés", report.duplicates_merged),
    ]:
        table.add_row(label, str(value))
    console.print(table)
    _print_tags(result.tags)
    _refresh_index(faq.engine)


def _print_tags(report: RetagReport) -> None:
    if report.changed:
        err_console.print(f"Filtres : {report.added} étiquettes ajoutées, {report.removed} retirées.")


def _refresh_index(engine: SearchEngine) -> None:
    """Compute what the search index lacks (new embeddings) now, so the first question is fast."""
    with_progress("Index de recherche", lambda progress: engine.refresh(progress=progress))


def with_progress(description: str, work: Callable[[Callable[[int, int], None]], T]) -> T:
    """Run ``work(progress)`` under a progress bar it drives with ``progress(done, total)``; shown full at the end
    even when there was nothing to do (everything already cached)."""
    with progress_bar() as bar:
        task = bar.add_task(description, total=None)
        result = work(lambda done, total: bar.update(task, completed=done, total=total))
        finished = bar.tasks[0].total or 1
        bar.update(task, completed=finished, total=finished)
    return result


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="La question, en langage courant.")] = None,
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=100, help="Nombre de réponses.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (un objet par question).")] = False,
    batch: Annotated[
        Path | None, typer.Option("--batch", exists=True, dir_okay=False, help="Une question par ligne.")
    ] = None,
    facet: Annotated[
        list[str] | None, typer.Option("--facet", help="Filtre facette=valeur (répétable), ex. produit=INS.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Poser une question et afficher les meilleures réponses de la FAQ."""
    from faqsante.service import Faqsante

    if (question is None) == (batch is None):
        raise fail(ValueError("donnez une question, ou --batch FICHIER (pas les deux)."), code=2)
    from faqsante.facets.taxonomy import load_taxonomy

    try:
        facets = load_taxonomy().resolve_filters(parse_facet_options(facet or []))
    except (ValueError, FaqsanteError) as error:
        raise fail(error, code=2) from None
    faq = Faqsante(open_settings(db))
    questions = batch.read_text(encoding="utf-8").splitlines() if batch else [question or ""]
    for text in questions:
        try:
            shown, _ = faq.ask(text, channel="cli", top_k=top_k, facets=facets)
        except FaqsanteError as error:
            if not batch:
                raise fail(error, code=2) from None
            # In a batch, one bad line must not shift the answers of the others: report it in place.
            failed = {"query": text, "abstained": True, "results": [], "topic": None, "error": str(error)}
            print(json.dumps(failed, ensure_ascii=False))
            continue
        if as_json or batch:
            print(json.dumps(shown, ensure_ascii=False), flush=True)
        else:
            print_result(shown)


def parse_facet_options(options: list[str]) -> dict[str, list[str]]:
    """# ["produit=INS", "produit=DMP", "thematique=sécurité"]  becomes  {"produit": ["INS", "DMP"], "thematique": ["sécurité"]}"""
    facets: dict[str, list[str]] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"filtre invalide « {option} » : attendu facette=valeur, ex. produit=INS")
        facets.setdefault(name.strip(), []).append(value.strip())
    return facets


def print_result(result: dict[str, Any]) -> None:
    """The answer object ``ask --json`` prints, as panels: # {"query", "abstained", "results": [hit, ...], ...}"""
    if result["abstained"]:
        console.print(
            Panel(
                "Aucune réponse de la FAQ ne correspond avec assez de confiance à votre question.\n"
                "Les résultats ci-dessous sont les plus proches, à lire avec prudence.",
                title="Pas de réponse",
                border_style="yellow",
            )
        )
    if not result["results"]:
        console.print("Aucun résultat.")
    for rank, hit in enumerate(result["results"], 1):
        meta = " · ".join(filter(None, [hit["section"], ", ".join(hit["sources"])]))
        console.print(
            Panel(
                hit["answer"],
                title=f"[bold]{rank}. {hit['title']}[/]",
                subtitle=f"{meta} · score {hit['score']:.3f} · confiance {hit['confidence']:.0%} · id {hit['id']}",
                border_style="green" if rank == 1 and not result["abstained"] else "blue",
            )
        )


@app.command()
def facets(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
    retag: Annotated[bool, typer.Option("--retag", help="Recalculer d'abord l'étiquetage automatique.")] = False,
    evaluate: Annotated[
        Path | None,
        typer.Option(
            "--evaluate",
            exists=True,
            dir_okay=False,
            help="Mesurer l'étiquetage sur des étiquettes posées à la main (YAML).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Les cinq filtres de la FAQ : nombre d'entrées publiées par valeur et entrées sans aucune valeur."""
    from faqsante.facets.evaluate import evaluate_file, report_table
    from faqsante.facets.taxonomy import load_taxonomy
    from faqsante.service import Faqsante

    settings = open_settings(db)
    database = Database(settings.db_url)
    faq = Faqsante(settings, db=database)
    try:
        if evaluate:
            report = evaluate_file(database, settings, evaluate)
        elif retag:
            _print_tags(with_progress("Étiquetage des filtres", lambda progress: faq.retag(progress)))
    except FaqsanteError as error:
        raise fail(error) from None
    if evaluate:
        if as_json:
            print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            console.print(report_table(report))
        return
    counts = faq.facet_counts()  # the shape of /api/facets
    if as_json:
        print(json.dumps(counts.to_dict(), ensure_ascii=False, indent=2))
        return
    taxonomy = load_taxonomy()
    for facet in taxonomy:
        table = Table(title=facet.label, title_justify="left")
        table.add_column("valeur")
        table.add_column("clé", style="dim")
        table.add_column("entrées", justify="right")
        for key, value in facet.values.items():
            table.add_row(value.label, key, str(counts.facets[facet.key][key]))
        console.print(table)
    console.print(f"Entrées sans aucun filtre : {counts.untagged}")


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl, json ou csv.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fichier de sortie (sinon la sortie standard).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Exporter toutes les entrées ; réimporter l'export dans une base vide la restaure."""
    from faqsante.store.export import EXPORT_FORMATS, render_export

    if format not in EXPORT_FORMATS:
        raise fail(ValueError(f"format d'export inconnu « {format} » (jsonl, json ou csv)"), code=2)
    text = render_export(open_db(db), format)
    write_export(text, output)


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Fichier de sauvegarde (JSON lines compressé, .jsonl.gz).")],
    verify: Annotated[
        bool, typer.Option("--verify", help="Comparer la base à une sauvegarde existante au lieu d'en écrire une.")
    ] = False,
    embeddings: Annotated[
        bool, typer.Option("--embeddings/--no-embeddings", help="Inclure les vecteurs (recalculables).")
    ] = True,
    db: DbOption = None,
) -> None:
    """Sauvegarder toute la base (contenu, historique, votes, questions, comptes) dans un fichier."""
    from faqsante.store import backup as backups

    settings = open_settings(db)
    database = Database(settings.db_url)
    try:
        if verify:
            differences = backups.verify(database, file)
        else:
            header = backups.backup(database, file, embeddings=embeddings, secret=settings.secret_key)
    except FaqsanteError as error:
        raise fail(error) from None
    if not verify:
        rows = sum(digest.count for digest in header.tables.values())
        console.print(f"Sauvegarde écrite dans {file} : {rows} lignes, {len(header.tables)} tables.")
        return
    for name, (expected, actual) in differences.items():
        err_console.print(
            f"[red]{name}[/] : {expected.count} lignes sauvegardées, {actual.count} en base, contenu différent"
        )
    if differences:
        raise typer.Exit(1)
    console.print(f"La base est identique à la sauvegarde {file}.")


@app.command()
def restore(
    file: Annotated[
        Path, typer.Argument(help="Sauvegarde écrite par « faqsante backup ».", exists=True, dir_okay=False)
    ],
    force: Annotated[bool, typer.Option("--force", help="Remplacer le contenu d'une base non vide.")] = False,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="Restaurer une sauvegarde dont la signature ne peut pas être vérifiée "
            "(autre installation, clé inconnue) : seulement si vous êtes certain de sa provenance.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Restaurer une sauvegarde signée dans une base vide (ou la remplacer avec --force), en une transaction."""
    from faqsante.store import backup as backups

    settings = open_settings(db)
    try:
        header = backups.restore(Database(settings.db_url), file, force=force, secret=settings.secret_key, trust=trust)
    except FaqsanteError as error:
        raise fail(error) from None
    rows = sum(digest.count for digest in header.tables.values())
    console.print(f"Restauration terminée : {rows} lignes, sommes de contrôle vérifiées.")


@app.command()
def lint(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON : liste de {entry_id, kind, detail}.")] = False,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Ne lancer que ce contrôle (répétable), ex. stale.")
    ] = None,
    today: Annotated[
        datetime | None, typer.Option("--today", formats=["%Y-%m-%d"], help="Date de référence (AAAA-MM-JJ).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Rapport de santé du contenu : dates dépassées, relectures en retard, réponses sans question, liens perdus,
    doublons, coordonnées."""
    from faqsante.health.lint import CHECKS, lint_database, named_titles

    unknown = sorted(set(kind or []) - set(CHECKS))
    if unknown:
        raise fail(ValueError(f"contrôle inconnu « {unknown[0]} » (contrôles : {', '.join(CHECKS)})"), code=2)
    database = open_db(db)
    findings = lint_database(database, today=today.date() if today else None, kinds=kind or None)
    if as_json:
        print(json.dumps([finding.to_dict() for finding in findings], ensure_ascii=False, indent=2))
        return
    titles = named_titles(database, findings)
    for name, check in CHECKS.items():
        rows = [finding for finding in findings if finding.kind == name]
        if not rows:
            continue
        table = Table(title=f"{check.label} ({len(rows)})", title_justify="left", show_header=False, expand=True)
        for finding in rows:
            table.add_row(finding.entry_id, titles[finding.entry_id], finding.detail)
        console.print(table)
    console.print(f"{len(findings)} point(s) à revoir.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d'écoute.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Nombre de processus.")] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Journaliser chaque requête (inutile derrière nginx).")
    ] = True,
    db: DbOption = None,
) -> None:
    """Servir le portail web et l'API JSON."""
    import os

    import uvicorn

    if db:
        os.environ["FAQSANTE_DB"] = db  # workers are separate processes: they read settings from the environment
    # One embedding thread per worker: OpenMP's default, a thread per core in every worker, oversubscribes the
    # cores and multiplies the latency of each question (on 2 busy cores: 40 ms with one thread, 400 ms with two).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from faqsante.web.metrics import multiprocess_metrics

    Database(open_settings(db).db_url)  # migrate once, before the workers start
    with multiprocess_metrics(workers):
        uvicorn.run(
            "faqsante.web.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=access_log,
            server_header=False,
            # uvicorn would believe X-Forwarded-For from 127.0.0.1 (FORWARDED_ALLOW_IPS) with no proxy there:
            # the app believes FAQSANTE_TRUSTED_PROXIES only (faqsante.web.security.install_proxy_headers).
            proxy_headers=False,
        )


@app.command("eval")
def evaluate_command(
    questions: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help='Fichier JSON [{"q", "keys"}].')],
    as_json: Annotated[bool, typer.Option("--json", help="Rapport JSON.")] = False,
    folds: Annotated[
        int | None,
        typer.Option("--folds", min=2, max=20, help="Validation croisée en k plis : chiffres par pli et moyenne."),
    ] = None,
    warm: Annotated[
        bool,
        typer.Option("--warm", help="Avec --folds : les questions des autres plis servent de questions alternatives."),
    ] = False,
    reranker: Annotated[
        str,
        typer.Option("--reranker", help="Second regard sur les meilleures réponses : identity (défaut), proximity."),
    ] = "identity",
    db: DbOption = None,
) -> None:
    """Mesurer la qualité des réponses sur un jeu de questions (hit@1, hit@5, MRR@10, abstention)."""
    from faqsante.search import SearchEngine
    from faqsante.search.evaluate import cross_validate, evaluate, folds_table, load_questions, report_table
    from faqsante.search.rerank import RERANKERS
    from faqsante.search.settings import DEFAULT

    if warm and folds is None:
        raise fail(ValueError("--warm demande --folds (par exemple --folds 5)"), code=2)
    if reranker not in RERANKERS:
        raise fail(ValueError(f"--reranker inconnu « {reranker} » (connus : {', '.join(sorted(RERANKERS))})"), code=2)
    search = dataclasses.replace(DEFAULT, reranker=reranker)
    items = load_questions(questions)
    settings = open_settings(db)
    database = Database(settings.db_url)
    engine = SearchEngine(database, settings, search)
    _refresh_index(engine)
    if folds is None:
        report = evaluate(engine, items)
        if as_json:
            print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        else:
            console.print(report_table(report, title=f"Qualité des réponses : {questions.name}"))
        return
    validation = cross_validate(
        database,
        lambda source: engine if source is None else SearchEngine(database, settings, search, questions=source),
        items,
        folds=folds,
        warm=warm,
    )
    if as_json:
        print(json.dumps(validation.to_dict(), ensure_ascii=False, indent=1))
    else:
        mode = "à chaud" if warm else "à froid"
        console.print(folds_table(validation, title=f"Validation croisée {mode}, {folds} plis : {questions.name}"))


@app.command()
def glossary(
    search: Annotated[str, typer.Option("--search", "-s", help="Seulement les termes qui contiennent ce texte.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (une liste de termes).")] = False,
    db: DbOption = None,
) -> None:
    """Afficher le glossaire : fichier livré, termes des rédacteurs (/admin/glossaire) et sigles trouvés dans les réponses."""
    from faqsante.editing.glossary import KIND_LABELS, snapshot
    from faqsante.service import Faqsante

    items = Faqsante(open_settings(db)).glossary(search)
    if as_json:
        # [{"key": "ecps", "term": "e-CPS", "kind": "acronym", "forms": [...], "definition": "…", "enabled": true,
        #   "origin": "curated", "status": "livré", "searched": false}, ...]
        rows = [{"key": i.key, **snapshot(i.entry), "status": i.status, "searched": i.searched} for i in items]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table("Terme", "Nature", "Formes développées ou synonymes", "État")
    for item in items:
        state = f"{item.status}, appliqué à la recherche" if item.searched else item.status
        table.add_row(item.entry.term, KIND_LABELS[item.entry.kind], " ; ".join(item.entry.expansions), state)
    console.print(table)


@app.command()
def feedback(
    entry: Annotated[str | None, typer.Option("--entry", help="Seulement les avis sur cette entrée.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (une liste d'avis).")] = False,
    db: DbOption = None,
) -> None:
    """Lister les avis « Cette réponse vous a-t-elle été utile ? » (un par visiteur et par entrée)."""
    from faqsante.feedback.audience import list_votes

    votes = list_votes(open_db(db), entry)
    if as_json:
        print(json.dumps([vote.to_dict() for vote in votes], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(votes)} avis")
    for column in ("Date", "Entrée", "Utile", "Commentaire", "Question"):
        table.add_column(column)
    for vote in votes:
        table.add_row(
            f"{vote.created_at:%Y-%m-%d %H:%M}",
            vote.entry_id,
            "oui" if vote.helpful else "non",
            vote.comment or "",
            vote.query or "",
        )
    console.print(table)


questions_app = typer.Typer(
    help="Questions des entrées : import d'un historique, export, suggestions apprises à valider.", no_args_is_help=True
)
app.add_typer(questions_app, name="questions")


@questions_app.command("import")
def questions_import(
    file: Annotated[
        Path, typer.Argument(help="Historique de questions (JSON, JSONL ou CSV).", exists=True, dir_okay=False)
    ],
    suggest: Annotated[
        bool, typer.Option("--suggest", help="En faire des suggestions à valider au lieu de les accepter.")
    ] = False,
    format: Annotated[str | None, typer.Option("--format", "-f", help="Forcer le format (json, jsonl, csv).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON du compte rendu.")] = False,
    db: DbOption = None,
) -> None:
    """Rattacher des questions aux entrées dont la réponse contient un de leurs extraits (ou à leur identifiant)."""
    from faqsante.ingest.question_history import import_file

    settings = open_settings(db)
    try:
        report = import_file(
            Database(settings.db_url), file, format=format, suggest=suggest, max_mb=settings.ingest_max_mb
        )
    except FaqsanteError as error:
        raise fail(error) from None
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    table = Table(title=f"Import de questions : {file.name}", show_header=False)
    for label, value in [
        ("Questions lues", report.items),
        ("Rattachées à une entrée", report.matched),
        ("Sans réponse dans la FAQ (gardées comme telles)", report.unanswerable),
        ("Sans correspondance", len(report.unmatched)),
        ("Extraits ignorés (trop courts ou trop fréquents)", len(report.skipped)),
        ("Entrées concernées", len(report.entries)),
        ("Ajoutées" + (" comme suggestions" if suggest else ""), report.added),
        ("Déjà présentes", report.already),
        ("Refusées auparavant par un rédacteur", report.refused),
    ]:
        table.add_row(label, str(value))
    console.print(table)
    for item in report.unmatched[:20]:
        err_console.print(f"Sans correspondance (ligne {item.line}) : {item.text}", soft_wrap=True)
    if len(report.unmatched) > 20:
        err_console.print(f"… et {len(report.unmatched) - 20} autres (--json pour la liste complète).")
    for skip in report.skipped[:20]:
        err_console.print(f"Extrait ignoré (ligne {skip.item.line}) : « {skip.key} » : {skip.reason}", soft_wrap=True)
    if len(report.skipped) > 20:
        err_console.print(f"… et {len(report.skipped) - 20} autres extraits ignorés (--json pour la liste complète).")


@questions_app.command("export")
def questions_export(
    format: Annotated[str, typer.Option("--format", "-f", help="json, jsonl ou csv.")] = "json",
    state: Annotated[
        list[str] | None, typer.Option("--state", help="États exportés (répétable) : accepted, suggested, rejected.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fichier de sortie (sinon la sortie standard).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Exporter les questions (acceptées par défaut), dans un format que « questions import » relit."""
    from faqsante.ingest.question_history import render_questions
    from faqsante.store.models import QUESTION_STATES

    states = state or ["accepted"]
    unknown = sorted(set(states) - set(QUESTION_STATES))
    if unknown:
        raise fail(ValueError(f"état inconnu « {unknown[0]} » (accepted, suggested ou rejected)"), code=2)
    try:
        text = render_questions(open_db(db), format, states=states)
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    write_export(text, output)


@questions_app.command("suggestions")
def questions_suggestions(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON : liste de suggestions.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Nombre de suggestions affichées.")] = 50,
    db: DbOption = None,
) -> None:
    """Les questions apprises en attente de validation, les plus posées d'abord."""
    from faqsante.feedback.suggestions import list_suggestions

    suggestions = list_suggestions(open_db(db), limit=limit)
    if as_json:
        print(json.dumps([s.question.to_dict() for s in suggestions], ensure_ascii=False))
        return
    if not suggestions:
        console.print("Aucune suggestion en attente.")
        return
    table = Table(title=f"{len(suggestions)} suggestion(s)")
    for column in ("n°", "posée", "question suggérée", "entrée", "titre de l'entrée"):
        table.add_column(column)
    for suggestion in suggestions:
        question = suggestion.question
        row = (str(question.id), str(question.asked_count), question.text, str(question.entry_id))
        table.add_row(*row, suggestion.entry_title)
    console.print(table)


entries_app = typer.Typer(help="Entrées de la FAQ : suivi de leur relecture.", no_args_is_help=True)
app.add_typer(entries_app, name="entries")


@entries_app.command("review")
def entries_review(
    entry_id: Annotated[str, typer.Argument(help="Identifiant de l'entrée.")],
    review_date: Annotated[
        str | None, typer.Option("--date", help="Jour où la relire (AAAA-MM-JJ) ; « » pour l'effacer.")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Qui en répond ; « » pour l'effacer.")] = None,
    db: DbOption = None,
) -> None:
    """Fixer la date de relecture d'une entrée et son responsable ; passée cette date, `faqsante lint` la signale."""
    from faqsante import editing
    from faqsante.service import Faqsante

    faq = Faqsante(open_settings(db))
    try:
        current = editing.get_entry(faq.db, entry_id)
        review_at = current.review_at if review_date is None else editing.parse_review_date(review_date)
        changed = faq.set_review(entry_id, review_at=review_at, owner=current.owner if owner is None else owner)
        after = editing.get_entry(faq.db, entry_id)
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    when = f"à relire le {after.review_at:%d/%m/%Y}" if after.review_at else "sans date de relecture"
    who = f"responsable : {after.owner}" if after.owner else "sans responsable"
    console.print(f"Entrée {entry_id} : {when}, {who}{'' if changed else ' (inchangé)'}.")


user_app = typer.Typer(help="Comptes des rédacteurs et administrateurs de l'espace /admin.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _read_password(from_stdin: bool) -> str:
    """The new password, from standard input (scripts) or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Mot de passe", hide_input=True)
    if typer.prompt("Confirmez le mot de passe", hide_input=True) != password:
        raise fail(ValueError("les deux mots de passe saisis diffèrent."), code=2)
    return password


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Identifiant de connexion.")],
    role: Annotated[str, typer.Option("--role", help="editor (rédacteur) ou admin (administrateur).")] = "editor",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Créer un compte ; le mot de passe est demandé deux fois, sans affichage."""
    from faqsante.accounts import create_user

    database = open_db(db)
    try:
        account = create_user(database, username, _read_password(password_stdin), role)
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    console.print(f"Compte « {account.username} » créé ({account.role_label}).")


@user_app.command("list")
def user_list(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False, db: DbOption = None
) -> None:
    """Lister les comptes."""
    from faqsante.accounts import list_users

    accounts = list_users(open_db(db))
    if as_json:
        rows = [{"username": a.username, "role": a.role, "active": a.active, "email": a.email, "notify": a.notify,
                 "two_factor": a.two_factor} for a in accounts]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(accounts)} compte(s)")
    for column in ("Identifiant", "Rôle", "Actif", "E-mail", "Notifications", "Double authentification"):
        table.add_column(column)
    for account in accounts:
        active, two_factor = ("oui" if account.active else "non"), ("oui" if account.two_factor else "non")
        table.add_row(
            account.username, account.role_label, active, account.email or "", account.notify_label, two_factor
        )
    console.print(table)


@user_app.command("notify")
def user_notify(
    username: Annotated[str, typer.Argument(help="Identifiant du compte.")],
    email: Annotated[
        str | None, typer.Option("--email", help="Adresse où écrire (\"\" l'efface) ; inchangée sans l'option.")
    ] = None,
    frequency: Annotated[
        str | None,
        typer.Option(
            "--frequency", help="none (aucune), immediate ou daily (résumé quotidien) ; inchangée sans l'option."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Choisir l'adresse e-mail et la fréquence des e-mails annonçant les nouvelles questions et suggestions."""
    from faqsante.accounts import find_user, set_notifications

    database = open_db(db)
    try:
        current = find_user(database, username)
        account = set_notifications(
            database,
            username,
            email=current.email if email is None else email,
            notify=current.notify if frequency is None else frequency,
        )
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    where = f" à {account.email}" if account.email else ""
    console.print(f"Notifications de « {account.username} » : {account.notify_label}{where}.")


@user_app.command("password")
def user_password(
    username: Annotated[str, typer.Argument(help="Identifiant du compte.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Changer le mot de passe d'un compte (ses sessions ouvertes prennent fin)."""
    from faqsante.accounts import set_password

    try:
        set_password(open_db(db), username, _read_password(password_stdin))
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    console.print(f"Mot de passe de « {username} » changé.")


@user_app.command("disable")
def user_disable(
    username: Annotated[str, typer.Argument(help="Identifiant du compte.")],
    enable: Annotated[bool, typer.Option("--enable", help="Réactiver le compte au lieu de le désactiver.")] = False,
    db: DbOption = None,
) -> None:
    """Désactiver un compte (ou le réactiver avec --enable) ; ses modifications restent."""
    from faqsante.accounts import set_active

    try:
        set_active(open_db(db), username, enable)
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    console.print(f"Compte « {username} » {'réactivé' if enable else 'désactivé'}.")


@user_app.command("reset-2fa")
def user_reset_2fa(
    username: Annotated[str, typer.Argument(help="Identifiant du compte.")], db: DbOption = None
) -> None:
    """Retirer la double authentification d'un compte (téléphone perdu) : le mot de passe suffit de nouveau,
    ses sessions ouvertes prennent fin. Son titulaire peut la réactiver depuis « Mon compte »."""
    from faqsante.two_factor import disable

    try:
        disable(open_db(db), username, keep_session=None)
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    console.print(f"Double authentification de « {username} » réinitialisée : le mot de passe suffit de nouveau.")


titles_app = typer.Typer(
    help="Titres des entrées sans question : les écrire dans un tableur (export), puis les appliquer (import).",
    no_args_is_help=True,
)
app.add_typer(titles_app, name="titles")


@titles_app.command("export")
def titles_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fichier CSV de sortie (sinon la sortie standard).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Exporter en CSV les entrées publiées sans question (id, titre, candidats, extrait), les plus consultées d'abord."""
    from faqsante.content.titles import TitleSuggester
    from faqsante.editing.title_sheet import export_sheet

    settings = open_settings(db)
    text = export_sheet(Database(settings.db_url), TitleSuggester(settings))
    write_export(text, output)


@titles_app.command("import")
def titles_import(
    path: Annotated[
        Path, typer.Argument(help="Le CSV exporté, colonne « titre » réécrite.", exists=True, dir_okay=False)
    ],
    author: Annotated[str, typer.Option("--auteur", help="Nom signé dans l'historique des entrées.")] = "import-titres",
    db: DbOption = None,
) -> None:
    """Appliquer les titres d'un CSV : chaque titre changé devient la question de son entrée (rien n'est écrit en cas d'erreur)."""
    from faqsante.editing.title_sheet import import_sheet

    settings = open_settings(db)
    try:
        changed = import_sheet(Database(settings.db_url), path, author=author, settings=settings)
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    console.print(f"{len(changed)} titre(s) enregistré(s).")


inbox_app = typer.Typer(
    help="Questions envoyées par les visiteurs : lister, relier à une réponse, écarter ; les e-mails qui en parlent.",
    no_args_is_help=True,
)
app.add_typer(inbox_app, name="inbox")


def _mailer(settings: Settings) -> Mailer | None:
    """The configured mailer, None when mail is off; a half configuration stops the command."""
    from faqsante.mail import Mailer

    try:
        return Mailer.from_settings(settings)
    except FaqsanteError as error:
        raise fail(error, code=2) from None


@inbox_app.command("list")
def inbox_list(
    status: Annotated[
        str, typer.Option("--status", "--statut", help="open (à traiter), answered, dismissed ou all.")
    ] = "open",
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON, réponses proposées comprises.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, max=1000, help="Questions par page (autant que /admin/questions).")
    ] = None,
    page: Annotated[int, typer.Option("--page", min=1, help="Page affichée (la première : les plus anciennes).")] = 1,
    db: DbOption = None,
) -> None:
    """Lister les questions reçues, les plus anciennes d'abord, avec les réponses que la recherche propose pour
    chacune ; une page de --limit questions à la fois (--page), comme la file de /admin/questions."""
    from faqsante.editing import QUESTION_STATUSES, QUEUE_PAGE_SIZE, queue_page
    from faqsante.search import SearchEngine

    if status not in (*QUESTION_STATUSES, "all"):
        raise fail(ValueError(f"statut inconnu « {status} » (open, answered, dismissed ou all)."), code=2)
    settings = open_settings(db)
    database = Database(settings.db_url)
    try:
        listing = queue_page(
            database, None if status == "all" else status, page=page, per_page=limit or QUEUE_PAGE_SIZE,
            engine=SearchEngine(database, settings),
        )  # fmt: skip
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    if as_json:
        print(json.dumps([item.to_dict() for item in listing.items], ensure_ascii=False, indent=2, default=str))
        return
    shown = f", page {listing.page} sur {listing.pages}" if listing.pages > 1 else ""
    table = Table(title=f"{listing.total} question(s){shown}")
    for column in ("N°", "Reçue le", "Question", "E-mail", "Réponses proposées / réponse"):
        table.add_column(column)
    for item in listing.items:
        proposed = "\n".join(f"{hit.id} ({hit.confidence:.0%}) {hit.title}" for hit in item.candidates)
        answer = f"{item.answer_entry_id} {item.answer_title or ''}" if item.answer_entry_id else proposed
        mail = f"{item.email or ''}{f' ({item.mail.status})' if item.mail else ''}"
        table.add_row(str(item.id), f"{item.created_at:%d/%m/%Y}", item.question, mail, answer)
    console.print(table)


@inbox_app.command("link")
def inbox_link(
    question_id: Annotated[int, typer.Argument(help="Numéro de la question (inbox list).")],
    entry_id: Annotated[str, typer.Argument(help="Identifiant de l'entrée qui y répond.")],
    author: Annotated[
        str, typer.Option("--author", "--auteur", help="Nom inscrit dans l'historique.")
    ] = "ligne de commande",
    db: DbOption = None,
) -> None:
    """Relier une question à l'entrée qui y répond ; le visiteur qui a laissé son adresse reçoit un e-mail."""
    from faqsante.mail import latest_by_question
    from faqsante.service import Faqsante

    settings = open_settings(db)
    faq = Faqsante(settings, mailer=_mailer(settings))
    try:
        linked = faq.link_question(question_id, author=author, entry_id=entry_id)
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    console.print(f"Question {question_id} reliée à l'entrée {linked}.")
    faq.send_mail()
    mail = latest_by_question(faq.db, [question_id]).get(question_id)
    if mail is None:
        return
    if mail.status == "sent":
        console.print(f"E-mail envoyé à {mail.recipient}.")
    elif mail.status == "failed":
        err_console.print(f"E-mail à {mail.recipient} non envoyé : {mail.last_error}")
    else:
        err_console.print(
            f"E-mail à {mail.recipient} pas encore envoyé : {mail.last_error} (faqsante inbox send le renverra)."
        )


@inbox_app.command("dismiss")
def inbox_dismiss(
    question_id: Annotated[int, typer.Argument(help="Numéro de la question (inbox list).")], db: DbOption = None
) -> None:
    """Écarter une question sans réponse (hors sujet, doublon, indésirable)."""
    from faqsante.editing import dismiss_question

    try:
        dismiss_question(open_db(db), question_id)
    except FaqsanteError as error:
        raise fail(error, code=2) from None
    console.print(f"Question {question_id} écartée.")


@inbox_app.command("send")
def inbox_send(db: DbOption = None) -> None:
    """Envoyer les e-mails en attente dont l'heure est venue (le serveur web le fait chaque minute)."""
    _print_delivery(_mailing_service(db).send_mail())


@inbox_app.command("digest")
def inbox_digest(db: DbOption = None) -> None:
    """Envoyer à chaque rédacteur abonné au résumé quotidien ce qui est nouveau depuis son dernier résumé (cron)."""
    _print_delivery(_mailing_service(db).send_digests())


def _mailing_service(db: str | None) -> Faqsante:
    from faqsante.service import Faqsante

    settings = open_settings(db)
    mailer = _mailer(settings)
    if mailer is None:
        raise fail(
            ValueError("envoi d'e-mails non configuré (FAQSANTE_SMTP_URL, FAQSANTE_MAIL_FROM, FAQSANTE_PUBLIC_URL)."),
            code=2,
        )
    return Faqsante(settings, mailer=mailer)


def _print_delivery(report: DeliveryReport | None) -> None:
    assert report is not None  # mail is on
    console.print(
        f"{len(report.sent)} envoyé(s), {len(report.retrying)} à réessayer, {len(report.failed)} en échec définitif."
    )


if __name__ == "__main__":
    app()
