"""Application factory: one FastAPI app serving the JSON API, its documentation and the HTML portal.

``faqsante serve`` runs ``create_app`` once per worker process: each worker opens the database and builds
one search engine, which every request shares (it polls the data version to pick up new content).
Other parts plug in here: ``app.include_router(...)`` for their pages, a middleware for cross-cutting concerns.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from faqsante import __version__
from faqsante.config import Settings
from faqsante.mail import Mailer
from faqsante.service import Faqsante
from faqsante.web import admin, api, facets, pages, seo, widget
from faqsante.web.cors import install_widget_cors
from faqsante.web.deps import install_state
from faqsante.web.docs import install_docs
from faqsante.web.errors import install_error_handlers
from faqsante.web.mail import retrying_outbox
from faqsante.web.metrics import install_metrics, record_answer
from faqsante.web.security import install_proxy_headers, install_security
from faqsante.web.templating import STATIC_DIR
from faqsante.web.visitor import VisitorCookieMiddleware

DESCRIPTION = """Questions et réponses de la FAQ du numérique en santé.

`GET /api/ask?q=…` renvoie le même objet que `faqsante ask --json`. Les erreurs ont toujours la forme
`{"error": {"code": "…", "message": "…"}}`, avec un message en français."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    service = Faqsante(settings, mailer=Mailer.from_settings(settings), observe=record_answer, background=True)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(service.engine.refresh)  # build the indexes before the first visitor waits for them
        async with retrying_outbox(service.db, service.mailer):
            yield
        service.close()

    app = FastAPI(
        title="faqsante",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # replaced by install_docs: FastAPI's pages load their assets from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    install_state(app, service)

    install_error_handlers(app)
    app.add_middleware(VisitorCookieMiddleware)
    install_security(app, settings)  # outside the cookie middleware: a refused request sets nothing
    install_widget_cors(app, settings.widget_origins)  # outside the limits: a partner's page reads its 429 too
    install_metrics(app)  # times and counts everything, refusals included
    install_proxy_headers(app, settings)  # outermost: every layer sees the client's address, not the proxy's
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)
    app.include_router(api.router)
    app.include_router(facets.router)
    app.include_router(pages.router)
    app.include_router(seo.router)
    app.include_router(widget.router)
    app.include_router(admin.router)

    @app.get("/healthz", tags=["santé"], summary="État du service")
    def healthz() -> dict[str, object]:
        return {"status": "ok", "data_version": service.db.data_version()}

    return app
