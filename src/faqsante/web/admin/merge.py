"""Merging a duplicate into the entry that stays."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import Response

from faqsante import editing
from faqsante.errors import InvalidInput
from faqsante.web.admin.base import entry_path, page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.deps import DbDep, SettingsDep

router = workspace_router()


@router.get("/fusion")
def merge_form(request: Request, db: DbDep, doublon: str = "", garder: str = "") -> Response:
    pair = [asdict(editing.get_entry(db, entry_id)) if entry_id else None for entry_id in (doublon, garder)]
    return page(request, "merge.html", {"duplicate": pair[0], "kept": pair[1], "doublon": doublon, "garder": garder})


@router.post("/fusion")
def merge(
    request: Request, db: DbDep, settings: SettingsDep, editor: EditorDep,
    doublon: Annotated[str, Form(max_length=40)], garder: Annotated[str, Form(max_length=40)],
) -> Response:  # fmt: skip
    try:
        report = editing.merge_entries(db, doublon.strip(), garder.strip(), author=editor.username, settings=settings)
    except InvalidInput as error:
        context = {"duplicate": None, "kept": None, "doublon": doublon, "garder": garder, "error": str(error)}
        return page(request, "merge.html", context, 400)
    return redirect(entry_path(report.kept), message="fusionnee")
