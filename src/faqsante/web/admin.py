"""The editors' workspace under /admin: entries with their history, submitted questions, merges,
analytics and the content-health report. Every route needs a signed-in editor (``require_editor``) and
every form a CSRF token (``verify_csrf``), set once on the router so that no route can forget them.

Handlers only parse the form, call the core (``faqsante.editing``, ``analytics``, ``content.lint``) and
render; forms are answered by a redirect (POST, redirect, GET), so reloading never submits twice.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.encoders import jsonable_encoder
from starlette.responses import JSONResponse, RedirectResponse, Response

from faqsante import accounts, analytics, editing
from faqsante.content.diff import history
from faqsante.content.lint import CHECKS, Finding, lint_database, lint_documents
from faqsante.content.titles import TitleSuggester
from faqsante.errors import EditConflict, InvalidInput
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.search.corpus import Document
from faqsante.store import Database
from faqsante.web import auth
from faqsante.web.auth import AdminDep, EditorDep, require_editor, verify_csrf
from faqsante.web.charts import bar_chart, column_chart, line_chart, percent
from faqsante.web.deps import DbDep
from faqsante.web.presentation import entry_title
from faqsante.web.templating import render

PERIODS = (7, 30, 90, 365)
# ?message=… after a redirect: a fixed key, never text taken from the URL.
MESSAGES = {
    "enregistree": "Modifications enregistrées.",
    "inchangee": "Aucune modification : l'entrée est identique.",
    "creee": "Entrée créée et publiée.",
    "publiee": "Entrée publiée.",
    "archivee": "Entrée archivée : elle n'apparaît plus dans la FAQ.",
    "titre": "Titre suggéré enregistré comme question.",
    "filtres": "Filtres enregistrés : l'étiquetage automatique ne les changera plus.",
    "fusionnee": "Doublon fusionné : ses avis, ses sources et son historique suivent cette entrée.",
    "repondue": "Question traitée : elle est reliée à sa réponse.",
    "ecartee": "Question écartée.",
    "compte": "Compte créé.",
    "compte-modifie": "Compte modifié.",
}

Text = Annotated[str, Form(max_length=editing.MAX_ANSWER_LENGTH)]
OptionalText = Annotated[str | None, Form(max_length=editing.MAX_ANSWER_LENGTH)]


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render an admin page with what every one of them needs: the account, the CSRF token, the message."""
    message = MESSAGES.get(request.query_params.get("message", ""))
    base = {"account": auth.current_account(request), "csrf_token": auth.csrf_token(request), "message": message}
    return render(request, f"admin/{template}", {**base, **context}, status_code=status_code)


def redirect(path: str, **params: str) -> RedirectResponse:
    return RedirectResponse(path + ("?" + urlencode(params) if params else ""), status_code=303)


def _entry_path(entry_id: str) -> str:
    return f"/admin/entrees/{entry_id}"


workspace = APIRouter(prefix="/admin", dependencies=[Depends(require_editor), Depends(verify_csrf)])


@workspace.get("")
def dashboard(request: Request, db: DbDep) -> Response:
    changes = [(entry_id, asdict(revision)) for entry_id, revision in editing.recent_changes(db)]
    return page(request, "dashboard.html", {"counts": editing.workspace_counts(db), "changes": changes})


# ------------------------------------------------------------------------------------------------ entries


