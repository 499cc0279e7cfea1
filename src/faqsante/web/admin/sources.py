"""Sources as visitors see them: a display name and an address instead of a dump's file name, and the filter
values that hold for everything a source contains (``faqsante.editing.sources``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form, Request
from starlette.responses import Response

from faqsante.editing import sources
from faqsante.errors import InvalidInput
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.store import Database
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep, ServiceDep
from faqsante.web.params import RowId

router = workspace_router()


async def ticked_facets(request: Request) -> dict[str, list[str]]:
    """The filter checkboxes of a posted form: # type_offre=editeurs&produit=ins -> {"type_offre": ["editeurs"], …}"""
    form = await request.form()
    return {facet.key: [str(value) for value in form.getlist(facet.key)] for facet in load_taxonomy()}


TickedFacets = Annotated[dict[str, list[str]], Depends(ticked_facets)]


@router.get("/sources")
def list_sources(request: Request, db: DbDep, _editor: EditorDep) -> Response:
    return page(request, "sources.html", _context(db))


@router.post("/sources/{source_id}")
def save_source(
    request: Request,
    faq: ServiceDep,
    _editor: EditorDep,
    source_id: RowId,
    facets: TickedFacets,
    nom: Annotated[str, Form(max_length=1000)] = "",
    adresse: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    try:
        changed = faq.set_source(source_id, display_name=nom, url=adresse, facets=facets)
    except InvalidInput as error:
        failed = {"id": source_id, "nom": nom, "adresse": adresse, "field": error.field}
        return page(request, "sources.html", {**_context(faq.db), "error": str(error), "failed": failed}, 400)
    return redirect("/admin/sources", message="source" if changed else "source-inchangee")


def _context(db: Database) -> dict[str, Any]:
    return {"sources": sources.list_sources(db), "taxonomy": list(load_taxonomy())}
