"""One rule for every text that meets the database (#19.5): a NUL or a lone surrogate is refused the same way on
SQLite and PostgreSQL, in a write or a lookup, whoever sends it."""

from __future__ import annotations

import pytest
from sqlalchemy import String, select

from faqsante.errors import InvalidInput
from faqsante.store import Database
from faqsante.store.models import Base, Entry, Source
from faqsante.store.storable import StoredString, StoredText, UnstorableText


def test_every_text_column_of_the_models_is_protected_by_the_rule() -> None:
    columns = [column for table in Base.metadata.sorted_tables for column in table.columns]
    text = [column for column in columns if isinstance(column.type, StoredString | StoredText)]
    assert len(text) > 50  # names, answers, questions, ids, addresses, e-mails, hashes…
    raw = [f"{column.table.name}.{column.name}" for column in columns if isinstance(column.type, String)]
    assert raw == []  # a bare String or Text would let a NUL reach SQLite and a 500 out of PostgreSQL


@pytest.mark.parametrize("bad", ["Réponse\x00", "\ud800 mal encodé"])
def test_what_neither_database_stores_identically_is_refused_in_french(db: Database, bad: str) -> None:
    with pytest.raises(UnstorableText, match="caractère interdit") as refused, db.session() as session:
        session.add(Entry(id="e1", answer=bad, content_hash="h"))
    assert isinstance(refused.value, InvalidInput)  # the web answers 400, the CLI prints it
    with pytest.raises(UnstorableText), db.session() as session:
        session.add(Source(name=bad, origin="o", parser="csv", checksum="c"))
    for lookup in [lambda s: s.get(Entry, bad), lambda s: s.scalars(select(Entry).where(Entry.answer.contains(bad)))]:
        with pytest.raises(UnstorableText), db.session() as session:
            lookup(session)
    with db.session() as session:
        assert session.scalars(select(Entry)).all() == [] and session.scalars(select(Source)).all() == []
