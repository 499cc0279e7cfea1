"""Who is voting: one anonymous identity per browser, so a visitor's later vote replaces the earlier one.

Portal pages give each browser a random token in a cookie. A vote is attributed to a hash of that token
or, for clients that keep no cookies (API scripts), to a keyed hash of their address and user agent.
Only hashes reach the database: a leaked row identifies nobody and cannot be replayed as a cookie. Learning
from votes counts an address, not a browser (``address_id``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE_NAME = "faqsante_visiteur"
COOKIE_MAX_AGE = 365 * 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")
_STATE_KEY = "visitor_token"
_USED_KEY = "visitor_token_used"


def visitor_id(request: Request, secret_key: str) -> str:
    """A stable, opaque 64-character id for whoever sent the request."""
    state = request.scope.get("state", {})
    token = _cookie_token(request.cookies.get(COOKIE_NAME))
    if token is None and _STATE_KEY in state:
        token = state[_STATE_KEY]
        state[_USED_KEY] = True  # the response must carry the cookie, or the next vote would be someone else's
    if token:
        return hashlib.sha256(f"cookie:{token}".encode()).hexdigest()
    client = request.client.host if request.client else ""
    fingerprint = f"client:{client}|{request.headers.get('user-agent', '')}"
    return hmac.new(secret_key.encode(), fingerprint.encode(), hashlib.sha256).hexdigest()


def address_id(request: Request, secret_key: str) -> str:
    """A keyed hash of the client's address alone, whatever its cookie or User-Agent: who learning from votes
    counts once a day (a new User-Agent or a dropped cookie made a new visitor, #19.7)."""
    client = request.client.host if request.client else ""
    return hmac.new(secret_key.encode(), f"address:{client}".encode(), hashlib.sha256).hexdigest()


class VisitorCookieMiddleware:
    """Give a browser without a visitor token one, with the first HTML page (or vote) it gets.

    The API is left alone: a client that keeps no cookies would get a new identity on every call,
    so it is identified by its hash instead.
    """

    def __init__(self, app: ASGIApp, *, skip_prefix: str = "/api/") -> None:
        self.app = app
        self.skip_prefix = skip_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip_prefix):
            await self.app(scope, receive, send)
            return
        if _cookie_token(Request(scope).cookies.get(COOKIE_NAME)):
            await self.app(scope, receive, send)
            return
        token = secrets.token_urlsafe(24)
        state = scope.setdefault("state", {})
        state[_STATE_KEY] = token
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{COOKIE_NAME}={token}; Max-Age={COOKIE_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax{secure}"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                html = any(name == b"content-type" and value.startswith(b"text/html") for name, value in headers)
                if html or state.get(_USED_KEY):
                    message["headers"] = [*headers, (b"set-cookie", cookie.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie_token(value: str | None) -> str | None:
    return value if value and _TOKEN.fullmatch(value) else None
