"""What every response carries and what every client is allowed: security headers and rate limits.

Headers: a Content-Security-Policy with no inline script or style, so text that slipped into an answer
(``<script>``, ``onerror=``) cannot run even if escaping failed somewhere; no framing, no sniffing,
no referrer leaving the site (search URLs hold health questions).

Rate limits: a token bucket per client address for the endpoints that cost CPU or write rows:

    ask        GET /api/ask, GET /?q=…                               FAQSANTE_RATE_ASK        (120/minute)
    feedback   POST /api/entries/{id}/feedback, POST /reponses/{id}/avis   FAQSANTE_RATE_FEEDBACK   (30/minute)
    questions  POST /api/questions, POST /question                   FAQSANTE_RATE_QUESTIONS  (5/minute)
    signin     POST /connexion (password guessing; argon2 costs CPU)  FAQSANTE_RATE_SIGNIN     (10/minute)

Buckets live in each worker process: with N workers a client may get up to N times the limit. That is
a deliberate trade (no shared state on the hot path); the reverse proxy enforces the global ceiling
(docs/deployment.md). The client address is the one uvicorn resolved, X-Forwarded-For included when the
connection comes from a trusted proxy (FORWARDED_ALLOW_IPS).
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from faqsante.config import Settings
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
    ("feedback", "POST", re.compile(r"/api/entries/[^/]+/feedback")),
    ("feedback", "POST", re.compile(r"/reponses/[^/]+/avis")),
    ("questions", "POST", re.compile(r"/api/questions")),
    ("questions", "POST", re.compile(r"/question")),
    ("signin", "POST", re.compile(r"/connexion")),
)
_PERIODS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


@dataclass(frozen=True)
class Rate:
    """# "120/minute"  becomes  Rate(capacity=120, per_second=2.0): 120 at once, then two a second."""

    capacity: int
    per_second: float

    @classmethod
    def parse(cls, text: str) -> "Rate | None":
        """None means unlimited: "off", "0" or empty."""
        text = text.strip().lower()
        if text in ("", "0", "off", "none", "unlimited"):
            return None
        count, _, period = text.partition("/")
        period = period.strip() or "s"
        seconds = _PERIODS.get(period) or _PERIODS.get(period.rstrip("s"))  # "minutes" is "minute"
        if not count.strip().isdigit() or seconds is None or int(count) == 0:
            raise ValueError(f"limite de débit invalide « {text} » : attendu par exemple 120/minute, 5/s ou off")
        return cls(capacity=int(count), per_second=int(count) / seconds)


class TokenBuckets:
    """One bucket per client; a full bucket is forgotten, so memory follows the clients active lately."""

    MAX_CLIENTS = 50_000

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)

    def take(self, client: str) -> float:
        """Spend one token; returns 0 when allowed, else the seconds until the next token."""
        now = self.clock()
        tokens, when = self._buckets.get(client, (self.rate.capacity, now))
        tokens = min(self.rate.capacity, tokens + (now - when) * self.rate.per_second)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate.per_second
        self._buckets[client] = (tokens - 1, now)
        if len(self._buckets) > self.MAX_CLIENTS:
            self._forget_full(now)
        return 0.0

    def _forget_full(self, now: float) -> None:
        refill = self.rate.capacity / self.rate.per_second
        self._buckets = {client: state for client, state in self._buckets.items() if now - state[1] < refill}


class SecurityMiddleware:
    """Rate-limits the costly endpoints and adds the security headers to every response it passes."""

    def __init__(self, app: ASGIApp, *, limits: dict[str, Rate | None]) -> None:
        self.app = app
        self.buckets = {name: TokenBuckets(rate) for name, rate in limits.items() if rate is not None}

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

        wait = self._wait(scope)
        if wait:
            retry_after = str(math.ceil(wait))
            message = f"Trop de demandes : réessayez dans {retry_after} seconde{'s' if wait > 1 else ''}."
            response = error_response(Request(scope), 429, message, headers={"Retry-After": retry_after})
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _wait(self, scope: Scope) -> float:
        bucket = self._bucket_of(scope)
        if bucket is None or bucket not in self.buckets:
            return 0.0
        client = scope["client"][0] if scope.get("client") else "inconnu"
        return self.buckets[bucket].take(client)

    @staticmethod
    def _bucket_of(scope: Scope) -> str | None:
        method, path = scope["method"], scope["path"]
        for bucket, rule_method, pattern in RATE_LIMITED:
            if method == rule_method and pattern.fullmatch(path):
                if path == "/" and "q" not in parse_qs(scope.get("query_string", b"").decode("latin-1")):
                    return None
                return bucket
        return None


def install_security(app: FastAPI, settings: Settings) -> None:
    limits = {
        "ask": Rate.parse(settings.rate_ask),
        "feedback": Rate.parse(settings.rate_feedback),
        "questions": Rate.parse(settings.rate_questions),
        "signin": Rate.parse(settings.rate_signin),
    }
    app.add_middleware(SecurityMiddleware, limits=limits)
    if not all(limits.values()):
        log.warning("Limites de débit désactivées : %s", ", ".join(name for name, rate in limits.items() if rate is None))
