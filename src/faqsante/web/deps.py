"""Request-scoped dependencies: the process-wide database and search engine, and who is asking.

>>> @router.get("/x")
... def x(db: DbDep, engine: EngineDep, visitor: VisitorDep) -> ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from faqsante.answers.topics import TopicFinder
from faqsante.config import Settings
from faqsante.search import SearchEngine
from faqsante.store import Database
from faqsante.store.secret import shared_secret
from faqsante.web.visitor import visitor_id


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_engine(request: Request) -> SearchEngine:
    """The one engine of this process: its indexes are built once and refreshed when the data changes."""
    return request.app.state.engine


def get_topics(request: Request) -> TopicFinder:
    """The process's topic finder (short queries such as « INS »): its vocabulary follows the data version."""
    return request.app.state.topics


def app_secret(request: Request) -> str:
    """FAQSANTE_SECRET_KEY, or the key stored once in the database: the same in every worker."""
    state = request.app.state
    secret = getattr(state, "session_secret", None)
    if secret is None:
        secret = state.session_secret = shared_secret(state.db, state.settings.secret_key)
    return secret


def get_visitor(request: Request) -> str:
    return visitor_id(request, app_secret(request))


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Database, Depends(get_db)]
EngineDep = Annotated[SearchEngine, Depends(get_engine)]
VisitorDep = Annotated[str, Depends(get_visitor)]
TopicsDep = Annotated[TopicFinder, Depends(get_topics)]
