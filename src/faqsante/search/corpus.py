"""What the indexes are built from: the published entries of the database, read in three flat queries.

Core selects rather than ORM objects, so that loading 50,000 entries takes a fraction of a second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from faqsante.store import Database
from faqsante.store.models import Entry, EntryFacet, EntrySource, Source


@dataclass(frozen=True)
class Document:
    """An entry as search sees it."""

    id: str
    question: str | None
    answer: str
    section: str | None
    sources: tuple[str, ...] = ()
    facets: dict[str, frozenset[str]] = field(default_factory=dict)
    review_at: date | None = None  # the desk's date to read it again: the health report lists it once past
    owner: str | None = None  # who answers for it

    @cached_property  # read by the lexical analysis, the vectors' text hash and the index file key
    def text(self) -> str:
        """Everything a reader sees of the entry, heading first: what both retrievers index."""
        return "\n".join(part for part in (self.section, self.question, self.answer) if part)


def load_documents(db: Database) -> list[Document]:
    """Published entries in a stable order (by id), with their source names and facet values."""
    with db.session() as session:
        return read_documents(session)


def read_documents(session: Session) -> list[Document]:
    """``load_documents`` through the caller's session, which sees its own uncommitted changes."""
    rows = session.execute(
        select(Entry.id, Entry.question, Entry.answer, Entry.section, Entry.review_at, Entry.owner)
        .where(Entry.status == "published")
        .order_by(Entry.id)
    ).all()
    sources: dict[str, list[str]] = defaultdict(list)
    for entry_id, name in session.execute(
        select(EntrySource.entry_id, Source.name)
        .join(Source, Source.id == EntrySource.source_id)
        .order_by(EntrySource.entry_id, EntrySource.source_id)
    ):
        sources[entry_id].append(name)
    facets: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for entry_id, facet, value in session.execute(
        # confidence 0 is an editor's "not this value" (see faqsante.facets.entry_tags): not a tag
        select(EntryFacet.entry_id, EntryFacet.facet, EntryFacet.value).where(EntryFacet.confidence > 0)
    ):
        facets[entry_id][facet].add(value)
    return [
        Document(
            id=entry_id,
            question=question,
            answer=answer,
            section=section,
            sources=tuple(sources.get(entry_id, ())),
            facets={name: frozenset(values) for name, values in facets.get(entry_id, {}).items()},
            review_at=review_at,
            owner=owner,
        )
        for entry_id, question, answer, section, review_at, owner in rows
    ]


class FacetFilter:
    """Which documents carry which facet values, for filtering a ranking without touching the DB."""

    def __init__(self, documents: list[Document]) -> None:
        self.size = len(documents)
        self._rows: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row, doc in enumerate(documents):
            for name, values in doc.facets.items():
                for value in values:
                    self._rows[(name, value)].append(row)

    def mask(self, facets: dict[str, list[str]] | None) -> np.ndarray | None:
        """Rows allowed by the facets: one of the values of each facet (OR within, AND across).

        # {"produit": ["INS", "DMP"], "type_offre": ["Logiciel"]}  ->  (INS or DMP) and Logiciel
        """
        if not facets:
            return None
        allowed = np.ones(self.size, dtype=bool)
        for name, values in facets.items():
            if not values:
                continue
            one_facet = np.zeros(self.size, dtype=bool)
            for value in values:
                one_facet[self._rows.get((name, value), [])] = True
            allowed &= one_facet
        return allowed
