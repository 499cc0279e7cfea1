"""The published FAQ as visitors browse it: sections, pages of entries, one entry.

Entries have the shape of a search hit without its scores, so every channel shows one entry shape:
# {"id": "627b0cbf71bb", "question": null, "answer": "…", "section": "Pro Santé Connect", "sources": ["faq.txt"],
#  "title": "Combien de temps dure une session ?", "url": "/reponses/627b0cbf71bb/combien-de-temps-dure-une-session"}
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from faqsante.content.title_book import shown_titles
from faqsante.errors import NotFound
from faqsante.store.db import Database
from faqsante.store.lifecycle import follow_merges
from faqsante.store.models import Entry, EntryRevision, EntrySource, QueryLog, Source, utcnow
from faqsante.urls import answer_path, site_of

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
POPULAR_WINDOW = timedelta(days=90)  # « les plus consultées » follow what visitors open these days


@dataclass(frozen=True)
class PublishedEntry:
    id: str
    question: str | None
    answer: str
    section: str | None
    sources: list[str] = field(default_factory=list)
    title: str = ""  # what every channel shows: faqsante.content.title_book.shown_titles
    url: str = field(init=False)  # its permalink, from its id and title: faqsante.urls.answer_path

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", answer_path(self.id, self.title))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Provenance:
    """Where an entry comes from and when its content was added and last changed, as visitors are shown it.

    ``updated_at`` is the last change of what a reader reads (question or answer), by an import or an editor;
    an entry never changed since it was added has ``updated_at == added_at`` (« ajoutée le … »).
    """

    added_at: datetime
    updated_at: datetime
    origins: list[dict[str, str | None]]  # [{"name": "FAQ de l'ANS", "url": "https://…"}], never a file name

    def to_dict(self) -> dict[str, Any]:
        # {"added_at": "2026-11-29T12:00:00+00:00", "updated_at": "2026-12-05T09:30:00+00:00", "origins": [...]}
        return {
            "added_at": self.added_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "origins": self.origins,
        }


@dataclass(frozen=True)
class Section:
    name: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EntryPage:
    """One page of published entries, in the order of their sources."""

    items: list[PublishedEntry]
    page: int
    per_page: int
    total: int
    section: str | None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def to_dict(self) -> dict[str, Any]:
        # {"items": [...], "page": 2, "per_page": 20, "total": 40, "pages": 2, "section": "MSSanté"}
        return {
            "items": [item.to_dict() for item in self.items],
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
            "section": self.section,
        }


def get_entry(db: Database, entry_id: str) -> PublishedEntry:
    """A published entry; an entry merged into another leads to the one it was merged into."""
    with db.session() as session:
        entry = session.get(Entry, entry_id) if _storable(entry_id) else None
        if entry is not None:
            entry = follow_merges(session, entry)
        if entry is None or entry.status != "published":
            raise NotFound(f"Aucune réponse publiée n'a l'identifiant « {entry_id} ».")
        return _published(session, [entry])[0]


def provenance(db: Database, entry_id: str) -> Provenance:
    """An entry's sources as visitors see them (``shown_name``; a source with no readable name is left out)
    and the dates of its revisions: the first, and the last that changed its question or answer."""
    with db.session() as session:
        entry = session.get(Entry, entry_id) if _storable(entry_id) else None
        if entry is None:
            raise NotFound(f"Aucune réponse publiée n'a l'identifiant « {entry_id} ».")
        sources = session.scalars(
            select(Source).join(EntrySource, EntrySource.source_id == Source.id).where(EntrySource.entry_id == entry_id)
        ).all()
        origins: dict[str, dict[str, str | None]] = {}
        for source in sorted(sources, key=lambda source: source.id):
            name = shown_name(source.display_name, source.url, source.page_title, source.page_url)
            if name is not None:
                origins.setdefault(name, {"name": name, "url": source.url or source.page_url})
        revisions = session.execute(
            select(EntryRevision.question, EntryRevision.answer, EntryRevision.created_at)
            .where(EntryRevision.entry_id == entry_id)
            .order_by(EntryRevision.number)
        ).all()
        added_at, updated_at = content_dates(entry.created_at, [(q, a, at) for q, a, at in revisions])
        return Provenance(added_at, updated_at, list(origins.values()))


def content_dates(
    created_at: datetime, revisions: Sequence[tuple[str | None, str, datetime]]
) -> tuple[datetime, datetime]:
    """When the entry was added, and when its question or answer last changed (revisions in order).

    # [("Q", "A", 1 Dec), ("Q", "A", 3 Dec: archived, then back), ("Q", "A2", 5 Dec)]  ->  (1 Dec, 5 Dec)
    # [("Q", "A", 1 Dec)]  ->  (1 Dec, 1 Dec): never changed, « ajoutée le 1er décembre »
    """
    if not revisions:
        return created_at, created_at
    added_at = changed_at = revisions[0][2]
    for before, after in itertools.pairwise(revisions):
        if after[:2] != before[:2]:
            changed_at = after[2]
    return added_at, changed_at


def shown_name(display_name: str | None, url: str | None, page_title: str | None, page_url: str | None) -> str | None:
    """What visitors read of a source: its editor-given name, else the site of the address an editor gave,
    else the page title its dump carries, else the site of the dump's own address; else nothing (never the
    file's name or its import date: the health report asks editors to name it).

    # ("FAQ de l'ANS", …) -> "FAQ de l'ANS" ; (None, "https://esante.gouv.fr/faq", …) -> "esante.gouv.fr"
    # (None, None, "Foire aux questions | esante.gouv.fr", None) -> "Foire aux questions | esante.gouv.fr"
    # (None, None, None, "https://industriels.esante.gouv.fr/faq") -> "industriels.esante.gouv.fr" ; (None, …) -> None
    """
    if display_name:
        return display_name
    if url:
        return site_of(url) or url
    if page_title:
        return page_title
    if page_url:
        return site_of(page_url) or page_url
    return None


def list_sections(db: Database) -> list[Section]:
    """Sections that hold published entries, by name, with how many each holds."""
    with db.session() as session:
        rows = session.execute(
            select(Entry.section, func.count())
            .where(Entry.status == "published", Entry.section.is_not(None))
            .group_by(Entry.section)
            .order_by(Entry.section)
        ).all()
    return [Section(name, count) for name, count in rows if name is not None]


def list_entries(
    db: Database,
    *,
    section: str | None = None,
    page: int = 1,
    per_page: int = DEFAULT_PAGE_SIZE,
    where: Sequence[ColumnElement[bool]] = (),
) -> EntryPage:
    """A page of published entries, of one section or of all; an unknown section or page is NotFound.

    ``where`` narrows further (facet filters: ``faqsante.facets.entry_tags.facet_conditions``); a filter that
    leaves nothing is an empty page, not a missing section.
    """
    published = Entry.status == "published"
    scope = [published] if section is None else [published, Entry.section == section]
    first_seen = (
        select(
            EntrySource.entry_id,
            func.min(EntrySource.source_id).label("source_id"),
            func.min(EntrySource.position).label("position"),
        )
        .group_by(EntrySource.entry_id)
        .subquery()
    )
    with db.session() as session:
        total = (
            (session.scalar(select(func.count()).select_from(Entry).where(*scope)) or 0) if _storable(section) else 0
        )
        if section is not None and total == 0:
            raise NotFound(f"La rubrique « {section} » n'existe pas ou ne contient aucune réponse publiée.")
        if where:
            scope = [*scope, *where]
            total = session.scalar(select(func.count()).select_from(Entry).where(*scope)) or 0
        pages = max(1, math.ceil(total / per_page))
        if page > pages:
            raise NotFound(f"La page {page} n'existe pas : il y en a {pages}.")
        entries = session.scalars(
            select(Entry)
            .outerjoin(first_seen, first_seen.c.entry_id == Entry.id)
            .where(*scope)
            .order_by(first_seen.c.source_id, first_seen.c.position, Entry.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        items = _published(session, list(entries))
    return EntryPage(items=items, page=page, per_page=per_page, total=total, section=section)


def section_entry_ids(db: Database, section: str) -> list[str]:
    """The ids of a section's published entries."""
    with db.session() as session:
        return (
            list(session.scalars(select(Entry.id).where(Entry.status == "published", Entry.section == section)))
            if _storable(section)
            else []
        )


