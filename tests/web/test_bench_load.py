"""``make bench-load`` stopped by SIGTERM (a time limit) leaves nothing behind: no worker, no database.

The real script runs in a subprocess against the test PostgreSQL server, in a database of its own; it is
interrupted once its two workers answer. Waits are upper bounds for a busy machine, not measurements.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
READY_S = 240.0
EXIT_S = 60.0


def test_sigterm_stops_both_workers_and_drops_the_database(pg_url: str, tmp_path: Path) -> None:
    database = f"faqsante_bench_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "FAQSANTE_BENCH_PG": pg_url, "FAQSANTE_BENCH_DB": database, "FAQSANTE_EMBEDDER": "none"}
    errors = tmp_path / "bench.err"
    with errors.open("wb") as stderr:
        bench = subprocess.Popen([sys.executable, str(ROOT / "bench" / "load.py")], env=env, stderr=stderr)
    try:
        base = _wait_for_workers(bench, errors)
        assert databases_named(pg_url, database) == 1
        bench.send_signal(signal.SIGTERM)
        assert bench.wait(timeout=EXIT_S) != 0
    finally:
        if bench.poll() is None:
            bench.kill()
    assert "suppression de la base" in errors.read_text()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{base}/healthz", timeout=2)
    port = base.rsplit(":", 1)[1]
    assert not [pid for pid in os.listdir("/proc") if pid.isdigit() and f"--port\x00{port}\x00" in _cmdline(pid)]
    assert databases_named(pg_url, database) == 0


def _wait_for_workers(bench: subprocess.Popen[bytes], errors: Path) -> str:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        assert bench.poll() is None, errors.read_text()
        ready = re.search(r"workers prêts sur (http://\S+)", errors.read_text())
        if ready:
            return ready.group(1)
        time.sleep(0.5)
    raise AssertionError(f"les workers n'ont pas démarré : {errors.read_text()}")


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text() + "\x00"
    except OSError:  # the process ended meanwhile
        return ""


def databases_named(server_url: str, name: str) -> int:
    engine = create_engine(server_url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name})
        count = int(found.scalar_one())
    engine.dispose()
    return count
