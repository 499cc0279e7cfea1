"""The workspace's home page: the state of the FAQ at a glance (what waits for an editor), the latest changes."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import Request
from starlette.responses import Response

from faqsante import editing
from faqsante.editing.titles import count_untitled
from faqsante.feedback import suggestions
from faqsante.web.admin.base import page, workspace_router
from faqsante.web.admin.lint import flagged_count
from faqsante.web.deps import DbDep

router = workspace_router()


@router.get("")
def dashboard(request: Request, db: DbDep) -> Response:
    changes = [(entry_id, title, asdict(revision)) for entry_id, title, revision in editing.recent_changes(db)]
    counts = {
        **editing.workspace_counts(db),
        "untitled": count_untitled(db),
        "stale": flagged_count(request, db, "stale"),
        "review_due": flagged_count(request, db, "review-due"),
        "suggestions": suggestions.count_suggestions(db),
    }
    return page(request, "dashboard.html", {"counts": counts, "changes": changes})
