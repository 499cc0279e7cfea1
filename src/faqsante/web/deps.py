"""Request-scoped dependencies: the process's ``Faqsante`` service (settings, database, search, mail) and who asks.

>>> @router.get("/x")
... def x(faq: ServiceDep, visitor: VisitorDep) -> ...

``app.state`` holds one typed ``WebState``; everything a handler needs is read through it, never as loose
attributes of ``app.state``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, Request

from faqsante.answers.topics import TopicFinder
from faqsante.config import Settings
from faqsante.search import SearchEngine
from faqsante.service import Faqsante
from faqsante.store import Database
from faqsante.store.secret import shared_secret
from faqsante.web.visitor import address_id, visitor_id

if TYPE_CHECKING:  # security imports the error pages, which need nothing from here
    from faqsante.web.security import AccountThrottle


@dataclass
class WebState:
    """What one worker keeps between requests: the service, and caches that only the web app needs."""

    service: Faqsante
    session_secret: str | None = None
    signin_throttle: AccountThrottle | None = None  # failed sign-ins per account (web/security.py)
    caches: dict[str, Any] = field(default_factory=dict)  # {"lint": (data_version, findings), "titles": suggester}


def install_state(app: FastAPI, service: Faqsante) -> WebState:
    state = WebState(service)
    app.state.faqsante = state
    return state


def web_state(app: Any) -> WebState:
    """The typed state of ``app`` (a FastAPI or Starlette application)."""
    state = app.state.faqsante
    if not isinstance(state, WebState):  # pragma: no cover - create_app always installs it
        raise TypeError("app.state.faqsante is not a WebState")
    return state


def get_service(request: Request) -> Faqsante:
    return web_state(request.app).service


def get_settings(request: Request) -> Settings:
    return get_service(request).settings


def get_db(request: Request) -> Database:
    return get_service(request).db


def get_engine(request: Request) -> SearchEngine:
    """The one engine of this process: its indexes are built once and refreshed when the data changes."""
    return get_service(request).engine


def get_topics(request: Request) -> TopicFinder:
    """The process's topic finder (short queries such as « INS »): its vocabulary follows the data version."""
    return get_service(request).topics


def app_secret(request: Request) -> str:
    """FAQSANTE_SECRET_KEY, or the key stored once in the database: the same in every worker."""
    state = web_state(request.app)
    if state.session_secret is None:
        state.session_secret = shared_secret(state.service.db, state.service.settings.secret_key)
    return state.session_secret


def get_visitor(request: Request) -> str:
    return visitor_id(request, app_secret(request))


def get_asker(request: Request) -> str:
    return address_id(request, app_secret(request))


ServiceDep = Annotated[Faqsante, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Database, Depends(get_db)]
EngineDep = Annotated[SearchEngine, Depends(get_engine)]
VisitorDep = Annotated[str, Depends(get_visitor)]
AskerDep = Annotated[str, Depends(get_asker)]  # the client's address, hashed: learning counts it once a day
TopicsDep = Annotated[TopicFinder, Depends(get_topics)]


def service_of(app: Any) -> Faqsante:
    """The service an app was built with: # service_of(client.app).db is the app's database"""
    return web_state(app).service
