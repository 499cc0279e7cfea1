"""Request-scoped dependencies: the process-wide database and search engine, and who is asking.

>>> @router.get("/x")
... def x(db: DbDep, engine: EngineDep, visitor: VisitorDep) -> ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from faqsante.config import Settings
from faqsante.search import SearchEngine
from faqsante.store import Database
from faqsante.web.visitor import visitor_id


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_engine(request: Request) -> SearchEngine:
    """The one engine of this process: its indexes are built once and refreshed when the data changes."""
    return request.app.state.engine


def get_visitor(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> str:
    return visitor_id(request, settings.secret_key)


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Database, Depends(get_db)]
EngineDep = Annotated[SearchEngine, Depends(get_engine)]
VisitorDep = Annotated[str, Depends(get_visitor)]
