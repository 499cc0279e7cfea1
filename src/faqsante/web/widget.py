"""The search widget partner sites embed: its script, and the page that shows how to embed it (/integrer).

    <script src="https://faq.example.org/widget.js" data-produit="e_cps" async></script>

``static/widget.js`` is one plain file (no build step, no dependency): it draws a search box in a shadow root
where its tag stands and reads the JSON API, cross-origin for the origins FAQSANTE_WIDGET_ORIGINS lists
(``web/cors.py``). Partner pages cache it an hour: a new version reaches them within that time.
"""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from faqsante.facets import load_taxonomy
from faqsante.web.seo import public_base
from faqsante.web.templating import STATIC_DIR, render

router = APIRouter(include_in_schema=False)

WIDGET_SCRIPT = STATIC_DIR / "widget.js"
WIDGET_CACHE = "public, max-age=3600"
EXAMPLE_FILTER = ("produit", "e_cps")  # the filter the page's second snippet and its preview use


@router.get("/widget.js")
def widget_script(request: Request) -> Response:
    """The script, with an ETag: a partner page revalidates it once an hour and gets a 304 while it is unchanged."""
    script = FileResponse(
        WIDGET_SCRIPT,
        media_type="text/javascript; charset=utf-8",
        stat_result=os.stat(WIDGET_SCRIPT),
        headers={"Cache-Control": WIDGET_CACHE},
    )
    if request.headers.get("if-none-match") == script.headers["etag"]:
        return Response(status_code=304, headers={"ETag": script.headers["etag"], "Cache-Control": WIDGET_CACHE})
    return script


@router.get("/integrer")
def embed_page(request: Request) -> Response:
    """The snippet to copy, under the site's public address, the filters it takes, and the widget itself."""
    taxonomy = load_taxonomy()
    facets = [
        {
            "attribute": "data-" + facet.key.replace("_", "-"),
            "label": facet.label,
            "choices": [(key, value.label) for key, value in facet.values.items()],
        }
        for facet in taxonomy
    ]
    facet, value = EXAMPLE_FILTER
    context = {
        "script_url": f"{public_base(request)}/widget.js",
        "example": {
            "attribute": "data-" + facet.replace("_", "-"),
            "value": value,
            "label": taxonomy.value(facet, value).label,
        },
        "facets": facets,
    }
    return render(request, "integrer.html", context)
