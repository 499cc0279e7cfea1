"""The glossary (``faqsante.editing.glossary``): editors add, change, turn off or on, delete synonyms and acronyms;
each term's page shows its history. A change reaches search from the next question asked."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Form, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from faqsante.editing.glossary import KIND_LABELS, GlossaryItem
from faqsante.errors import InvalidInput
from faqsante.service import Faqsante
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.deps import ServiceDep
from faqsante.web.params import Text

router = workspace_router()
FieldText = Annotated[str, Field(max_length=10_000)]  # far above each limit: the core names the real one
TermKey = Annotated[str, Path(max_length=200)]  # a key is at most 80 characters: longer is refused (422)
ACTIONS = {"add": "ajout", "edit": "modification", "disable": "désactivation", "enable": "réactivation",
           "delete": "suppression de la version des éditeurs"}  # fmt: skip


class TermForm(BaseModel):
    """A term's form, as ``editing.glossary.checked_entry`` reads it (forms: one a line)."""

    term: FieldText = ""
    kind: FieldText = ""
    forms: FieldText = ""
    definition: FieldText = ""


TermFields = Annotated[TermForm, Form()]


@router.get("/glossaire")
def list_terms(request: Request, faq: ServiceDep, q: Annotated[Text, Query(max_length=200)] = "") -> Response:
    return page(request, "glossary.html", _listing(faq, q))


@router.post("/glossaire")
def add_term(request: Request, faq: ServiceDep, editor: EditorDep, form: TermFields) -> Response:
    try:
        key = faq.add_glossary_term(form.model_dump(), author=editor.username)
    except InvalidInput as error:
        context = {**_listing(faq, ""), "error": str(error), "failed": {**form.model_dump(), "field": error.field}}
        return page(request, "glossary.html", context, 400)
    return redirect(term_path(key), message="terme-ajoute")


@router.get("/glossaire/{term}")
def term_page(request: Request, faq: ServiceDep, term: TermKey) -> Response:
    return page(request, "glossary_term.html", _term_context(faq, faq.glossary_term(term)))


@router.post("/glossaire/{term}")
def edit_term(request: Request, faq: ServiceDep, editor: EditorDep, term: TermKey, form: TermFields) -> Response:
    item = faq.glossary_term(term)  # an unknown key is a 404, whatever the form holds
    try:
        changed = faq.edit_glossary_term(item.key, form.model_dump(), author=editor.username)
    except InvalidInput as error:
        failed = {**form.model_dump(), "field": error.field}
        return page(
            request, "glossary_term.html", {**_term_context(faq, item), "error": str(error), "failed": failed}, 400
        )
    return redirect(term_path(item.key), message="terme-modifie" if changed else "terme-inchange")


@router.post("/glossaire/{term}/desactiver")
def disable_term(faq: ServiceDep, editor: EditorDep, term: TermKey) -> Response:
    faq.enable_glossary_term(term, False, author=editor.username)
    return redirect(term_path(term), message="terme-desactive")


@router.post("/glossaire/{term}/reactiver")
def enable_term(faq: ServiceDep, editor: EditorDep, term: TermKey) -> Response:
    faq.enable_glossary_term(term, True, author=editor.username)
    return redirect(term_path(term), message="terme-reactive")


@router.post("/glossaire/{term}/supprimer")
def delete_term(faq: ServiceDep, editor: EditorDep, term: TermKey) -> Response:
    back = faq.delete_glossary_term(term, author=editor.username)
    if back is None:
        return redirect("/admin/glossaire", message="terme-supprime")
    return redirect(term_path(term), message="terme-rendu")


def term_path(key: str) -> str:
    """# "carte cps" -> /admin/glossaire/carte%20cps"""
    return f"/admin/glossaire/{quote(key, safe='')}"


def _listing(faq: Faqsante, query: str) -> dict[str, Any]:
    items = faq.glossary(query)
    return {"items": items, "query": query, "kinds": KIND_LABELS, "searched": sum(item.searched for item in items)}


def _term_context(faq: Faqsante, item: GlossaryItem) -> dict[str, Any]:
    return {"item": item, "kinds": KIND_LABELS, "history": faq.glossary_history(item.key), "actions": ACTIONS}