def most_consulted(db: Database, *, limit: int = 6) -> list[PublishedEntry]:
    """The published entries visitors opened most from search results lately, most opened first.

    Opens are the clicks the portal logs (``query_log.clicked_entry_id``); an entry merged or archived since
    is left out rather than followed, so the list holds only what a visitor can read now.
    """
    opens = func.count().label("opens")
    with db.session() as session:
        ids = session.scalars(
            select(QueryLog.clicked_entry_id)
            .join(Entry, Entry.id == QueryLog.clicked_entry_id)
            .where(Entry.status == "published", QueryLog.created_at >= utcnow() - POPULAR_WINDOW)
            .group_by(QueryLog.clicked_entry_id)
            .order_by(opens.desc(), QueryLog.clicked_entry_id)
            .limit(limit)
        ).all()
        return _in_order(session, [entry_id for entry_id in ids if entry_id is not None])


def published_entries(db: Database, ids: Sequence[str]) -> list[PublishedEntry]:
    """The published entries among ``ids``, in that order (a topic's page of answers)."""
    with db.session() as session:
        return _in_order(session, list(ids))


def _in_order(session: Session, ids: list[str]) -> list[PublishedEntry]:
    found = session.scalars(select(Entry).where(Entry.id.in_(ids), Entry.status == "published"))
    entries = {entry.id: entry for entry in found}
    return _published(session, [entries[entry_id] for entry_id in ids if entry_id in entries])


