"""Entries: the list, the new-entry form, each entry's page with its history, filters and suggested title."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.encoders import jsonable_encoder
from starlette.responses import JSONResponse, Response

from faqsante import accounts, editing
from faqsante.answers import catalog
from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.content.titles import TitleSuggester
from faqsante.editing.diff import history
from faqsante.errors import EditConflict, InvalidInput
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.feedback import analytics, audience
from faqsante.health.lint import lint_documents
from faqsante.search.corpus import Document
from faqsante.store import Database
from faqsante.store.models import MAX_OWNER_LENGTH
from faqsante.store.questions import questions_by_state
from faqsante.web.admin.base import (
    AnswerField,
    OptionalText,
    SectionField,
    entry_path,
    page,
    redirect,
    workspace_router,
)
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep, ServiceDep, get_db, get_service, get_settings, web_state
from faqsante.web.params import Day, PageNumber, RowId

router = workspace_router()
Action = Annotated[Literal["brouillon", "publier"], Form()]


@router.get("/entrees")
def entries(
    request: Request,
    db: DbDep,
    q: str | None = None,
    status: Annotated[str | None, Query(alias="statut")] = None,
    page_number: Annotated[PageNumber, Query(alias="page")] = 1,
) -> Response:
    listing = editing.list_entries(db, text=q, status=status or None, page=page_number)
    context = {
        "items": [asdict(item) for item in listing.items],
        "listing": listing,
        "q": q or "",
        "statut": status or "",
        "query": urlencode({key: value for key, value in (("q", q), ("statut", status)) if value}),
    }
    return page(request, "entries.html", context)


@router.get("/entrees/nouvelle")
def new_entry_form(request: Request, question: str = "") -> Response:
    """Blank, or prefilled with a question people asked that the FAQ does not answer (from the analytics)."""
    return page(request, "new_entry.html", {"form": {"question": question, "answer": "", "section": ""}})


@router.post("/entrees")
def create_entry(
    request: Request, faq: ServiceDep, editor: EditorDep, answer: AnswerField = "",
    question: OptionalText = None, section: SectionField = None, action: Action = "publier",
) -> Response:  # fmt: skip
    """``action``: « publier » (visible at once) or « brouillon » (kept out of the FAQ until published)."""
    status = "draft" if action == "brouillon" else "published"
    try:
        entry_id = faq.create_entry(
            question=question, answer=answer, section=section, author=editor.username, status=status
        )
    except InvalidInput as error:
        form = {"question": question or "", "answer": answer, "section": section or ""}
        return page(request, "new_entry.html", {"form": form, "error": str(error), "field": error.field}, 400)
    return redirect(entry_path(entry_id), message="brouillon-cree" if status == "draft" else "creee")


@router.get("/entrees/{entry_id}")
def entry(
    request: Request,
    db: DbDep,
    entry_id: str,
    du: Annotated[Day | None, Query(description="avis depuis ce jour (AAAA-MM-JJ)")] = None,
    au: Annotated[Day | None, Query(description="avis jusqu'à ce jour inclus")] = None,
) -> Response:
    return entry_page(request, editing.get_entry(db, entry_id), feedback_period=(du, au))


def entry_page(
    request: Request,
    current: editing.EditableEntry,
    *,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    field: str | None = None,
    status_code: int = 200,
    feedback_period: tuple[date | None, date | None] = (None, None),
    typed_question: tuple[int | None, str] | None = None,
    review_form: dict[str, str] | None = None,
) -> Response:
    """The entry's page; ``form`` holds what was typed when a save was refused (else its draft, else the entry),
    ``typed_question`` a refused question as typed: (its number, or None for a new one; its text)."""
    revisions = list(reversed(list(zip(current.revisions, history(current.revisions), strict=True))))
    db = get_db(request)
    draft = editing.get_draft(db, current.id)
    pending = draft or current
    context = {
        "entry": asdict(current),
        "public_url": catalog.get_entry(db, current.id).url if current.status == "published" else None,
        "revision": current.revision,
        "form": form
        or {"question": pending.question or "", "answer": pending.answer, "section": pending.section or ""},
        "draft": draft,
        "entry_revision": current.revision,
        "suggestion": None if current.question else suggester(request).suggest(current.answer, current.section),
        "history": [(asdict(revision), changes) for revision, changes in revisions],
        "findings": lint_documents([_document(current)]),
        "facets": _facet_choices(editing.entry_facets(db, current.id)),
        "questions": questions_by_state(db, current.id),
        "typed_question": typed_question,
        "review_form": review_form
        or {
            "date_relecture": current.review_at.isoformat() if current.review_at else "",
            "responsable": current.owner or "",
        },
        "error": error,
        "field": field,
        "feedback": _feedback(db, current.id, *feedback_period),
    }
    return page(request, "entry.html", context, status_code)


def _feedback(db: Database, entry_id: str, start: date | None, end: date | None) -> dict[str, Any]:
    """Votes on the entry and the comments that came with them, between two days (both optional)."""
    votes = audience.list_votes(db, entry_id)
    return {
        "helpful": sum(vote.helpful for vote in votes),
        "unhelpful": sum(not vote.helpful for vote in votes),
        "comments": analytics.list_comments(db, entry_id=entry_id, start=start, end=end),
        "du": start.isoformat() if start else "",
        "au": end.isoformat() if end else "",
    }


def suggester(request: Request) -> TitleSuggester:
    """One suggester per process: it keeps its HTTP connection and the titles it already worded."""
    caches = web_state(request.app).caches
    suggester = caches.get("titles")
    if not isinstance(suggester, TitleSuggester):
        suggester = caches["titles"] = TitleSuggester(get_settings(request))
    return suggester


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
    return Document(
        entry.id, entry.question, entry.answer, entry.section, tuple(entry.sources),
        review_at=entry.review_at, owner=entry.owner,
    )  # fmt: skip


@router.post("/entrees/{entry_id}")
def save_entry(
    request: Request,
    db: DbDep,
    editor: EditorDep,
    entry_id: str,
    revision: Annotated[RowId, Form()],
    answer: AnswerField = "",
    question: OptionalText = None,
    section: SectionField = None,
    action: Action = "publier",
    draft_seen: Annotated[str, Form(alias="brouillon_vu", max_length=200)] = "",
) -> Response:
    """« Enregistrer le brouillon » keeps the text aside; « Publier les modifications » applies it at once.

    Publishing spends the draft the form showed (``brouillon_vu``), not one another editor saved since (#19.2).
    """
    changes = {"question": question, "answer": answer, "section": section}
    if action == "brouillon":
        return _save_draft(request, db, editor, entry_id, changes, revision)
    return _save(
        request, db, editor, entry_id, changes, revision, note=None, success="enregistree", draft_seen=draft_seen
    )


def _save_draft(
    request: Request,
    db: Database,
    editor: accounts.Account,
    entry_id: str,
    changes: dict[str, str | None],
    revision: int,
) -> Response:
    try:
        get_service(request).save_draft(entry_id, changes, author=editor.username, base_revision=revision)
    except (InvalidInput, EditConflict) as error:
        return _refused(request, db, entry_id, changes, error)
    return redirect(entry_path(entry_id), message="brouillon")


@router.post("/entrees/{entry_id}/titre")
def accept_title(
    request: Request, db: DbDep, editor: EditorDep, entry_id: str, revision: Annotated[RowId, Form()],
    title: Annotated[str, Form(alias="titre", max_length=2 * MAX_QUESTION_LENGTH)],
) -> Response:  # fmt: skip
    changes: dict[str, str | None] = {"question": title}
    if not title.strip():  # accepting nothing would erase the entry's question
        blank = InvalidInput(
            "Le titre est vide : rien n'a été enregistré. Acceptez le titre proposé ou écrivez la question."
        )
        return _refused(request, db, entry_id, {}, blank)
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
    draft_seen: str | None = None,
) -> Response:
    """Apply an edit and come back to the entry; on a refusal, show the form again with what was typed.

    ``draft_seen``: the draft the form showed, spent by the same transaction as the edit."""
    try:
        changed = get_service(request).edit(
            entry_id, changes, author=editor.username, base_revision=revision, note=note, draft_seen=draft_seen
        )
    except (InvalidInput, EditConflict) as error:
        return _refused(request, db, entry_id, changes, error)
    return redirect(entry_path(entry_id), message=success if changed else "inchangee")


def _refused(
    request: Request, db: Database, entry_id: str, changes: dict[str, str | None], error: InvalidInput | EditConflict
) -> Response:
    """The entry page again, with the reason and what the editor typed (nothing lost)."""
    current = editing.get_entry(db, entry_id)
    form = {
        "question": changes.get("question", current.question) or "",
        "answer": changes.get("answer", current.answer) or "",
        "section": changes.get("section", current.section) or "",
    }
    status = 409 if isinstance(error, EditConflict) else 400
    field = getattr(error, "field", None)
    return entry_page(request, current, form=form, error=str(error), field=field, status_code=status)


@router.post("/entrees/{entry_id}/statut")
def change_status(
    faq: ServiceDep,
    editor: EditorDep,
    entry_id: str,
    status: Annotated[str, Form(alias="statut", max_length=20)],
) -> Response:
    faq.set_status(entry_id, status, author=editor.username)
    return redirect(entry_path(entry_id), message="publiee" if status == "published" else "archivee")


@router.post("/entrees/{entry_id}/filtres")
def save_facets(
    faq: ServiceDep,
    editor: EditorDep,
    entry_id: str,
    ticked: Annotated[list[str] | None, Form(alias="filtre")] = None,
) -> Response:
    """``ticked`` holds the boxes ticked: ["produit:ins", "thematique:securite"]."""
    chosen: dict[str, list[str]] = {}
    for item in ticked or []:
        facet, _, value = item.partition(":")
        chosen.setdefault(facet, []).append(value)
    changed = faq.set_facets(entry_id, chosen, author=editor.username)
    return redirect(entry_path(entry_id), message="filtres" if changed else "inchangee")


@router.post("/entrees/{entry_id}/relecture")
def save_review(
    request: Request,
    faq: ServiceDep,
    editor: EditorDep,
    entry_id: str,
    review_at: Annotated[str, Form(alias="date_relecture", max_length=40)] = "",
    owner: Annotated[str, Form(alias="responsable", max_length=2 * MAX_OWNER_LENGTH)] = "",
) -> Response:
    """The date by which the entry should be read again and who answers for it; blank clears them."""
    try:
        changed = faq.set_review(entry_id, review_at=editing.parse_review_date(review_at), owner=owner)
    except InvalidInput as error:
        current = editing.get_entry(faq.db, entry_id)
        typed = {"date_relecture": review_at, "responsable": owner}
        return entry_page(request, current, error=str(error), field=error.field, status_code=400, review_form=typed)
    return redirect(entry_path(entry_id), message="relecture" if changed else "inchangee")


@router.get("/api/entrees/{entry_id}")
def entry_json(db: DbDep, entry_id: str) -> JSONResponse:
    """The entry with its whole history, as the edit page shows it."""
    return JSONResponse(jsonable_encoder(editing.get_entry(db, entry_id).to_dict()))
