"""What every response carries and what every client is allowed: security headers and rate limits.

Headers: a Content-Security-Policy with no inline script or style, so text that slipped into an answer
(``<script>``, ``onerror=``) cannot run even if escaping failed somewhere; no framing, no sniffing,
no referrer leaving the site (search URLs hold health questions).

Rate limits: a moving window per client address (the ``limits`` library) for the endpoints that cost CPU
or write rows:

    ask        GET /api/ask, GET /?q=…, GET /api/facets?q=…                 FAQSANTE_RATE_ASK        (120/minute)
    feedback   POST /api/entries/{id}/feedback, POST /reponses/{id}/avis   FAQSANTE_RATE_FEEDBACK   (30/minute)
    questions  POST /api/questions, POST /question                         FAQSANTE_RATE_QUESTIONS  (5/minute)
    signin     POST /connexion (password guessing; argon2 costs CPU),      FAQSANTE_RATE_SIGNIN     (10/minute)
               POST /connexion/code (its second step: a TOTP code)

and, whatever the address, the failed sign-ins per account (``AccountThrottle``): guessing one account's
password (or, knowing it, its TOTP code) from many addresses stops too.  FAQSANTE_RATE_SIGNIN_ACCOUNT (10/15 minutes)

Counts live in FAQSANTE_RATE_STORAGE: ``memory://`` (the default) keeps them in each worker process, so with
N workers a client may get up to N times the limit; ``redis://host:6379/0`` shares them between the workers
(and the machines). If that storage fails, requests pass and the failure is logged: the limits protect the
service, they must not take it down; the reverse proxy keeps its own ceiling (docs/deployment.md).
The client address is the connection's, or the one a trusted proxy (FAQSANTE_TRUSTED_PROXIES) forwarded:
``X-Forwarded-For`` from anyone else is ignored (``install_proxy_headers``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from typing import cast
from urllib.parse import parse_qs

from fastapi import FastAPI
from limits import RateLimitItem
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter as SyncMovingWindowRateLimiter
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from faqsante.config import Settings, parse_rate
from faqsante.web.deps import web_state
from faqsante.web.errors import error_response

log = logging.getLogger("faqsante.web")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"
# Encoded once: added to every response, on the hot path.
_PLAIN_HEADERS = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
_HTTPS_HEADERS = [*_PLAIN_HEADERS, (b"strict-transport-security", HSTS.encode())]

# (bucket, method, path): which requests draw from which limit.
RATE_LIMITED: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("ask", "GET", re.compile(r"/api/ask")),
    ("ask", "GET", re.compile(r"/")),  # only with ?q=: the home page itself is free
    ("ask", "GET", re.compile(r"/api/facets")),  # with ?q= it runs a search; the counts of the whole FAQ are free
    ("feedback", "POST", re.compile(r"/api/entries/[^/]+/feedback")),
    ("feedback", "POST", re.compile(r"/reponses/[^/]+/avis")),
    ("questions", "POST", re.compile(r"/api/questions")),
    ("questions", "POST", re.compile(r"/question")),
    ("signin", "POST", re.compile(r"/connexion")),
    ("signin", "POST", re.compile(r"/connexion/code")),
)
_SEARCHES_ONLY_WITH_Q = frozenset({"/", "/api/facets"})


class RateLimits:
    """The limits by bucket name, counted in one storage (per process, or shared through Redis)."""

    def __init__(self, rates: dict[str, RateLimitItem | None], storage_uri: str, *, namespace: str) -> None:
        self.rates = {name: rate for name, rate in rates.items() if rate is not None}
        self.storage_uri = storage_uri
        self.namespace = namespace
        self.limiter = MovingWindowRateLimiter(_storage(storage_uri))
        self.storage_down = False  # logged once when it fails, once when it is back: not at every request

    async def wait(self, bucket: str, client: str) -> float:
        """Count one request; returns 0 when allowed, else the seconds until the client may ask again."""
        rate = self.rates.get(bucket)
        if rate is None:
            return 0.0
        try:
            allowed = await self.limiter.hit(rate, self.namespace, bucket, client)
            stats = None if allowed else await self.limiter.get_window_stats(rate, self.namespace, bucket, client)
        except Exception:  # the storage is down: serve, and tell the operators
            if not self.storage_down:
                log.exception(
                    "Limites de débit inopérantes : stockage %s injoignable", _without_password(self.storage_uri)
                )
            self.storage_down = True
            return 0.0
        if self.storage_down:
            log.warning("Limites de débit rétablies : stockage %s joignable", _without_password(self.storage_uri))
            self.storage_down = False
        return 0.0 if stats is None else max(1.0, stats.reset_time - time.time())


class AccountThrottle:
    """Failed sign-ins per account, counted in the limits' storage (#19.15): wrong passwords and wrong second-factor
    codes alike (#20.4), in one count.

    Only failures count: the owner signs in as usual until someone has spent the account's allowance; then every
    attempt on it waits, right or wrong, so that the answer never tells a guess was right. Called from the
    (synchronous) sign-in route, hence the synchronous limiter; a storage failure lets sign-ins through, logged.
    """

    def __init__(self, rate: RateLimitItem | None, storage_uri: str, *, namespace: str) -> None:
        self.rate = rate
        self.namespace = namespace
        self.storage_uri = storage_uri
        self.limiter = SyncMovingWindowRateLimiter(storage_from_string(storage_uri)) if rate else None

    def retry_after(self, username: str) -> float:
        """0 when ``username`` may be tried now, else the seconds until it may."""
        if self.rate is None or self.limiter is None:
            return 0.0
        key = self._key(username)
        try:
            if self.limiter.test(self.rate, self.namespace, "signin-account", key):
                return 0.0
            stats = self.limiter.get_window_stats(self.rate, self.namespace, "signin-account", key)
        except Exception:  # the storage is down: the per-address limit still holds
            log.exception("Limite par compte inopérante : stockage %s injoignable", _without_password(self.storage_uri))
            return 0.0
        return max(1.0, stats.reset_time - time.time())

    def failed(self, username: str) -> None:
        if self.rate is None or self.limiter is None:
            return
        try:
            self.limiter.hit(self.rate, self.namespace, "signin-account", self._key(username))
        except Exception:
            log.exception("Limite par compte inopérante : stockage %s injoignable", _without_password(self.storage_uri))

    @staticmethod
    def _key(username: str) -> str:
        """# " Marie " and "marie" are one account; the key holds no name a storage dump would show"""
        return hashlib.sha256(username.strip().lower().encode("utf-8", "replace")).hexdigest()[:32]


def _storage(uri: str) -> Storage:
    """# "memory://" -> this process;  "redis://127.0.0.1:6379/0" -> shared (redis-py's asyncio client)"""
    scheme = uri.split("://", 1)[0]
    if scheme not in ("memory", "redis", "rediss"):
        raise ValueError(f"stockage des limites de débit non pris en charge « {scheme}:// » : memory:// ou redis://")
    options = {"implementation": "redispy"} if scheme.startswith("redis") else {}
    return cast(Storage, storage_from_string(f"async+{uri}", **options))


def _without_password(uri: str) -> str:
    """# redis://:secret@host:6379/0 -> redis://host:6379/0 (for the logs)"""
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


class SecurityMiddleware:
    """Rate-limits the costly endpoints and adds the security headers to every response it passes."""

    def __init__(self, app: ASGIApp, *, rate_limits: RateLimits) -> None:
        self.app = app
        self.rate_limits = rate_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _HTTPS_HEADERS if scope.get("scheme") == "https" else _PLAIN_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                present = {name.lower() for name, _ in headers}  # a page that sets its own keeps it
                message["headers"] = [*headers, *(header for header in extra if header[0] not in present)]
            await send(message)

        bucket = self._bucket_of(scope)
        client = scope["client"][0] if scope.get("client") else "inconnu"
        wait = await self.rate_limits.wait(bucket, client) if bucket else 0.0
        if wait:
            retry_after = str(math.ceil(wait))
            message = f"Trop de demandes : réessayez dans {retry_after} seconde{'s' if wait > 1 else ''}."
            response = error_response(Request(scope), 429, message, headers={"Retry-After": retry_after})
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _bucket_of(scope: Scope) -> str | None:
        method, path = scope["method"], scope["path"]
        for bucket, rule_method, pattern in RATE_LIMITED:
            if method == rule_method and pattern.fullmatch(path):
                if path in _SEARCHES_ONLY_WITH_Q and "q" not in parse_qs(
                    scope.get("query_string", b"").decode("latin-1")
                ):
                    return None
                return bucket
        return None


def install_security(app: FastAPI, settings: Settings) -> None:
    rates = {
        "ask": parse_rate(settings.rate_ask),
        "feedback": parse_rate(settings.rate_feedback),
        "questions": parse_rate(settings.rate_questions),
        "signin": parse_rate(settings.rate_signin),
    }
    # One Redis may serve several instances (production, staging): each counts apart, keyed by its database.
    namespace = hashlib.sha256(settings.db_url.encode()).hexdigest()[:12]
    app.add_middleware(SecurityMiddleware, rate_limits=RateLimits(rates, settings.rate_storage, namespace=namespace))
    account_rate = parse_rate(settings.rate_signin_account)
    web_state(app).signin_throttle = AccountThrottle(account_rate, settings.rate_storage, namespace=namespace)
    if not all([*rates.values(), account_rate]):
        off = [name for name, rate in [*rates.items(), ("signin_account", account_rate)] if rate is None]
        log.warning("Limites de débit désactivées : %s", ", ".join(off))


def install_proxy_headers(app: FastAPI, settings: Settings) -> None:
    """Believe X-Forwarded-For/-Proto from the configured proxies only (uvicorn's own handling is off: see cli).

    # peer 127.0.0.1 in FAQSANTE_TRUSTED_PROXIES, X-Forwarded-For: 203.0.113.7  -> client 203.0.113.7
    # no proxy configured, X-Forwarded-For: 203.0.113.7                         -> client is the peer
    Install it last (outermost): the rate limits and the visitor ids must see the resolved address.
    """
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
