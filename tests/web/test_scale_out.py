"""``faqsante serve --workers 2`` on PostgreSQL: every worker serves new content without a restart.

The real command runs in a subprocess; content is ingested from this process, as an editor's import
would be from another machine. Waits are upper bounds for a busy machine, not measurements.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from faqsante.ingest import ingest_paths
from faqsante.store import Database

pytestmark = pytest.mark.postgres

NEW_ANSWER = "Le renouvellement de la carte CPX se fait désormais en ligne, en quelques minutes."
QUESTION = "renouvellement carte CPX en ligne"
STARTUP_S = 90.0
PROPAGATION_S = 30.0
REDIS_URL = os.environ.get("FAQSANTE_TEST_REDIS", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def top_answer(base: str) -> str:
    """Asked on a new connection each time, so that the kernel may hand it to either worker."""
    response = httpx.get(f"{base}/api/ask", params={"q": QUESTION}, timeout=10)
    response.raise_for_status()
    results = response.json()["results"]
    return results[0]["answer"] if results else ""


@contextmanager
def serving(pg_url: str, tmp_path: Path, **env: str) -> Iterator[str]:
    """``faqsante serve --workers 2`` on this database, with these settings (``FAQSANTE_…`` variables)."""
    port = free_port()
    env = {
        **os.environ,
        "FAQSANTE_EMBEDDER": "none",
        "FAQSANTE_RATE_ASK": "off",
        "FAQSANTE_INDEX_DIR": str(tmp_path / "index"),
        **env,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "faqsante.cli", "serve", "--workers", "2", "--port", str(port), "--db", pg_url],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "serve.log", "wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "le serveur n'a pas démarré"
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture
def served(pg_url: str, sample_dir: Path, tmp_path: Path) -> Iterator[str]:
    database = Database(pg_url)
    ingest_paths(database, [sample_dir])
    database.dispose()
    with serving(pg_url, tmp_path) as base:
        yield base


def test_content_ingested_elsewhere_reaches_every_worker(served: str, pg_url: str, tmp_path: Path) -> None:
    assert top_answer(served) != NEW_ANSWER
    (tmp_path / "nouveautes.txt").write_text(
        f"Nouvelles\n{NEW_ANSWER}\nCette réponse vous a-t-elle été utile ?\n", encoding="utf-8"
    )
    database = Database(pg_url)
    ingest_paths(database, [tmp_path / "nouveautes.txt"])
    version = database.data_version()
    database.dispose()

    deadline = time.monotonic() + PROPAGATION_S
    while [top_answer(served) for _ in range(10)] != [NEW_ANSWER] * 10:
        assert time.monotonic() < deadline, "un worker sert encore l'ancien contenu"
        time.sleep(0.2)

    metrics = httpx.get(f"{served}/metrics", timeout=10).text
    # One series per worker: {pid="…"}; the worker that answered last is on the new version.
    versions = [
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("faqsante_index_data_version{pid=")
    ]
    assert max(versions) == version
    assert 'route="/api/ask"' in metrics  # samples merged from the workers' files
    assert "server" not in httpx.get(f"{served}/healthz", timeout=10).headers


def test_a_client_allowance_is_shared_by_the_workers_and_not_reset_by_a_forged_address(
    pg_url: str, tmp_path: Path
) -> None:
    """Limits counted in Redis hold across both workers; X-Forwarded-For from a peer that is no proxy changes nothing."""
    _skip_without_redis()
    limits = {"FAQSANTE_RATE_QUESTIONS": "4/minute", "FAQSANTE_RATE_STORAGE": REDIS_URL, "FAQSANTE_TRUSTED_PROXIES": ""}
    with serving(pg_url, tmp_path, **limits) as base:
        statuses = [
            httpx.post(  # a new connection each time: the kernel hands them to either worker
                f"{base}/api/questions",
                json={"question": f"Question numéro {number} ?"},
                headers={"X-Forwarded-For": f"203.0.113.{number}"},
                timeout=10,
            ).status_code
            for number in range(12)
        ]
    assert statuses.count(201) == 4 and statuses.count(429) == 8, statuses


def _skip_without_redis() -> None:
    try:
        address = urlsplit(REDIS_URL)
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 6379), timeout=2).close()
    except OSError:
        pytest.skip(f"Redis injoignable ({REDIS_URL})")
