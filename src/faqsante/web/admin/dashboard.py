"""The workspace's home page: counts and the latest changes made by editors."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import Request
from starlette.responses import Response

from faqsante import editing
from faqsante.web.admin.base import page, workspace_router
from faqsante.web.deps import DbDep

router = workspace_router()


@router.get("")
def dashboard(request: Request, db: DbDep) -> Response:
    changes = [(entry_id, asdict(revision)) for entry_id, revision in editing.recent_changes(db)]
    return page(request, "dashboard.html", {"counts": editing.workspace_counts(db), "changes": changes})
