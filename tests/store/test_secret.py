"""The session key: the configured one, else one random key stored once and shared by every worker."""

from __future__ import annotations

from faqsante.store import Database
from faqsante.store.secret import shared_secret


def test_the_configured_key_wins(sqlite_url: str) -> None:
    assert shared_secret(Database(sqlite_url), "clé de production") == "clé de production"


def test_without_configuration_every_worker_gets_the_same_stored_key(db_url: str) -> None:
    first, second = Database(db_url), Database(db_url)  # two worker processes on one database
    key = shared_secret(first)
    assert len(key) >= 48
    assert shared_secret(second) == key
    assert shared_secret(first) == key
    first.dispose()
    second.dispose()
