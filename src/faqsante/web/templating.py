"""The one Jinja environment of the site: its layout and filters serve the portal and any later page (admin).

Templates extend ``base.html`` and keep scripts and styles in ``static/`` (no inline code: the CSP forbids it).
Every page gets the site's name and its footer (the legal pages and the declared accessibility status).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.editing.glossary import MAX_DEFINITION_LENGTH, MAX_TERM_LENGTH
from faqsante.feedback.audience import MAX_COMMENT_LENGTH
from faqsante.store import legal
from faqsante.store.models import (
    MAX_CONTACT_LABEL_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_OWNER_LENGTH,
    MAX_SECTION_LENGTH,
    MAX_SOURCE_NAME_LENGTH,
)
from faqsante.urls import MAX_URL_LENGTH
from faqsante.web.deps import get_db, get_settings
from faqsante.web.presentation import (
    answer_html,
    answer_url,
    entry_title,
    excerpt,
    french_date,
    mark_words,
    marked_excerpt,
    span_excerpt,
)
from faqsante.web.seo import faq_page_jsonld, public_base

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
CANONICAL_PARAMS = ("rubrique", "sujet", "page")
FOOTER_TTL_S = 30.0  # an administrator's new accessibility status reaches every worker within this delay

templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.filters.update(
    answer_html=answer_html,
    answer_url=answer_url,
    entry_title=entry_title,
    excerpt=excerpt,
    faq_page_jsonld=faq_page_jsonld,
    french_date=french_date,
    marked_excerpt=marked_excerpt,
    mark_words=mark_words,
    span_excerpt=span_excerpt,
)
# The bounds of form fields (maxlength="…"), read where each limit is defined: the columns, the core's checks.
templates.env.globals["limits"] = {
    "question": MAX_QUESTION_LENGTH,
    "section": MAX_SECTION_LENGTH,
    "owner": MAX_OWNER_LENGTH,
    "source_name": MAX_SOURCE_NAME_LENGTH,
    "url": MAX_URL_LENGTH,
    "email": MAX_EMAIL_LENGTH,
    "comment": MAX_COMMENT_LENGTH,
    "contact_label": MAX_CONTACT_LABEL_LENGTH,
    "glossary_term": MAX_TERM_LENGTH,
    "glossary_definition": MAX_DEFINITION_LENGTH,
}
_footer_cache: dict[str, tuple[float, str]] = {}  # database URL -> (read at, accessibility status)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    site = {
        "site_name": get_settings(request).site_name,
        "accessibility_status": _accessibility_status(request),
        "canonical_url": _canonical_url(request),
        # Search results hold visitors' health questions; error pages and the workspace are no content either.
        "noindex": status_code != 200 or "q" in request.query_params or request.url.path.startswith("/admin"),
    }
    return templates.TemplateResponse(request, name, {**site, **(context or {})}, status_code=status_code)


def _canonical_url(request: Request) -> str:
    """The page's public address: its path, with the listing parameters that change its content.

    # /reponses?rubrique=INS&page=2&produit=ins  ->  https://faq.example.org/reponses?rubrique=INS&page=2
    """
    kept = [(name, value) for name, value in request.query_params.multi_items() if name in CANONICAL_PARAMS]
    query = f"?{urlencode(kept, quote_via=quote)}" if kept else ""
    return f"{public_base(request)}{quote(request.url.path)}{query}"


def forget_footer() -> None:
    """Read the accessibility status again on the next page (this worker), after an administrator changed it."""
    _footer_cache.clear()


def _accessibility_status(request: Request) -> str:
    """The status the footer declares; an error page still renders when the database cannot be read."""
    db = get_db(request)
    read_at, status = _footer_cache.get(db.url, (0.0, legal.DEFAULT_STATUS))
    if time.monotonic() - read_at >= FOOTER_TTL_S:
        try:
            status = legal.accessibility_status(db)
        except Exception:  # noqa: BLE001  (a page about a failing database must not fail on its footer)
            return status
        _footer_cache[db.url] = (time.monotonic(), status)
    return status
