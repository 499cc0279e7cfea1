"""The review step of an entry: preview its draft, publish or discard it, restore an earlier revision.

Saving a draft is the edit form's « Enregistrer le brouillon » (``entries.save_entry``); these routes do the
rest. A refusal (someone published meanwhile) shows the entry page again with the reason.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Form, Request
from starlette.responses import Response

from faqsante import editing
from faqsante.content.title_book import title_once_published
from faqsante.errors import EditConflict, InvalidInput
from faqsante.store import Database
from faqsante.web.admin.base import entry_path, page, redirect, workspace_router
from faqsante.web.admin.entries import entry_page
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep, ServiceDep
from faqsante.web.params import RowId

router = workspace_router()


@router.get("/entrees/{entry_id}/apercu")
def preview(request: Request, db: DbDep, entry_id: str) -> Response:
    """The draft (or the draft entry) as visitors will see it once published."""
    current = editing.get_entry(db, entry_id)
    draft = editing.get_draft(db, entry_id)
    shown = asdict(draft) if draft else asdict(current)
    shown["title"] = _title_once_published(db, entry_id, shown)
    context = {"entry": asdict(current), "draft": draft, "shown": shown,
               "pending": draft is not None or current.status == "draft"}  # fmt: skip
    return page(request, "preview.html", context)


def _title_once_published(db: Database, entry_id: str, shown: dict[str, Any]) -> str:
    """The title visitors will read once ``shown`` (the draft's text) is published (``content.title_book``)."""
    with db.session() as session:
        return title_once_published(session, entry_id, shown.get("question"), shown["answer"], shown.get("section"))


@router.post("/entrees/{entry_id}/brouillon/publier")
def publish(request: Request, db: DbDep, faq: ServiceDep, editor: EditorDep, entry_id: str) -> Response:
    try:
        faq.publish_draft(entry_id, author=editor.username)
    except (InvalidInput, EditConflict) as error:
        return entry_page(request, editing.get_entry(db, entry_id), error=str(error), status_code=409)
    return redirect(entry_path(entry_id), message="brouillon-publie")


@router.post("/entrees/{entry_id}/brouillon/abandonner")
def discard(faq: ServiceDep, entry_id: str) -> Response:
    faq.discard_draft(entry_id)
    return redirect(entry_path(entry_id), message="brouillon-abandonne")


@router.post("/entrees/{entry_id}/restaurer")
def restore(
    request: Request,
    db: DbDep,
    faq: ServiceDep,
    editor: EditorDep,
    entry_id: str,
    numero: Annotated[RowId, Form()],
    revision: Annotated[RowId, Form()],
) -> Response:
    """``numero``: the revision to bring back; ``revision``: the latest one the editor saw (conflict check)."""
    try:
        changed = faq.restore(entry_id, numero, author=editor.username, base_revision=revision)
    except (InvalidInput, EditConflict) as error:
        return entry_page(request, editing.get_entry(db, entry_id), error=str(error), status_code=409)
    return redirect(entry_path(entry_id), message="restauree" if changed else "inchangee")
