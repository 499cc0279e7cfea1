"""The editors' workspace under /admin: entries with their history, submitted questions, merges,
analytics and the content-health report. Every route needs a signed-in editor (``require_editor``) and
every form a CSRF token (``verify_csrf``), set once on each area's router (``base.workspace_router``) so
that no route can forget them.

One module per area; handlers only parse the form, call the core (``faqsante.editing``, ``analytics``,
``health.lint``) and render; forms are answered by a redirect (POST, redirect, GET), so reloading never
submits twice.
"""

from fastapi import APIRouter

from faqsante.web import auth
from faqsante.web.admin import (
    analytics,
    contacts,
    dashboard,
    drafts,
    entries,
    entry_questions,
    glossary,
    legal,
    lint,
    merge,
    questions,
    second_factor,
    sources,
    users,
)

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
for area in (
    dashboard,
    entries,
    drafts,
    entry_questions,
    merge,
    questions,
    analytics,
    lint,
    sources,
    contacts,
    glossary,
    users,
    second_factor,
    legal,
):
    router.include_router(area.router)
