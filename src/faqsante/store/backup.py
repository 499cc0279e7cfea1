"""Backup and restore of the whole database, portable between SQLite and PostgreSQL.

A backup is one gzip'd JSON-lines file: a header line, then one line per row, table after table in
foreign-key order. Two gzip members are concatenated (header, then rows) so the header, which carries
per-table counts and checksums, comes first although it is only known once every row has been read:

    {"format": "faqsante-backup", "format_version": 1, "schema_revision": "0001", "tables": {"entries": {"count": 334, "sha256": "…"}, …}}
    {"table": "sources", "row": {"checksum": "…", "id": 1, "imported_at": "2026-11-22T07:50:38.128358+00:00", …}}

Checksums hash the canonical JSON of each row (sorted keys, datetimes as UTC ISO strings, bytes as
base64) in primary-key order, so the same content gives the same digest on either database engine.

A backup is signed (issue #11.10): the header carries an HMAC-SHA256 of itself, counts and checksums
included, keyed with the installation's secret (FAQSANTE_SECRET_KEY, else the key generated once and kept
in the ``meta`` table, see ``store.secret``). Whoever re-checksums a tampered backup cannot re-sign it, so a
restore that verifies the signature cannot be made to add an admin account. That key is never written to
a backup — a backup that carried its own key would vouch for itself — so:
- restoring into the same installation (same FAQSANTE_SECRET_KEY, or the same database with ``--force``)
  verifies the signature;
- restoring elsewhere (a new database without FAQSANTE_SECRET_KEY, another installation) cannot verify it:
  the restore refuses unless told the file is trusted (``--trust``); the target keeps its own key.

Editors' sessions (``editor_sessions``) are credentials, not content: a backup leaves them out, and a
restore ends every session of the target, so that no cookie outlives the data it was issued for. The
sessions an older backup holds are checked against its checksums, then dropped.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import hmac
import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Date, Integer, LargeBinary, String, Table, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from faqsante.errors import BackupError
from faqsante.store.db import Database
from faqsante.store.models import Base, Meta, UTCDateTime
from faqsante.store.secret import META_KEY as SECRET_KEY_ROW
from faqsante.store.secret import shared_secret
from faqsante.store.storable import StoredString, UnstorableText

FORMAT = "faqsante-backup"
FORMAT_VERSION = 1
BATCH_ROWS = 500
DATA_VERSION_KEY = "data_version"
OPTIONAL_TABLES = ("embeddings",)  # derived from entries: recomputed if left out of a backup
CREDENTIAL_TABLES = ("editor_sessions",)  # never backed up; cleared by a restore, never restored
# Today's counts of who asked what (hashed addresses), news not yet mailed to editors: likewise
TRANSIENT_TABLES = ("learned_asks", "editor_notices")
UNSAVED_TABLES = CREDENTIAL_TABLES + TRANSIENT_TABLES
# A row is a few kilobytes (an answer is at most 20,000 characters, a vector 2 KB): a longer line is not
# ours, and reading it whole would let a crafted file exhaust memory.
MAX_LINE_CHARS = 8_000_000
SIGNATURE = "hmac-sha256"
# Migrations that only add nullable columns (or a table no backup carries, or new tables that start empty),
# and the revision each follows: a backup made at that earlier revision restores into the newer schema with
# those columns (tables) empty.
# {"0013_review_and_page_names": "0012_support_contacts"}: a 0012 backup restores into 0013 (and 0014)
COLUMNS_ADDED_SINCE = {
    "0013_review_and_page_names": "0012_support_contacts",
    "0014_learned_asks": "0013_review_and_page_names",  # learned_asks is never backed up
    "0015_editor_notices": "0014_learned_asks",  # users' mail settings; editor_notices is never backed up
    "0016_glossary": "0015_editor_notices",  # a backup of before restores with the shipped glossary alone
    "0017_two_factor": "0016_glossary",  # no account under two-factor sign-in, no recovery codes
}


@dataclass(frozen=True)
class TableDigest:
    count: int
    sha256: str


@dataclass(frozen=True)
class BackupHeader:
    schema_revision: str
    tables: dict[str, TableDigest]
    created_at: str
    dialect: str
    signature: str | None = None  # hex HMAC of the rest of the header; None in backups made before signing
    key_id: str | None = None  # which key signed: tells "another installation" from "tampered"

    def to_dict(self) -> dict[str, Any]:
        data = self.signed_part()
        if self.signature:
            data["signature"] = {"algorithm": SIGNATURE, "key_id": self.key_id, "value": self.signature}
        return data

    def signed_part(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": self.schema_revision,
            "created_at": self.created_at,
            "dialect": self.dialect,
            "tables": {name: {"count": d.count, "sha256": d.sha256} for name, d in self.tables.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path) -> BackupHeader:
        if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
            raise BackupError(f"{path} n'est pas une sauvegarde faqsante (format {FORMAT} v{FORMAT_VERSION})")
        signature = data.get("signature") or {}
        tables = {str(name): TableDigest(int(d["count"]), str(d["sha256"])) for name, d in data["tables"].items()}
        return cls(
            schema_revision=str(data["schema_revision"]),
            tables=tables,
            created_at=str(data["created_at"]),
            dialect=str(data["dialect"]),
            signature=str(signature["value"]) if signature.get("algorithm") == SIGNATURE else None,
            key_id=str(signature.get("key_id")),
        )


def _key_id(key: str) -> str:
    """A public fingerprint of the signing key (an HMAC of a fixed text: says nothing about the key)."""
    return hmac.new(key.encode("utf-8"), b"faqsante backup key id", hashlib.sha256).hexdigest()[:16]


def _sign(header: BackupHeader, key: str) -> str:
    return hmac.new(
        key.encode("utf-8"), canonical_json(header.signed_part()).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def _check_signature(path: Path, header: BackupHeader, keys: list[str]) -> None:
    """Refuse a backup no key of this installation signed, saying why and what to do."""
    trust_hint = "si vous êtes certain de sa provenance, relancez avec --trust"
    if header.signature is None:
        raise BackupError(f"{path} n'est pas signée (sauvegarde d'une version antérieure ?) : {trust_hint}")
    for key in keys:
        if hmac.compare_digest(_sign(header, key), header.signature):
            return
    if not keys or header.key_id not in {_key_id(key) for key in keys}:
        raise BackupError(
            f"{path} a été signée avec la clé d'une autre installation : définissez FAQSANTE_SECRET_KEY à la "
            f"clé de l'installation d'origine pour la vérifier ; sinon, {trust_hint}"
        )
    raise BackupError(
        f"{path} a été modifiée après sa création : sa signature ne correspond plus, restauration refusée"
    )


def backed_up_tables(*, embeddings: bool = True) -> list[Table]:
    """Every table of content, parents before children (the order rows must be inserted in)."""
    return [
        t
        for t in Base.metadata.sorted_tables
        if t.name not in UNSAVED_TABLES and (embeddings or t.name not in OPTIONAL_TABLES)
    ]


# --- canonical rows ---------------------------------------------------------------------------------


def _encode(value: Any, column_type: Any) -> Any:
    """A database value as JSON: the same text whichever engine it was read from."""
    if value is None:
        return None
    if isinstance(column_type, UTCDateTime):  # aware, in UTC, on every engine
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(column_type, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(column_type, Date):  # "2027-03-31"
        return value.isoformat()
    return value


def _decode(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    return value


def canonical_json(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _installation_row(table: Table, row: dict[str, Any]) -> bool:
    """The installation's secret key is not content: never backed up, never replaced by a restore."""
    return table.name == Meta.__tablename__ and row.get("key") == SECRET_KEY_ROW


