"""Merging a duplicate into the entry that stays."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import Form, Query, Request
from starlette.responses import Response

from faqsante import editing
from faqsante.errors import InvalidInput
from faqsante.web.admin.base import entry_path, page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep, ServiceDep

router = workspace_router()


@router.get("/fusion")
def merge_form(
    request: Request,
    db: DbDep,
    duplicate: Annotated[str, Query(alias="doublon")] = "",
    kept: Annotated[str, Query(alias="garder")] = "",
) -> Response:
    pair = [asdict(editing.get_entry(db, entry_id)) if entry_id else None for entry_id in (duplicate, kept)]
    return page(request, "merge.html", {"duplicate": pair[0], "kept": pair[1], "doublon": duplicate, "garder": kept})


@router.post("/fusion")
def merge(
    request: Request, faq: ServiceDep, editor: EditorDep,
    duplicate: Annotated[str, Form(alias="doublon", max_length=40)], kept: Annotated[str, Form(alias="garder", max_length=40)],
) -> Response:  # fmt: skip
    try:
        report = faq.merge(duplicate.strip(), kept.strip(), author=editor.username)
    except InvalidInput as error:
        context = {"duplicate": None, "kept": None, "doublon": duplicate, "garder": kept, "error": str(error)}
        return page(request, "merge.html", context, 400)
    return redirect(entry_path(report.kept), message="fusionnee")