def _storable(key: str | None) -> bool:
    """PostgreSQL fails on NUL in a text parameter; no stored id or section holds one, so it finds nothing."""
    return "\x00" not in (key or "")


def _published(session: Session, entries: list[Entry]) -> list[PublishedEntry]:
    """Entries with their source names, read in one query."""
    sources: dict[str, list[str]] = defaultdict(list)
    for entry_id, name in session.execute(
        select(EntrySource.entry_id, Source.name)
        .join(Source, Source.id == EntrySource.source_id)
        .where(EntrySource.entry_id.in_([entry.id for entry in entries]))
        .order_by(EntrySource.entry_id, EntrySource.source_id)
    ):
        sources[entry_id].append(name)
    titles = shown_titles(session, [entry.id for entry in entries])
    return [
        PublishedEntry(
            entry.id,
            entry.question,
            entry.answer,
            entry.section,
            sources.get(entry.id, []),
            titles[entry.id],
        )
        for entry in entries
    ]


def published_changes(db: Database, *, offset: int = 0, limit: int | None = None) -> list[tuple[str, datetime]]:
    """The permalinks of published entries, by id, and when their content last changed: what a sitemap lists.

    # [("/reponses/c11796043a08/le-dmn-doit-il-recevoir-l-ins", datetime(2026, 11, 29, 12, 0, tzinfo=UTC)), ...]
    """
    with db.session() as session:
        rows = session.execute(
            select(Entry.id, Entry.updated_at)
            .where(Entry.status == "published")
            .order_by(Entry.id)
            .offset(offset)
            .limit(limit)
        ).all()
        titles = shown_titles(session, [entry_id for entry_id, _ in rows])
        return [(answer_path(entry_id, titles[entry_id]), updated_at) for entry_id, updated_at in rows]


def count_published(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Entry).where(Entry.status == "published")) or 0
