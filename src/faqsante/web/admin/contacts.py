"""Support contacts (``faqsante.editing.support``): editors say who visitors can call, for which subject."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from faqsante.editing import support
from faqsante.errors import InvalidInput
from faqsante.service import Faqsante
from faqsante.store import Database
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep, ServiceDep
from faqsante.web.params import RowId

router = workspace_router()
Text = Annotated[str, Field(max_length=5000)]  # a bound far above each column's: the core names the real limit


class ContactForm(BaseModel):
    """The fields of a contact's form, as ``support.save_contact`` reads them."""

    label: Text = ""
    phone: Text = ""
    email: Text = ""
    url: Text = ""
    hours: Text = ""
    scope: Text = ""


ContactFields = Annotated[ContactForm, Form()]


@router.get("/contacts")
def list_contacts(request: Request, db: DbDep, _editor: EditorDep) -> Response:
    return page(request, "contacts.html", _context(db))


@router.post("/contacts")
def add_contact(request: Request, faq: ServiceDep, _editor: EditorDep, form: ContactFields) -> Response:
    return _save(request, faq, None, form)


@router.post("/contacts/{contact_id}")
def edit_contact(
    request: Request, faq: ServiceDep, _editor: EditorDep, contact_id: RowId, form: ContactFields
) -> Response:
    return _save(request, faq, contact_id, form)


@router.post("/contacts/{contact_id}/supprimer")
def delete_contact(faq: ServiceDep, _editor: EditorDep, contact_id: RowId) -> Response:
    faq.delete_contact(contact_id)
    return redirect("/admin/contacts", message="contact-supprime")


def _save(request: Request, faq: Faqsante, contact_id: int | None, form: ContactForm) -> Response:
    fields = form.model_dump()
    try:
        faq.save_contact(contact_id, fields)
    except InvalidInput as error:
        failed = {"id": contact_id, **fields, "field": error.field}
        return page(request, "contacts.html", {**_context(faq.db), "error": str(error), "failed": failed}, 400)
    return redirect("/admin/contacts", message="contact")


def _context(db: Database) -> dict[str, Any]:
    contacts = support.list_contacts(db)
    return {
        "contacts": contacts,
        "scopes": support.scope_choices(db),
        "warnings": support.contact_warnings(db, contacts),
    }
