"""A database too busy to take a write (a long import holding SQLite's one write lock, or a PostgreSQL lock) is
a French 503 with Retry-After, never a 500 « database is locked » nor a request that waits forever (#19.11)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from databases import copy_sqlite
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store import db as store_db
from faqsante.web.app import create_app

from .conftest import web_settings


@pytest.fixture
def client_and_path(
    seed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, Path]]:
    monkeypatch.setattr(store_db, "LOCK_WAIT_S", 0.2)  # wait a moment for the lock, not 30 s
    path = tmp_path / "faqsante.db"
    app = create_app(web_settings(copy_sqlite(seed_template, path), tmp_path / "index"))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, path


def test_a_vote_while_another_process_holds_the_write_lock_is_a_french_503(
    client_and_path: tuple[TestClient, Path],
) -> None:
    client, path = client_and_path
    entry_id = client.get("/api/entries").json()["items"][0]["id"]
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # what an import's transaction holds while it writes
    try:
        api = client.post(f"/api/entries/{entry_id}/feedback", json={"helpful": True})
        page = client.post(f"/reponses/{entry_id}/avis", data={"utile": "oui"}, headers={"accept": "text/html"})
    finally:
        holder.rollback()
        holder.close()

    assert api.status_code == 503, api.text
    assert api.headers["retry-after"] == "5"
    assert api.json()["error"]["code"] == "busy"
    assert "réessayez" in api.json()["error"]["message"]
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert "Service momentanément indisponible" in page.text and "database is locked" not in page.text
    assert client.post(f"/api/entries/{entry_id}/feedback", json={"helpful": True}).status_code == 201


def test_a_vote_while_postgresql_holds_a_lock_is_a_french_503_not_a_wait_forever(
    pg_url: str, sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(pg_url)
    ingest_paths(database, [sample_dir])
    database.dispose()
    monkeypatch.setattr(store_db, "LOCK_WAIT_S", 0.2)  # PostgreSQL's lock_timeout on every connection
    app = create_app(web_settings(pg_url, tmp_path / "index"))
    with TestClient(app, raise_server_exceptions=False) as client:
        entry_id = client.get("/api/entries").json()["items"][0]["id"]
        holder = Database(pg_url, migrate=False)
        with holder.engine.connect() as connection:
            transaction = connection.begin()
            connection.exec_driver_sql("LOCK TABLE feedback IN ACCESS EXCLUSIVE MODE")  # a long writer's lock
            api = client.post(f"/api/entries/{entry_id}/feedback", json={"helpful": True})
            transaction.rollback()
        holder.dispose()
        assert api.status_code == 503, api.text
        assert api.headers["retry-after"] == "5"
        assert api.json()["error"]["code"] == "busy"
        assert client.post(f"/api/entries/{entry_id}/feedback", json={"helpful": True}).status_code == 201
