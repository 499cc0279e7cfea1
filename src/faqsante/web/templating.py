"""The one Jinja environment of the site: its layout and filters serve the portal and any later page (admin).

Templates extend ``base.html`` and keep scripts and styles in ``static/`` (no inline code: the CSP forbids it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from faqsante.web.presentation import answer_html, entry_title, excerpt

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.filters.update(answer_html=answer_html, entry_title=entry_title, excerpt=excerpt)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
