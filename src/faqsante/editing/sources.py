"""What an editor says about a source as a whole: its display name, its address, the filters of all it holds.

# set_source(db, 3, display_name="FAQ de l'Agence du numérique en santé", url="https://esante.gouv.fr/faq",
#            facets={"type_offre": ["Éditeurs"]}, settings=settings)
# -> the answer pages of its entries say « Source : FAQ de l'Agence du numérique en santé » with the link,
#    and every entry it holds carries type_offre=editeurs after the retag this runs.
A source never named by an editor shows what its dump says of its page (its title, its address's site), never
its file name or an import date; a dump that says nothing shows no name until an editor gives one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from faqsante.answers.catalog import shown_name
from faqsante.config import Settings
from faqsante.editing.entries import finish_change
from faqsante.errors import InvalidInput, NotFound
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import MAX_SOURCE_NAME_LENGTH, Entry, EntrySource, Source
from faqsante.urls import web_address


@dataclass(frozen=True)
class SourceInfo:
    id: int
    name: str  # the imported file's name: editors see it, visitors never do
    display_name: str | None
    url: str | None
    imported_at: datetime
    entries: int  # published entries it lists
    facets: dict[str, list[str]] = field(default_factory=dict)  # value keys: {"type_offre": ["editeurs"]}
    page_title: str | None = None  # what its dump says of its page
    page_url: str | None = None

    @property
    def shown_name(self) -> str | None:
        """What visitors read (``catalog.shown_name``); None: they read no name, an editor should give one."""
        return shown_name(self.display_name, self.url, self.page_title, self.page_url)


def list_sources(db: Database) -> list[SourceInfo]:
    """Every source, by name, with how many published entries it lists."""
    published = (
        select(EntrySource.source_id, func.count().label("entries"))
        .join(Entry, Entry.id == EntrySource.entry_id)
        .where(Entry.status == "published")
        .group_by(EntrySource.source_id)
        .subquery()
    )
    with db.session() as session:
        rows = session.execute(
            select(Source, func.coalesce(published.c.entries, 0))
            .outerjoin(published, published.c.source_id == Source.id)
            .order_by(Source.name)
        ).all()
    return [_info(source, count) for source, count in rows]


def set_source(
    db: Database,
    source_id: int,
    *,
    display_name: str | None,
    url: str | None,
    facets: Mapping[str, list[str]],
    settings: Settings,
) -> bool:
    """Save what an editor says about a source, in one change: its entries re-tagged when its filters moved,
    one ``data_version`` bump. True if anything changed."""
    name = " ".join((display_name or "").split()) or None
    if name and len(name) > MAX_SOURCE_NAME_LENGTH:
        raise InvalidInput(
            f"Le nom est trop long ({len(name)} caractères, {MAX_SOURCE_NAME_LENGTH} au plus).", field="nom"
        )
    address = web_address(url)
    resolved = load_taxonomy().resolve_filters({facet: values for facet, values in facets.items() if values})
    with db.session() as session:
        source = session.get(Source, source_id)
        if source is None:
            raise NotFound(f"Aucune source n'a l'identifiant {source_id}.")
        if (source.display_name, source.url, source.facets or {}) == (name, address, resolved):
            return False
        retag = (source.facets or {}) != resolved
        source.display_name, source.url, source.facets = name, address, resolved or None
        if retag:
            entry_ids = list(session.scalars(select(EntrySource.entry_id).where(EntrySource.source_id == source_id)))
            finish_change(session, settings, entry_ids)
        else:
            bump_data_version(session)  # answer pages show the new name
    return True


def _info(source: Source, entries: int) -> SourceInfo:
    return SourceInfo(
        source.id,
        source.name,
        source.display_name,
        source.url,
        source.imported_at,
        entries,
        dict(source.facets or {}),
        source.page_title,
        source.page_url,
    )
