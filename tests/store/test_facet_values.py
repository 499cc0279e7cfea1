"""Facet values are stored as the taxonomy's keys: by the import, and by migration 0008 for older rows."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.db import MIGRATIONS_DIR
from faqsante.store.models import EntryFacet


def upgrade(db: Database, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def stored(db: Database) -> set[tuple[str, str, str, str]]:
    with db.session() as session:
        rows = session.scalars(select(EntryFacet)).all()
        return {(row.entry_id, row.facet, row.value, row.origin) for row in rows}


def test_an_import_stores_the_key_of_what_the_source_wrote(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "faq.csv"
    source.write_text(
        "id,question,answer,produit,thematique\n"
        "a1,Qu'est-ce que l'INS ?,L'identité nationale de santé.,INS|identité nationale de santé,Minitel\n",
        encoding="utf-8",
    )

    ingest_paths(db, [source])

    assert stored(db) == {("a1", "produit", "ins", "source"), ("a1", "thematique", "Minitel", "source")}


def test_migration_0008_canonicalises_older_rows_keeping_the_weightier_decision(sqlite_url: str) -> None:
    db = Database(sqlite_url, migrate=False)
    upgrade(db, "0007_query_log_query")
    with db.engine.begin() as connection:
        for entry_id in ("e1", "e2"):
            connection.execute(
                text(
                    "INSERT INTO entries (id, answer, status, content_hash, locked_fields, created_at, updated_at)"
                    " VALUES (:id, 'Réponse', 'published', :id, '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"id": entry_id},
            )
        rows = [
            ("e1", "produit", "INS", 1.0, "source"),  # written as the source spelled it
            ("e1", "produit", "ins", 0.7, "auto"),  # the tagger found it too: the source's row wins
            ("e1", "thematique", "Minitel", 1.0, "source"),  # unknown to the taxonomy: kept as written
            ("e2", "produit", "Dossier médical partagé", 1.0, "source"),
        ]
        for row in rows:
            connection.execute(
                text("INSERT INTO entry_facets VALUES (:entry, :facet, :value, :confidence, :origin)"),
                dict(zip(("entry", "facet", "value", "confidence", "origin"), row, strict=True)),
            )

    upgrade(db, "head")

    assert stored(db) == {
        ("e1", "produit", "ins", "source"),
        ("e1", "thematique", "Minitel", "source"),
        ("e2", "produit", "dmp", "source"),
    }
