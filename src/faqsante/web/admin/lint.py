"""The content-health report: stale dates, lost links, duplicates, entries without a question…"""

from __future__ import annotations

from datetime import date

from fastapi import Request
from starlette.responses import JSONResponse, Response

from faqsante.content.lint import CHECKS, Finding, lint_database
from faqsante.store import Database
from faqsante.web.admin.base import page, workspace_router
from faqsante.web.deps import DbDep

router = workspace_router()


def _lint(request: Request, db: Database) -> list[Finding]:
    """The report is computed once per data version and day, then shared by the pages of this process."""
    key = (db.data_version(), date.today())
    cached = getattr(request.app.state, "lint_cache", None)
    if cached is None or cached[0] != key:
        cached = request.app.state.lint_cache = (key, lint_database(db))
    return cached[1]


@router.get("/lint")
def lint_page(request: Request, db: DbDep, type: str | None = None) -> Response:
    findings = _lint(request, db)
    groups = [
        (kind, check.label, [f for f in findings if f.kind == kind])
        for kind, check in CHECKS.items()
        if type in (None, "", kind)
    ]
    return page(request, "lint.html", {"groups": groups, "total": len(findings), "type": type or "", "checks": CHECKS})


@router.get("/api/lint")
def lint_json(request: Request, db: DbDep) -> JSONResponse:
    """The same list as ``faqsante lint --json``."""
    return JSONResponse([finding.to_dict() for finding in _lint(request, db)])