def _counted_row(table: Table, row: dict[str, Any]) -> bool:
    """``data_version`` is an operational counter, not content: restore moves it forward on purpose."""
    return not (table.name == Meta.__tablename__ and row.get("key") == DATA_VERSION_KEY)


def _ordered_rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Rows as canonical dicts in primary-key order; strings compare bytewise on both engines."""
    postgres = connection.dialect.name == "postgresql"
    order = [
        column.collate("C") if postgres and isinstance(column.type, String | StoredString) else column
        for column in table.primary_key.columns
    ]
    result = connection.execution_options(yield_per=BATCH_ROWS).execute(select(table).order_by(*order))
    for row in result.mappings():
        encoded = {column.name: _encode(row[column.name], column.type) for column in table.columns}
        if not _installation_row(table, encoded):
            yield encoded


class _Digester:
    """Counts rows and hashes their canonical JSON, table by table."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.hashes: dict[str, Any] = {}

    def add(self, table: Table, row: dict[str, Any], line: str) -> None:
        self.counts[table.name] = self.counts.get(table.name, 0) + 1
        digest = self.hashes.setdefault(table.name, hashlib.sha256())
        if _counted_row(table, row):
            digest.update(line.encode("utf-8") + b"\n")

    def digests(self, tables: list[Table]) -> dict[str, TableDigest]:
        return {
            t.name: TableDigest(self.counts.get(t.name, 0), self.hashes.get(t.name, hashlib.sha256()).hexdigest())
            for t in tables
        }


