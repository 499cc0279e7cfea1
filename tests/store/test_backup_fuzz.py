"""Fuzzing restore: whatever a backup file has become, restore says why in French and changes nothing.

A genuine backup of a small database is damaged at random (truncated, bytes replaced, lines replaced by
arbitrary Unicode text or JSON, lines repeated or dropped, huge lines) and restored with ``--trust``
(so that the content checks, not the signature, are what is exercised). Restore either writes the
backup's exact content or raises ``BackupError`` leaving the target as it was; never another exception.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqsante.errors import BackupError
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.backup import backup, restore, table_digests

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "001_551341d1aa6bf55a.txt"
WORK = Path(tempfile.mkdtemp(prefix="faqsante-backup-fuzz-"))


@cache
def genuine() -> tuple[list[bytes], dict]:
    """The lines of a real backup, and the digests of the database it came from."""
    db = Database(f"sqlite:///{WORK / 'source.db'}")
    ingest_paths(db, [SAMPLE])
    backup(db, WORK / "genuine.jsonl.gz")
    digests = table_digests(db)
    db.dispose()
    return gzip.decompress((WORK / "genuine.jsonl.gz").read_bytes()).splitlines(keepends=True), digests


@cache
def target() -> Database:
    return Database(f"sqlite:///{WORK / 'target.db'}")


JUNK = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(["table", "row", "id", "answer"]), inner, max_size=3)
        ),
        max_leaves=8,
    ).map(json.dumps),
    st.sampled_from(
        ['{"table": "entries", "row": {"id": "x"}}', '{"table": "users", "row": {"id": "1"}}', "[" * 50_000]
    ),
)
DAMAGE = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("replace-line"), st.integers(0, 10_000), JUNK),
    st.tuples(st.just("insert-line"), st.integers(0, 10_000), JUNK),
    st.tuples(st.just("drop-line"), st.integers(1, 10_000)),
    st.tuples(st.just("repeat-line"), st.integers(1, 10_000)),
    st.tuples(st.just("flip-byte"), st.integers(0, 10**9), st.integers(1, 255)),
)


def damaged(lines: list[bytes], damage: tuple) -> Iterator[bytes]:
    kind, *args = damage
    lines = list(lines)
    if kind == "truncate":
        data = b"".join(lines)
        yield data[: int(len(data) * args[0])]
        return
    if kind == "flip-byte":
        data = bytearray(b"".join(lines))
        data[args[0] % len(data)] ^= args[1]
        yield bytes(data)
        return
    at = args[0] % len(lines)
    if kind == "replace-line":
        lines[at] = args[1].encode("utf-8") + b"\n"
    elif kind == "insert-line":
        lines.insert(at, args[1].encode("utf-8") + b"\n")
    elif kind == "drop-line":
        del lines[at]
    else:
        lines.insert(at, lines[at])
    yield from lines


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damage=DAMAGE)
def test_a_damaged_backup_restores_exactly_or_changes_nothing(damage: tuple) -> None:
    lines, digests = genuine()
    path = WORK / "damaged.jsonl.gz"
    path.write_bytes(gzip.compress(b"".join(damaged(lines, damage))))
    db = target()
    before = table_digests(db)

    try:
        restore(db, path, force=True, trust=True)
    except BackupError as error:
        assert str(error)  # a message, in French, for the person restoring
        assert table_digests(db) == before
    else:
        assert {name: d for name, d in table_digests(db).items() if name != "meta"} == {
            name: d for name, d in digests.items() if name != "meta"
        }