@workspace.get("/entrees")
def entries(
    request: Request,
    db: DbDep,
    q: str | None = None,
    statut: str | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    listing = editing.list_entries(db, text=q, status=statut or None, page=page_number)
    context = {
        "items": [asdict(item) for item in listing.items],
        "listing": listing,
        "q": q or "",
        "statut": statut or "",
        "query": urlencode({key: value for key, value in (("q", q), ("statut", statut)) if value}),
    }
    return page(request, "entries.html", context)


@workspace.get("/entrees/nouvelle")
def new_entry_form(request: Request, question: str = "") -> Response:
    """Blank, or prefilled with a question people asked that the FAQ does not answer (from the analytics)."""
    return page(request, "new_entry.html", {"form": {"question": question, "answer": "", "section": ""}})


@workspace.post("/entrees")
def create_entry(
    request: Request, db: DbDep, editor: EditorDep, reponse: Text = "", question: OptionalText = None,
    rubrique: OptionalText = None,
) -> Response:  # fmt: skip
    try:
        entry_id = editing.create_entry(db, question=question, answer=reponse, section=rubrique, author=editor.username)
    except InvalidInput as error:
        form = {"question": question or "", "answer": reponse, "section": rubrique or ""}
        return page(request, "new_entry.html", {"form": form, "error": str(error), "field": error.field}, 400)
    return redirect(_entry_path(entry_id), message="creee")


@workspace.get("/entrees/{entry_id}")
def entry(request: Request, db: DbDep, entry_id: str) -> Response:
    return _entry_page(request, editing.get_entry(db, entry_id))


def _entry_page(
    request: Request,
    current: editing.EditableEntry,
    *,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    field: str | None = None,
    status_code: int = 200,
) -> Response:
    revisions = list(reversed(list(zip(current.revisions, history(current.revisions)))))
    context = {
        "entry": asdict(current),
        "revision": current.revision,
        "form": form or {"question": current.question or "", "answer": current.answer, "section": current.section or ""},
        "suggestion": None if current.question else _titles(request).suggest(current.answer, current.section),
        "history": [(asdict(revision), changes) for revision, changes in revisions],
        "findings": lint_documents([_document(current)]),
        "facets": _facet_choices(editing.entry_facets(request.app.state.db, current.id)),
        "error": error,
        "field": field,
    }
    return page(request, "entry.html", context, status_code)


def _titles(request: Request) -> TitleSuggester:
    """One suggester per process: it keeps its HTTP connection and the titles it already worded."""
    state = request.app.state
    if getattr(state, "title_suggester", None) is None:
        state.title_suggester = TitleSuggester(state.settings)
    return state.title_suggester


def _facet_choices(carried: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """# [{"key": "produit", "label": "…", "values": [{"key": "ins", "label": "INS…", "origin": "auto"}, …]}, …]"""
    return [
        {
            "key": facet.key,
            "label": facet.label,
            "values": [
                {"key": value.key, "label": value.label, "origin": carried[facet.key].get(value.key)}
                for value in facet.values.values()
            ],
        }
        for facet in load_taxonomy()
    ]


def _document(entry: editing.EditableEntry) -> Document:
    """The entry as the checks read it: the edit page checks this one entry alone (duplicates are on /admin/lint)."""
    return Document(entry.id, entry.question, entry.answer, entry.section, tuple(entry.sources))


@workspace.post("/entrees/{entry_id}")
def save_entry(
    request: Request,
    db: DbDep,
    editor: EditorDep,
    entry_id: str,
    revision: Annotated[int, Form()],
    reponse: Text = "",
    question: OptionalText = None,
    rubrique: OptionalText = None,
) -> Response:
    changes = {"question": question, "answer": reponse, "section": rubrique}
    return _save(request, db, editor, entry_id, changes, revision, note=None, success="enregistree")


@workspace.post("/entrees/{entry_id}/titre")
def accept_title(
    request: Request, db: DbDep, editor: EditorDep, entry_id: str, revision: Annotated[int, Form()],
    titre: Annotated[str, Form(max_length=500)],
) -> Response:  # fmt: skip
    changes = {"question": titre}
    return _save(request, db, editor, entry_id, changes, revision, note="titre suggéré accepté", success="titre")


def _save(
    request: Request,
    db: Database,
    editor: accounts.Account,
    entry_id: str,
    changes: dict[str, str | None],
    revision: int,
    *,
    note: str | None,
    success: str,
) -> Response:
    """Apply an edit and come back to the entry; on a refusal, show the form again with what was typed."""
    try:
        changed = editing.edit_entry(db, entry_id, changes, author=editor.username, base_revision=revision, note=note)
    except (InvalidInput, EditConflict) as error:
        current = editing.get_entry(db, entry_id)
        form = {
            "question": changes.get("question", current.question) or "",
            "answer": changes.get("answer", current.answer) or "",
            "section": changes.get("section", current.section) or "",
        }
        status = 409 if isinstance(error, EditConflict) else 400
        field = getattr(error, "field", None)
        return _entry_page(request, current, form=form, error=str(error), field=field, status_code=status)
    return redirect(_entry_path(entry_id), message=success if changed else "inchangee")


@workspace.post("/entrees/{entry_id}/statut")
def change_status(
    db: DbDep, editor: EditorDep, entry_id: str, statut: Annotated[str, Form(max_length=20)]
) -> Response:
    editing.set_status(db, entry_id, statut, author=editor.username)
    return redirect(_entry_path(entry_id), message="publiee" if statut == "published" else "archivee")


@workspace.post("/entrees/{entry_id}/filtres")
def save_facets(
    db: DbDep, editor: EditorDep, entry_id: str, filtre: Annotated[list[str] | None, Form()] = None
) -> Response:
    """``filtre`` holds the ticked boxes: ["produit:ins", "thematique:securite"]."""
    chosen: dict[str, list[str]] = {}
    for item in filtre or []:
        facet, _, value = item.partition(":")
        chosen.setdefault(facet, []).append(value)
    changed = editing.set_facets(db, entry_id, chosen, author=editor.username)
    return redirect(_entry_path(entry_id), message="filtres" if changed else "inchangee")


@workspace.get("/api/entrees/{entry_id}")
def entry_json(db: DbDep, entry_id: str) -> JSONResponse:
    """The entry with its whole history, as the edit page shows it."""
    return JSONResponse(jsonable_encoder(editing.get_entry(db, entry_id).to_dict()))


# ------------------------------------------------------------------------------------------------ merges


@workspace.get("/fusion")
def merge_form(request: Request, db: DbDep, doublon: str = "", garder: str = "") -> Response:
    pair = [asdict(editing.get_entry(db, entry_id)) if entry_id else None for entry_id in (doublon, garder)]
    return page(request, "merge.html", {"duplicate": pair[0], "kept": pair[1], "doublon": doublon, "garder": garder})


@workspace.post("/fusion")
def merge(
    request: Request, db: DbDep, editor: EditorDep, doublon: Annotated[str, Form(max_length=40)],
    garder: Annotated[str, Form(max_length=40)],
) -> Response:  # fmt: skip
    try:
        report = editing.merge_entries(db, doublon.strip(), garder.strip(), author=editor.username)
    except InvalidInput as error:
        context = {"duplicate": None, "kept": None, "doublon": doublon, "garder": garder, "error": str(error)}
        return page(request, "merge.html", context, 400)
    return redirect(_entry_path(report.kept), message="fusionnee")


# ------------------------------------------------------------------------------------------------ submitted questions


@workspace.get("/questions")
def questions(request: Request, db: DbDep, statut: str = "open") -> Response:
    queue = [asdict(item) for item in editing.list_questions(db, statut if statut in editing.QUESTION_STATUSES else None)]
    return page(request, "questions.html", {"questions": queue, "statut": statut, "statuses": editing.QUESTION_STATUSES})


@workspace.post("/questions/{question_id}/reponse")
def answer_question(
    request: Request,
    db: DbDep,
    editor: EditorDep,
    question_id: int,
    entree: Annotated[str | None, Form(max_length=40)] = None,
    question: OptionalText = None,
    reponse: OptionalText = None,
    rubrique: OptionalText = None,
) -> Response:
    try:
        editing.answer_question(
            db, question_id, author=editor.username, entry_id=entree or None, question=question, answer=reponse,
            section=rubrique,
        )  # fmt: skip
    except InvalidInput as error:
        queue = [asdict(item) for item in editing.list_questions(db)]
        context = {"questions": queue, "statut": "open", "statuses": editing.QUESTION_STATUSES, "error": str(error),
                   "failed": question_id}  # fmt: skip
        return page(request, "questions.html", context, 400)
    return redirect("/admin/questions", message="repondue")


@workspace.post("/questions/{question_id}/ecarter")
def dismiss_question(db: DbDep, question_id: int) -> Response:
    editing.dismiss_question(db, question_id)
    return redirect("/admin/questions", message="ecartee")


# ------------------------------------------------------------------------------------------------ analytics


def _period(jours: int) -> int:
    return jours if jours in PERIODS else 30


@workspace.get("/analytics")
def analytics_page(request: Request, db: DbDep, jours: int = 30) -> Response:
    report = analytics.build_report(db, days=_period(jours))
    days = [(day.day, day) for day in report.days]
    charts = {
        "queries": column_chart([(d, day.queries) for d, day in days], title="Questions posées par jour"),
        "helpful": line_chart([(d, day.helpful_rate) for d, day in days], title="Part d'avis « utile » par jour"),
        "abstention": line_chart([(d, day.abstention_rate) for d, day in days], title="Taux d'abstention par jour"),
        "top_queries": bar_chart([(q.query, q.count) for q in report.top_queries], title="Questions les plus posées"),
        "worst": bar_chart(
            [(_label(e), e.helpful_rate or 0.0) for e in report.worst_rated],
            title="Réponses les moins utiles",
            as_percent=True,
        ),
    }
    context = {"report": report, "charts": charts, "period": _period(jours), "periods": PERIODS, "percent": percent}
    return page(request, "analytics.html", context)


@workspace.get("/api/analytics")
def analytics_json(db: DbDep, jours: int = 30) -> JSONResponse:
    return JSONResponse(analytics.build_report(db, days=_period(jours)).to_dict())


def _label(figures: analytics.EntryFigures) -> str:
    return entry_title({"question": figures.question, "answer": figures.answer})


# ------------------------------------------------------------------------------------------------ content health


def _lint(request: Request, db: Database) -> list[Finding]:
    """The report is computed once per data version and day, then shared by the pages of this process."""
    key = (db.data_version(), date.today())
    cached = getattr(request.app.state, "lint_cache", None)
    if cached is None or cached[0] != key:
        cached = request.app.state.lint_cache = (key, lint_database(db))
    return cached[1]


@workspace.get("/lint")
def lint_page(request: Request, db: DbDep, type: str | None = None) -> Response:
    findings = _lint(request, db)
    groups = [
        (kind, check.label, [f for f in findings if f.kind == kind])
        for kind, check in CHECKS.items()
        if type in (None, "", kind)
    ]
    return page(request, "lint.html", {"groups": groups, "total": len(findings), "type": type or "", "checks": CHECKS})


@workspace.get("/api/lint")
def lint_json(request: Request, db: DbDep) -> JSONResponse:
    """The same list as ``faqsante lint --json``."""
    return JSONResponse([finding.to_dict() for finding in _lint(request, db)])


# ------------------------------------------------------------------------------------------------ accounts


@workspace.get("/utilisateurs")
def users(request: Request, db: DbDep, _admin: AdminDep) -> Response:
    return page(request, "users.html", {"users": accounts.list_users(db), "roles": accounts.ROLE_LABELS})


@workspace.post("/utilisateurs")
def create_user(
    request: Request,
    db: DbDep,
    _admin: AdminDep,
    identifiant: Annotated[str, Form(max_length=200)],
    mot_de_passe: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form(max_length=20)] = "editor",
) -> Response:
    try:
        accounts.create_user(db, identifiant, mot_de_passe, role)
    except InvalidInput as error:
        context = {"users": accounts.list_users(db), "roles": accounts.ROLE_LABELS, "error": str(error),
                   "field": error.field, "username": identifiant, "role": role}  # fmt: skip
        return page(request, "users.html", context, 400)
    return redirect("/admin/utilisateurs", message="compte")


@workspace.post("/utilisateurs/{username}/actif")
def toggle_user(db: DbDep, admin: AdminDep, username: str, actif: Annotated[bool, Form()]) -> Response:
    if username == admin.username and not actif:
        raise InvalidInput("Vous ne pouvez pas désactiver votre propre compte.")
    accounts.set_active(db, username, actif)
    return redirect("/admin/utilisateurs", message="compte-modifie")


router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
router.include_router(workspace)
