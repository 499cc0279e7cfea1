"""Cross-origin reads for the search widget (``static/widget.js``) on the partner sites an operator allows.

``FAQSANTE_WIDGET_ORIGINS`` lists them; without it nothing is installed and no response carries a CORS header.
For those origins only, and on the widget's three routes only:

    GET  /api/ask                     a search; its Faqsante-Search-Token header names the logged search
    GET  /api/entries/{id}            an answer
    POST /api/entries/{id}/feedback   « utile ? », with that ``search_token`` (required cross-origin: api.feedback)

    Origin: https://editeur.example (allowed)   -> Access-Control-Allow-Origin: https://editeur.example,
                                                   Access-Control-Expose-Headers: Faqsante-Search-Token
    Origin: https://ailleurs.example, null, two Origin headers
                                                -> no Access-Control-* header: the browser withholds the answer
    OPTIONS preflight, allowed origin and method -> 204, Allow-Methods, Allow-Headers: Content-Type, Max-Age
    OPTIONS preflight, anything else             -> 403, a French JSON error, no Access-Control-* header

Every response of these routes says ``Vary: Origin`` (a cache must not hand one origin's answer to another).
Never ``Access-Control-Allow-Credentials``: the widget sends no cookie, and a page cannot read an answer sent
with one. The workspace, the forms and every other route never get a CORS header. Installed outside the rate
limits (web/security.py), which apply as to the portal: a widget reads its 429 « Trop de demandes » too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from fastapi import FastAPI, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from faqsante.web.errors import error_response

# (path, the one method a page of another origin may use on it)
WIDGET_ROUTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/api/ask"), "GET"),
    (re.compile(r"/api/entries/[^/]+"), "GET"),
    (re.compile(r"/api/entries/[^/]+/feedback"), "POST"),
)
PREFLIGHT_MAX_AGE_S = 600
CROSS_ORIGIN = "cross_origin"  # request.state: the allowed origin of another site this request came from
_VARY = (b"vary", b"Origin")
_EXPOSED = (b"access-control-expose-headers", b"Faqsante-Search-Token")  # api.SEARCH_TOKEN_HEADER, for the vote


class WidgetCorsMiddleware:
    """Answers the allowed origins' preflights, and lets their pages read the widget routes' answers."""

    def __init__(self, app: ASGIApp, *, origins: Collection[str]) -> None:
        self.app = app
        self.origins = frozenset(origin.encode("ascii") for origin in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = _route_method(scope) if scope["type"] == "http" else None
        if method is None:
            await self.app(scope, receive, send)
            return
        sent = [value for name, value in scope["headers"] if name == b"origin"]
        origin = sent[0] if len(sent) == 1 and sent[0] in self.origins else None
        asked = [value for name, value in scope["headers"] if name == b"access-control-request-method"]
        if scope["method"] == "OPTIONS" and sent and asked:
            await self._preflight(scope, receive, send, origin if asked == [method.encode()] else None, method)
            return
        allowed = origin if scope["method"] == method else None
        if allowed is not None and allowed != _own_origin(scope):
            scope.setdefault("state", {})[CROSS_ORIGIN] = allowed.decode("ascii")
        extra = [_VARY] if allowed is None else [(b"access-control-allow-origin", allowed), _EXPOSED, _VARY]

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    async def _preflight(scope: Scope, receive: Receive, send: Send, origin: bytes | None, method: str) -> None:
        if origin is None:
            message = (
                "Cette page n'est pas autorisée à interroger la FAQ : l'exploitant du portail doit ajouter son "
                "origine à FAQSANTE_WIDGET_ORIGINS."
            )
            response = error_response(Request(scope), 403, message, headers={"Vary": "Origin"})
        else:
            headers = {
                "Access-Control-Allow-Origin": origin.decode("ascii"),
                "Access-Control-Allow-Methods": method,
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S),
                "Vary": "Origin",
            }
            response = Response(status_code=204, headers=headers)
        await response(scope, receive, send)


def _route_method(scope: Scope) -> str | None:
    """The method another origin may use on this path, None when the path is no widget route."""
    path = scope["path"]
    return next((method for pattern, method in WIDGET_ROUTES if pattern.fullmatch(path)), None)


def _own_origin(scope: Scope) -> bytes:
    """# scheme "http", Host: 127.0.0.1:8000  ->  b"http://127.0.0.1:8000" (a page of the portal itself)"""
    host: bytes = next((value for name, value in scope["headers"] if name == b"host"), b"")
    scheme: str = scope.get("scheme", "http")
    return scheme.encode("ascii") + b"://" + host


def is_cross_origin(request: Request) -> bool:
    """Whether a page of an allowed partner site sent this request (its widget), not the portal or a script."""
    return getattr(request.state, CROSS_ORIGIN, None) is not None


def refuse_other_sites(message: str) -> Callable[[Request], None]:
    """A dependency refusing a form that a page of another site posted (403 with ``message``).

    Browsers say where a request comes from: without this, a page anywhere could make its visitors post the
    portal's public forms — a vote to /reponses/{id}/avis, a question to /question — with no preflight (the
    SameSite cookie stays home, so each post is a new anonymous visitor). The API needs no such rule: its body
    is read only when declared JSON, which a page of another site cannot send without a preflight, answered for
    the allowed origins only.
    # Sec-Fetch-Site: same-origin, none (typed in the address bar), or no header (a script)   -> passes
    # Sec-Fetch-Site: cross-site or same-site, from no allowed widget origin                  -> 403
    """

    def refuse(request: Request) -> None:
        if request.headers.get("sec-fetch-site") in ("cross-site", "same-site") and not is_cross_origin(request):
            raise HTTPException(403, message)

    return refuse


def install_widget_cors(app: FastAPI, origins: Collection[str]) -> None:
    if origins:
        app.add_middleware(WidgetCorsMiddleware, origins=origins)
