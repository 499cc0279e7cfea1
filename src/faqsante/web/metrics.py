"""Prometheus metrics at /metrics: traffic by route and status, latency, abstentions, index freshness.

    faqsante_http_requests_total{method="GET",route="/api/ask",status="200"} 1520
    faqsante_http_request_duration_seconds_bucket{route="/api/ask",le="0.05"} 1490
    faqsante_answers_total{abstained="true"} 87
    faqsante_index_data_version{pid="4242"} 12      (one per worker: a lagging worker shows)

With several workers, each process writes its samples to files in PROMETHEUS_MULTIPROC_DIR and /metrics
merges them (prometheus_client's multiprocess mode); ``faqsante serve --workers N`` sets that directory
up, empty, before the workers start. Routes are the path templates ("/api/entries/{entry_id}"), never
raw paths, so a scan of random URLs cannot blow up the number of series.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from faqsante.search import AskResult
from faqsante.web.deps import web_state

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "(autre)"

REQUESTS = Counter("faqsante_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "faqsante_http_request_duration_seconds",
    "Time from request to the end of the response",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ANSWERS = Counter("faqsante_answers", "Questions answered, by whether search abstained", ["abstained"])
INDEX_VERSION = Gauge(
    "faqsante_index_data_version",
    "Data version of the search index this worker answers from",
    multiprocess_mode="liveall",
)


def record_answer(result: AskResult) -> None:
    ANSWERS.labels(abstained=str(result.abstained).lower()).inc()


class MetricsMiddleware:
    """Times every HTTP request and counts it under its route template once the response has ended."""

    def __init__(self, app: ASGIApp, *, fastapi: FastAPI) -> None:
        self.app = app
        self.fastapi = fastapi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before starting a response

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", UNMATCHED)
            REQUESTS.labels(method=scope["method"], route=route, status=str(status)).inc()
            LATENCY.labels(route=route).observe(time.perf_counter() - started)
            version = web_state(self.fastapi).service.engine.indexed_version
            if version is not None:
                INDEX_VERSION.set(version)


def metrics_response() -> Response:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


@contextmanager
def multiprocess_metrics(workers: int) -> Iterator[None]:
    """Around a multi-worker server: one empty directory where every worker writes its samples.

    An operator's PROMETHEUS_MULTIPROC_DIR is used (emptied: the last run's counters would add up),
    else a temporary one, removed when the server stops.
    """
    if workers == 1:
        yield
        return
    configured = os.environ.get(MULTIPROC_ENV)
    folder = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="faqsante-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(folder)  # inherited by the workers, read when they import prometheus_client
    try:
        yield
    finally:
        if not configured:
            shutil.rmtree(folder, ignore_errors=True)


def install_metrics(app: FastAPI) -> None:
    app.add_middleware(MetricsMiddleware, fastapi=app)
    app.add_api_route("/metrics", metrics_response, include_in_schema=False)
