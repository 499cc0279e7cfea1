"""Application factory: one FastAPI app serving the JSON API and the HTML portal."""

from __future__ import annotations

from fastapi import FastAPI

from faqsante.config import Settings
from faqsante.store import Database


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    db = Database(settings.db_url)
    app = FastAPI(title="faqsante", version="0.1.0")
    app.state.settings = settings
    app.state.db = db

    @app.get("/healthz", tags=["santé"])
    def healthz() -> dict[str, object]:
        return {"status": "ok", "data_version": db.data_version()}

    return app
