"""The footer's legal pages (accessibility statement, legal notice, personal data), written by administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from starlette.responses import Response

from faqsante.errors import InvalidInput
from faqsante.store import Database, legal
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import AdminDep
from faqsante.web.deps import DbDep, ServiceDep
from faqsante.web.templating import forget_footer

router = workspace_router()


@router.get("/pages")
def legal_pages(request: Request, db: DbDep, _admin: AdminDep) -> Response:
    return page(request, "legal.html", _context(db))


@router.post("/pages/statut")
def save_status(faq: ServiceDep, _admin: AdminDep, statut: Annotated[str, Form(max_length=100)] = "") -> Response:
    faq.set_accessibility_status(statut)
    forget_footer()
    return redirect("/admin/pages", message="page")


@router.post("/pages/{slug}")
def save_page(
    request: Request,
    faq: ServiceDep,
    _admin: AdminDep,
    slug: str,
    texte: Annotated[str, Form(max_length=legal.MAX_PAGE_LENGTH * 2)] = "",
) -> Response:
    """An empty text brings the default back."""
    try:
        faq.set_legal_page(slug, texte)
    except InvalidInput as error:
        return page(
            request, "legal.html", {**_context(faq.db), "error": str(error), "failed": slug, "texte": texte}, 400
        )
    return redirect("/admin/pages", message="page")


def _context(db: Database) -> dict[str, object]:
    return {
        "pages": legal.legal_pages(db),
        "status": legal.accessibility_status(db),
        "statuses": legal.ACCESSIBILITY_STATUSES,
    }
