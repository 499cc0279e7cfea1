"""Support contacts (``faqsante.editing.support``): editors say who visitors can call, for which subject."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from starlette.responses import Response

from faqsante.editing import support
from faqsante.errors import InvalidInput
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep
from faqsante.web.params import RowId

router = workspace_router()
Field = Annotated[str, Form(max_length=5000)]


@router.get("/contacts")
def list_contacts(request: Request, db: DbDep, _editor: EditorDep) -> Response:
    return page(request, "contacts.html", _context(db))


@router.post("/contacts")
def add_contact(
    request: Request,
    db: DbDep,
    _editor: EditorDep,
    label: Field = "",
    phone: Field = "",
    email: Field = "",
    url: Field = "",
    hours: Field = "",
    scope: Field = "",
) -> Response:
    return _save(request, db, None, {"label": label, "phone": phone, "email": email, "url": url, "hours": hours,
                                     "scope": scope})  # fmt: skip


@router.post("/contacts/{contact_id}")
def edit_contact(
    request: Request,
    db: DbDep,
    _editor: EditorDep,
    contact_id: RowId,
    label: Field = "",
    phone: Field = "",
    email: Field = "",
    url: Field = "",
    hours: Field = "",
    scope: Field = "",
) -> Response:
    return _save(request, db, contact_id, {"label": label, "phone": phone, "email": email, "url": url,
                                           "hours": hours, "scope": scope})  # fmt: skip


@router.post("/contacts/{contact_id}/supprimer")
def delete_contact(db: DbDep, _editor: EditorDep, contact_id: RowId) -> Response:
    support.delete_contact(db, contact_id)
    return redirect("/admin/contacts", message="contact-supprime")


def _save(request: Request, db: DbDep, contact_id: int | None, fields: dict[str, str]) -> Response:
    try:
        support.save_contact(db, contact_id, fields)
    except InvalidInput as error:
        failed = {"id": contact_id, **fields, "field": error.field}
        return page(request, "contacts.html", {**_context(db), "error": str(error), "failed": failed}, 400)
    return redirect("/admin/contacts", message="contact")


def _context(db: DbDep) -> dict[str, Any]:
    contacts = support.list_contacts(db)
    return {
        "contacts": contacts,
        "scopes": support.scope_choices(db),
        "warnings": support.contact_warnings(db, contacts),
    }
