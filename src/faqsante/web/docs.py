"""API documentation at /docs, served from the Swagger UI bundled in a Python package: no CDN at run time.

FastAPI's own /docs page loads Swagger UI from a CDN and starts it with an inline script; this page loads
the vendored files and starts it from ``static/docs.js``, so it works offline and under a strict CSP.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from swagger_ui_bundle import swagger_ui_path

from faqsante.web.templating import render

SWAGGER_ASSETS = "/docs/assets"


def install_docs(app: FastAPI) -> None:
    app.mount(SWAGGER_ASSETS, StaticFiles(directory=swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> Response:
        return render(request, "docs.html", {"assets": SWAGGER_ASSETS, "openapi_url": app.openapi_url})
