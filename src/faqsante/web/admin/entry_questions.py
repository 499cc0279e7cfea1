"""The questions each entry answers: suggestions learned from visitors to accept or reject (one by one or in
bulk), an entry's own questions to add, reword, delete or promote to its title, and the entries that still
have no question (« sans question »). Every decision reaches search from the next question asked.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Query, Request
from starlette.responses import Response

from faqsante import editing
from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.editing import titles
from faqsante.errors import InvalidInput
from faqsante.feedback import suggestions as learned
from faqsante.store import Database
from faqsante.web.admin.base import entry_path, page, redirect, workspace_router
from faqsante.web.admin.entries import entry_page
from faqsante.web.admin.entries import suggester as _titles
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep, ServiceDep, SettingsDep
from faqsante.web.params import MAX_ROW_ID, RowId, Text

router = workspace_router()

SUGGESTIONS_PAGE = 200  # the most asked first: what an editor can review in one sitting
UNTITLED_PAGE = 50  # entries, most visited first: what an editor titles in one sitting
QuestionText = Annotated[Text, Form(max_length=MAX_QUESTION_LENGTH * 2)]  # over-long text gets a French message
# Where a decision sends the editor back: a fixed set of pages, never a URL taken from the form.
RETURNS = {"suggestions": "/admin/suggestions", "sans-question": "/admin/sans-question"}


@router.get("/suggestions")
def suggestions(request: Request, db: DbDep) -> Response:
    listed = learned.list_suggestions(db, limit=SUGGESTIONS_PAGE)
    rows = [{**suggestion.question.to_dict(), "entry_title": suggestion.entry_title} for suggestion in listed]
    total = learned.count_suggestions(db)
    return page(request, "suggestions.html", {"suggestions": rows, "total": total, "shown": len(rows)})


@router.post("/suggestions")
def decide(
    faq: ServiceDep,
    editor: EditorDep,
    question: Annotated[list[RowId], Form()] = [],  # noqa: B006  (FastAPI reads the default, never mutates it)
    decision: Annotated[str, Form(max_length=20)] = "",
    seul: Annotated[str, Form(max_length=40)] = "",
    retour: Annotated[str, Form(max_length=60)] = "suggestions",
) -> Response:
    """Accept or reject: one suggestion (``seul`` = "accepted:12", its own button) or every ticked one."""
    if seul:
        decision, _, single = seul.partition(":")
        chosen = [int(single)] if single.isdigit() and 0 < int(single) <= MAX_ROW_ID else []
    else:
        chosen = question
    if decision not in ("accepted", "rejected"):
        raise InvalidInput("Choisissez « Accepter » ou « Refuser ».")
    if not chosen:
        raise InvalidInput("Cochez au moins une suggestion.")
    faq.decide_suggestions(chosen, decision, author=editor.username)
    message = "suggestions-acceptees" if decision == "accepted" else "suggestions-refusees"
    return redirect(_back(retour), message=message)


@router.get("/sans-question")
def untitled(
    request: Request, db: DbDep, page_number: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1
) -> Response:
    """Every published entry without an editors' question, most visited first, with its candidate titles."""
    total = titles.count_untitled(db)
    pages = max(1, -(-total // UNTITLED_PAGE))
    page_number = min(page_number, pages)
    listed = titles.untitled(db, _titles(request), offset=(page_number - 1) * UNTITLED_PAGE, limit=UNTITLED_PAGE)
    context = {"entries": listed, "total": total, "page_number": page_number, "pages": pages}
    return page(request, "untitled.html", context)


@router.post("/sans-question/titre")
def set_title(
    db: DbDep,
    settings: SettingsDep,
    editor: EditorDep,
    entree: Annotated[str, Form(max_length=40)] = "",
    titre: QuestionText = "",
    choisi: QuestionText = "",
    suivante: Annotated[str, Form(max_length=40)] = "",
    page_number: Annotated[int, Form(alias="page", ge=1, le=10**6)] = 1,
) -> Response:
    """One entry's title: a candidate's button (``choisi``), else the text edited in place (``titre``)."""
    titles.require_untitled(db, entree)
    titles.set_titles(db, {entree: choisi or titre}, author=editor.username, settings=settings)
    return _back_to_desk(page_number, suivante, "titre-enregistre")


@router.post("/sans-question/lot")
def set_titles(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    editor: EditorDep,
    entree: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI reads the default, never mutates it)
    page_number: Annotated[int, Form(alias="page", ge=1, le=10**6)] = 1,
) -> Response:
    """The proposed title (the first candidate) of every ticked entry, in one change (the page offers a box only
    to entries that have one)."""
    if not entree:
        raise InvalidInput("Cochez au moins une entrée.")
    for entry_id in entree:
        titles.require_untitled(db, entry_id)
    listed = titles.untitled(db, _titles(request), entry_ids=entree)
    proposed = {item.id: item.proposed for item in listed if item.proposed}
    titles.set_titles(db, proposed, author=editor.username, settings=settings)
    return _back_to_desk(page_number, "", "titres-enregistres")


def _back_to_desk(page_number: int, next_id: str, message: str) -> Response:
    """# (2, "627b0cbf71bb", "titre-enregistre") -> /admin/sans-question?page=2&message=…#e-627b0cbf71bb"""
    response = redirect(RETURNS["sans-question"], page=str(page_number), message=message)
    if next_id:
        response.headers["location"] += "#e-" + quote(next_id, safe="")
    return response


@router.post("/entrees/{entry_id}/questions")
def add(
    request: Request, db: DbDep, faq: ServiceDep, editor: EditorDep, entry_id: str, texte: QuestionText = ""
) -> Response:
    try:
        faq.add_question(entry_id, texte, author=editor.username)
    except InvalidInput as error:
        return _entry_error(request, db, entry_id, error, typed=(None, texte))
    return redirect(entry_path(entry_id) + "#questions", message="question-ajoutee")


@router.post("/entrees/{entry_id}/questions/{question_id}/modifier")
def edit(
    request: Request,
    db: DbDep,
    faq: ServiceDep,
    editor: EditorDep,
    entry_id: str,
    question_id: RowId,
    texte: QuestionText = "",
) -> Response:
    try:
        faq.edit_question(question_id, texte, author=editor.username, entry_id=entry_id)
    except InvalidInput as error:
        return _entry_error(request, db, entry_id, error, typed=(question_id, texte))
    return redirect(entry_path(entry_id), message="question-modifiee")


@router.post("/entrees/{entry_id}/questions/{question_id}/supprimer")
def remove(faq: ServiceDep, entry_id: str, question_id: RowId) -> Response:
    faq.delete_question(question_id, entry_id=entry_id)
    return redirect(entry_path(entry_id), message="question-supprimee")


@router.post("/entrees/{entry_id}/questions/{question_id}/principale")
def make_main(faq: ServiceDep, editor: EditorDep, entry_id: str, question_id: RowId) -> Response:
    kept = faq.promote_question(question_id, author=editor.username, entry_id=entry_id)
    return redirect(entry_path(kept), message="question-principale")


def _back(retour: str) -> str:
    """# "suggestions" -> /admin/suggestions ; "entree:627b0cbf71bb" -> /admin/entrees/627b0cbf71bb"""
    kind, _, entry_id = retour.partition(":")
    if kind == "entree" and entry_id:
        return entry_path(entry_id)
    return RETURNS.get(retour, RETURNS["suggestions"])


def _entry_error(
    request: Request, db: Database, entry_id: str, error: InvalidInput, *, typed: tuple[int | None, str]
) -> Response:
    """The entry's page again, with the message and the question as typed (nothing was written)."""
    return entry_page(request, editing.get_entry(db, entry_id), error=str(error), status_code=400, typed_question=typed)
