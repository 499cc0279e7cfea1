"""The content-health report: stale dates, lost links, duplicates, entries without a question…"""

from __future__ import annotations

from datetime import date

from fastapi import Request
from starlette.responses import JSONResponse, Response

from faqsante.health.lint import CHECKS, Finding, lint_database, named_titles
from faqsante.store import Database
from faqsante.web.admin.base import page, workspace_router
from faqsante.web.deps import DbDep, web_state

router = workspace_router()


def _lint(request: Request, db: Database) -> list[Finding]:
    """The report is computed once per data version and day, then shared by the pages of this process."""
    key = (db.data_version(), date.today())
    caches = web_state(request.app).caches
    cached = caches.get("lint")
    if cached is None or cached[0] != key:
        cached = caches["lint"] = (key, lint_database(db))
    findings: list[Finding] = cached[1]
    return findings


def flagged_count(request: Request, db: Database, kind: str) -> int:
    """Entries the report flags with ``kind``: the dashboard's figures (``stale``: a date now past in the
    answer; ``review-due``: the desk's review date is past)."""
    return len({finding.entry_id for finding in _lint(request, db) if finding.kind == kind})


@router.get("/lint")
def lint_page(request: Request, db: DbDep, type: str | None = None) -> Response:
    findings = _lint(request, db)
    groups = [
        (kind, check.label, [f for f in findings if f.kind == kind])
        for kind, check in CHECKS.items()
        if type in (None, "", kind)
    ]
    shown = [finding for _, _, group in groups for finding in group]
    context = {"groups": groups, "total": len(findings), "type": type or "", "checks": CHECKS,
               "titles": named_titles(db, shown)}  # fmt: skip
    return page(request, "lint.html", context)


@router.get("/api/lint")
def lint_json(request: Request, db: DbDep) -> JSONResponse:
    """The same list as ``faqsante lint --json``."""
    return JSONResponse([finding.to_dict() for finding in _lint(request, db)])
