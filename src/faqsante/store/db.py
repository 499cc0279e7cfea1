"""Opening a database: engine, sessions, migrations, and the data version that tells workers to refresh."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Integer, String, cast, create_engine, event, inspect, select, update
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from faqsante.config import normalize_db_url
from faqsante.store.models import Meta

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# How long a write waits for a lock another connection holds (SQLite's one write lock, a PostgreSQL row or
# table lock) before the database says it is busy, which the web answers with a 503 and Retry-After.
LOCK_WAIT_S = 30.0


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers (web workers) run while an ingest writes; busy_timeout queues concurrent writers
    # instead of failing them, so no vote is lost under load.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT_S * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalize_db_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": LOCK_WAIT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Without lock_timeout a PostgreSQL write would wait for a lock forever (lock_not_available, 55P03, after it).
    lock_timeout = f"-c lock_timeout={int(LOCK_WAIT_S * 1000)}"
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"options": lock_timeout})


class Database:
    """A migrated database ready for sessions.

    >>> db = Database("sqlite:///./var/faqsante.db")
    >>> with db.session() as s: ...
    """

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = normalize_db_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the latest Alembic revision (a no-op when it already is)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back entirely if it raises."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def data_version(self) -> int:
        """A counter bumped by every content change; cheap to poll, so every worker can refresh."""
        with self._sessions() as session:
            value = session.scalar(select(Meta.value).where(Meta.key == "data_version"))
        return int(value or 0)

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


# SQLSTATEs of a PostgreSQL too busy to serve now, though nothing is wrong with the request: a lock not granted
# in time, a serialization failure or deadlock (its transaction was rolled back), too many connections.
_PG_BUSY = frozenset({"55P03", "40001", "40P01", "53300", "57014"})


def is_busy(error: BaseException) -> bool:
    """True when ``error`` says the database is too busy right now (worth trying again in a moment).

    # sqlite3.OperationalError("database is locked")   -> True  (another process holds the write lock)
    # psycopg.errors.LockNotAvailable (55P03)           -> True
    # sqlalchemy.exc.TimeoutError (connection pool full) -> True
    """
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if isinstance(original, sqlite3.OperationalError):
        return "locked" in str(original) or "busy" in str(original)
    return getattr(original, "sqlstate", None) in _PG_BUSY


def bump_data_version(session: Session) -> None:
    """Increment ``data_version`` inside the caller's transaction (atomic on SQLite and PostgreSQL)."""
    session.execute(
        update(Meta).where(Meta.key == "data_version").values(value=cast(cast(Meta.value, Integer) + 1, String))
    )
