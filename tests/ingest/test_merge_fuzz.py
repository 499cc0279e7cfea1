"""Fuzzing the merge: whatever files an import is given, it neither loses, duplicates nor re-attributes an entry.

Random CSV files, in random folders whose file names collide (``a/faq.csv``, ``b/faq.csv``), with repeated
rows and entries shared between files, are imported twice into a real SQLite database:
- every distinct question and answer of every file is exactly one published entry, listing that file;
- an entry lists no file that does not contain it;
- the second import changes nothing: same ids, nothing added, updated or archived.
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from faqsante.ingest import ingest_paths
from faqsante.ingest.base import content_hash
from faqsante.store import Database
from faqsante.store.models import Entry

TEXT = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=1, max_size=30).filter(
    str.strip
)
POOL = st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=6, unique=True)  # (question, answer) shared by files


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pool=POOL,
    files=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "a/c"]),
            st.sampled_from(["faq.csv", "autre.csv"]),
            st.lists(st.integers(0, 5), min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda file: (file[0], file[1]),
    ),
)
def test_an_import_neither_loses_duplicates_nor_reattributes(
    pool: list[tuple[str, str]], files: list[tuple[str, str, list[int]]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "faqs"
        expected: dict[str, set[str]] = defaultdict(set)  # content -> source names
        for directory, name, picks in files:
            path = root / directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["question", "answer"])
                for pick in picks:
                    question, answer = pool[pick % len(pool)]
                    writer.writerow([question, answer])
                    expected[_key(question, answer)].add(f"{directory}/{name}")
        db = Database(f"sqlite:///{Path(folder) / 'faqsante.db'}")
        try:
            ingest_paths(db, [root])
            first = _published(db)
            again = ingest_paths(db, [root])
            assert _published(db) == first
        finally:
            db.dispose()

    assert {key: sources for key, (_, sources) in first.items()} == expected
    assert len({entry_id for entry_id, _ in first.values()}) == len(expected)
    assert (again.added, again.updated, again.archived) == (0, 0, 0)


def _key(question: str, answer: str) -> str:
    return content_hash(question.strip() or None, answer.strip())


def _published(db: Database) -> dict[str, tuple[str, set[str]]]:
    with db.session() as session:
        entries = session.scalars(select(Entry).where(Entry.status == "published").options(selectinload(Entry.links)))
        return {entry.content_hash: (entry.id, set(entry.source_names)) for entry in entries}