@contextmanager
def _snapshot(db: Database) -> Iterator[Connection]:
    """One consistent read of every table, while votes and queries keep being written."""
    with db.engine.connect() as connection:
        if db.dialect == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            # pysqlite only opens transactions before writes: open one so WAL pins a single snapshot.
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def _schema_revision(connection: Connection) -> str:
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        raise BackupError("base non migrée : ouvrez-la une fois avec faqsante avant de la sauvegarder")
    return revision


def table_digests(db: Database, tables: list[Table] | None = None) -> dict[str, TableDigest]:
    """Row count and checksum of every table: equal digests mean equal content, across engines."""
    with _snapshot(db) as connection:
        return _digests_in(connection, tables if tables is not None else backed_up_tables())


def _digests_in(connection: Connection, tables: list[Table]) -> dict[str, TableDigest]:
    digester = _Digester()
    for table in tables:
        for row in _ordered_rows(connection, table):
            digester.add(table, row, canonical_json(row))
    return digester.digests(tables)


# --- backup -----------------------------------------------------------------------------------------


def backup(db: Database, path: Path, *, embeddings: bool = True, secret: str = "") -> BackupHeader:
    """Write every table to ``path`` (readable by its owner only: it holds password hashes), signed with
    ``secret`` (FAQSANTE_SECRET_KEY), else with the key the database keeps."""
    key = shared_secret(db, secret)
    tables = backed_up_tables(embeddings=embeddings)
    digester = _Digester()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".faqsante-backup-") as work:
        body = Path(work) / "rows.gz"
        with _snapshot(db) as connection, gzip.open(body, "wt", encoding="utf-8") as out:
            revision = _schema_revision(connection)
            for table in tables:
                prefix = '{"table":' + json.dumps(table.name) + ',"row":'
                for row in _ordered_rows(connection, table):
                    line = canonical_json(row)
                    digester.add(table, row, line)
                    out.write(prefix + line + "}\n")
        unsigned = BackupHeader(
            schema_revision=revision,
            tables=digester.digests(tables),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            dialect=db.dialect,
        )
        header = replace(unsigned, signature=_sign(unsigned, key), key_id=_key_id(key))
        # Written beside the target then renamed: an interrupted backup never leaves a truncated file.
        partial = Path(work) / "backup.gz"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(gzip.compress((json.dumps(header.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")))
            with body.open("rb") as rows:
                shutil.copyfileobj(rows, out)
        os.replace(partial, path)
    return header


def read_header(path: Path) -> BackupHeader:
    with _open_backup(path) as lines:
        return _parse_header(path, next(lines, ""))


@contextmanager
def _open_backup(path: Path) -> Iterator[Iterator[str]]:
    """The file's lines, each at most ``MAX_LINE_CHARS`` long; a truncated or foreign file is a
    ``BackupError``, whenever it shows."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            yield _bounded_lines(path, stream)
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile, zlib.error) as error:
        raise BackupError(f"sauvegarde illisible ou tronquée : {path} ({error})") from error


def _bounded_lines(path: Path, stream: IO[str]) -> Iterator[str]:
    number = 0
    while line := stream.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise BackupError(
                f"{path}, ligne {number} : ligne de plus de {MAX_LINE_CHARS} caractères, ce n'est pas une sauvegarde faqsante"
            )
        yield line


def _parse_header(path: Path, line: str) -> BackupHeader:
    try:
        data = json.loads(line)
        return BackupHeader.from_dict(data, path)
    except (ValueError, RecursionError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{path} n'est pas une sauvegarde faqsante (en-tête illisible)") from error


# --- verify -----------------------------------------------------------------------------------------


def verify(db: Database, path: Path) -> dict[str, tuple[TableDigest, TableDigest]]:
    """Tables whose content differs from the backup's header: {name: (in backup, in database)}."""
    header = read_header(path)
    tables = [t for t in backed_up_tables() if t.name in header.tables]
    current = table_digests(db, tables)
    return {
        name: (expected, current[name])
        for name, expected in header.tables.items()
        if name not in UNSAVED_TABLES and current.get(name) != expected
    }


# --- restore ----------------------------------------------------------------------------------------


def restore(db: Database, path: Path, *, force: bool = False, secret: str = "", trust: bool = False) -> BackupHeader:
    """Load a backup into a migrated database, in one transaction: all of it, or nothing.

    The signature is checked first, with ``secret`` (FAQSANTE_SECRET_KEY) or else the key the target
    database keeps; ``trust`` accepts a backup no such key signed. The target must be empty unless
    ``force``, which clears it in the same transaction (its key stays, its sessions end). Sessions an older
    backup holds are not restored: the header returned lists the tables restored. The data version ends above both
    the backup's and the target's, so every running worker reloads. Whatever the file holds, a failure
    is a ``BackupError`` and changes nothing.
    """
    path = Path(path)
    tables = {t.name: t for t in backed_up_tables()}
    credentials = {t.name: t for t in Base.metadata.sorted_tables if t.name in UNSAVED_TABLES}
    with _open_backup(path) as lines, db.engine.begin() as connection:
        header = _parse_header(path, next(lines, ""))
        stored_key = connection.scalar(select(Meta.value).where(Meta.key == SECRET_KEY_ROW))
        if not trust:
            _check_signature(path, header, [secret] if secret else [stored_key] if stored_key else [])
        unknown = sorted(set(header.tables) - set(tables) - set(credentials))
        revision = _schema_revision(connection)
        if not _restorable_into(header.schema_revision, revision) or unknown:
            raise BackupError(
                f"sauvegarde au schéma {header.schema_revision}, base au schéma {revision} : "
                "restaurez avec la version de faqsante qui l'a produite"
            )
        target_version = _data_version(connection)
        occupied = _occupied(connection, tables.values())
        if occupied and not force:
            summary = ", ".join(f"{name} ({n})" for name, n in sorted(occupied.items()))
            raise BackupError(f"la base n'est pas vide : {summary} ; utilisez --force pour la remplacer")
        for table in reversed(Base.metadata.sorted_tables):  # content and sessions alike
            statement = table.delete()
            if table.name == Meta.__tablename__:
                statement = statement.where(Meta.key != SECRET_KEY_ROW)
            connection.execute(statement)

        try:
            read, written = _insert_rows(path, connection, tables, credentials, lines)
        except (SQLAlchemyError, UnstorableText) as error:  # NUL in a backup of a SQLite database of before #19.5
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise BackupError(f"{path} : une ligne ne peut pas être écrite dans la base ({reason})") from None

        if read.digests([(tables | credentials)[name] for name in header.tables]) != header.tables:
            raise BackupError(f"{path} est corrompue : son contenu ne correspond pas aux sommes de contrôle")
        included = [tables[name] for name in header.tables if name in tables]
        _reset_sequences(connection, tables.values())
        _set_data_version(connection, max(target_version, _data_version(connection)) + 1)
        restored, expected = _digests_in(connection, included), written.digests(included)
        if restored != expected:
            differing = ", ".join(sorted(n for n in restored if restored[n] != expected[n]))
            raise BackupError(f"restauration annulée : tables différentes après écriture ({differing})")
    return replace(header, tables={name: digest for name, digest in header.tables.items() if name in tables})


def _insert_rows(
    path: Path, connection: Connection, tables: dict[str, Table], credentials: dict[str, Table], lines: Iterator[str]
) -> tuple[_Digester, _Digester]:
    """Insert the rows of the backup's body, in batches; digests of the rows read and of those written.
    Rows of ``credentials`` tables (an older backup's sessions) are read and checked, not written."""
    digester, written = _Digester(), _Digester()
    readable = tables | credentials
    batch: list[dict[str, Any]] = []
    batch_table: Table | None = None
    for number, line in enumerate(lines, start=2):
        try:
            record = json.loads(line)
            table = readable[record["table"]]
            row = record["row"]
            values = {column.name: _decode(row.get(column.name), column.type) for column in table.columns}
            digester.add(table, row, canonical_json(row))
        except (ValueError, RecursionError, KeyError, TypeError, AttributeError, binascii.Error) as error:
            raise BackupError(f"{path}, ligne {number} : ligne de sauvegarde invalide") from error
        if _installation_row(table, row) or table.name in credentials:
            continue  # a backup made before keys or sessions were left out: the target keeps its own key
        # An older backup lacks the columns added since: they are written empty, and checked so.
        written.add(table, row, canonical_json({column.name: row.get(column.name) for column in table.columns}))
        # Rows come parents first; flushing on every change of table keeps foreign keys satisfied.
        if batch_table is not None and (table is not batch_table or len(batch) >= BATCH_ROWS):
            connection.execute(batch_table.insert(), batch)
            batch = []
        batch_table = table
        batch.append(values)
    if batch_table is not None:
        connection.execute(batch_table.insert(), batch)
    return digester, written


def _restorable_into(backup_revision: str, revision: str) -> bool:
    """The same schema, or one that only added nullable columns since the backup's (``COLUMNS_ADDED_SINCE``)."""
    while backup_revision != revision and revision in COLUMNS_ADDED_SINCE:
        revision = COLUMNS_ADDED_SINCE[revision]
    return backup_revision == revision


def _occupied(connection: Connection, tables: Any) -> dict[str, int]:
    """Tables holding rows. Settings (``meta``: data version, a generated session key) do not count:
    a database a server has already started on is still empty. The backup's settings replace them, except the
    installation's key, which a backup never carries."""
    counts = {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in tables
        if table.name != Meta.__tablename__
    }
    return {name: n for name, n in counts.items() if n}


def _data_version(connection: Connection) -> int:
    value = connection.scalar(select(Meta.value).where(Meta.key == DATA_VERSION_KEY))
    return int(value or 0)


def _set_data_version(connection: Connection, version: int) -> None:
    updated = connection.execute(update(Meta).where(Meta.key == DATA_VERSION_KEY).values(value=str(version)))
    if updated.rowcount == 0:
        connection.execute(insert(Meta).values(key=DATA_VERSION_KEY, value=str(version)))


def _reset_sequences(connection: Connection, tables: Any) -> None:
    """PostgreSQL serials do not see explicit ids: move them past the restored rows."""
    if connection.dialect.name != "postgresql":
        return  # SQLite picks max(rowid) + 1 by itself
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and isinstance(keys[0].type, Integer) and keys[0].autoincrement in (True, "auto"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{keys[0].name}'), "
                    f'COALESCE(MAX("{keys[0].name}"), 0) + 1, false) FROM "{table.name}"'
                )
            )
