"""Facet values of entries in the database: automatic retagging, editors' decisions, and counts.

One row of ``entry_facets`` per (entry, facet, value), with its origin:
- ``auto``    proposed by the tagger; recomputed by every retag (rows are diffed, not rewritten);
- ``source``  given by the imported file (CSV/JSON column); never touched by the tagger;
- ``editor``  decided by an editor; never touched by the tagger. Confidence 1 means "this entry has this
              value", confidence 0 (``REJECTED``) means "it does not": the tagger will not propose it again.
An editor or source value on a facet also silences the tagger on that whole facet for that entry: the
editor curated it. Filters and counts only see rows with a confidence above 0.
The values an editor gives a whole source (``sources.facets``: « everything in the agency's FAQ is for
software vendors ») replace the tagger's proposals on their facets for every entry it lists; they are
``auto`` rows of confidence 1, so an editor's decision on one entry still wins over them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from faqsante.config import Settings
from faqsante.facets.semantic import semantic_scores
from faqsante.facets.tagger import Tag, Tagger
from faqsante.facets.taxonomy import FALLBACK_VALUE, TOPIC_FACETS, Taxonomy, load_taxonomy
from faqsante.search.corpus import Document, read_documents
from faqsante.search.embedders import make_embedder
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.lifecycle import require_entry
from faqsante.store.models import Entry, EntryFacet, Source

AUTO, EDITOR, SOURCE = "auto", "editor", "source"
ORIGIN_WEIGHT = {EDITOR: 2, SOURCE: 1, AUTO: 0}  # whose decision stays when two rows name the same value
REJECTED = 0.0
CONFIDENCE_EPSILON = 0.001  # smaller confidence changes are not worth a write


@dataclass
class RetagReport:
    entries: int = 0
    added: int = 0
    removed: int = 0
    updated: int = 0
    renamed: int = 0  # stored values the taxonomy learnt to name, rewritten to their key

    @property
    def changed(self) -> bool:
        """Whether filters see something new (a confidence update alone changes no filter)."""
        return bool(self.added or self.removed or self.renamed)


@dataclass
class FacetCounts:
    """How many published entries carry each value, and how many carry none at all: the one shape of
    ``faqsante facets --json``, ``/api/facets`` and the portal's panel.

    Counts are disjunctive, as in any faceted search: a facet's counts apply the other facets' filters, not
    its own, so choosing « INS » still shows how many entries « DMP » would add. ``total`` and ``untagged``
    count the entries that pass every filter.
    """

    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    untagged: int = 0
    total: int = 0
    query: str | None = None  # the question whose answers are counted; None: the whole FAQ

    def to_dict(self) -> dict[str, Any]:
        # {"query": null, "total": 334, "untagged": 0, "facets": {"produit": {"ins": 17, "dmp": 12, ...}, ...}}
        return {"query": self.query, "total": self.total, "untagged": self.untagged, "facets": self.facets}


def make_tagger(
    session: Session,
    settings: Settings,
    documents: list[Document],
    taxonomy: Taxonomy | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Tagger:
    """A tagger for ``documents`` (in this order), with semantic clues when an embedder is configured."""
    taxonomy = taxonomy or load_taxonomy()
    embedder = make_embedder(settings.embedder, settings.encode_processes)
    semantic = None
    if embedder is not None:
        semantic = semantic_scores(session, documents, taxonomy, embedder, settings.index_dir, progress)
    return Tagger(taxonomy, semantic)


def retag(
    db: Database,
    settings: Settings,
    taxonomy: Taxonomy | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RetagReport:
    """Recompute the automatic tags of every published entry; bump ``data_version`` if a filter changes."""
    with db.session() as session:
        report = retag_in(session, settings, taxonomy=taxonomy, progress=progress)
        if report.changed:
            bump_data_version(session)
    return report


def retag_in(
    session: Session,
    settings: Settings,
    entry_ids: Collection[str] | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RetagReport:
    """Recompute the automatic tags of the published entries (all, or those of ``entry_ids``) in the
    caller's transaction, which sees its own uncommitted changes; the caller bumps ``data_version``.

    Cheap enough to redo after every change: one regex pass per facet and entry, one matrix product over
    vectors search already caches, and only the differences are written. Semantic scores are standardised
    over the whole corpus, so all published entries are read even when a few are tagged.
    """
    taxonomy = taxonomy or load_taxonomy()
    renamed = canonicalise_values(session, taxonomy)
    session.flush()
    documents = read_documents(session)
    tagger = make_tagger(session, settings, documents, taxonomy, progress)
    targets = [(row, doc) for row, doc in enumerate(documents) if entry_ids is None or doc.id in entry_ids]
    report = RetagReport(entries=len(targets), renamed=renamed)
    existing = _rows_by_entry(session, None if entry_ids is None else [doc.id for _, doc in targets])
    given = _source_tags(session)
    for row, doc in targets:
        rows = existing.get(doc.id, [])
        tags = _with_source_tags(tagger.tag(doc, row), [tag for name in doc.sources for tag in given.get(name, [])])
        _apply(session, doc.id, _wanted(tags, rows), rows, report)
    return report


def canonicalise_values(session: Session, taxonomy: Taxonomy) -> int:
    """Rewrite the stored values that the taxonomy now names to their key; how many rows were rewritten.

    Every write stores keys, but a value a source gave that the taxonomy did not know is kept as written
    (« Minitel »); once taxonomy.yaml lists it as an alias, the next retag makes it the key that filters look
    for. Where the entry already has the key, the weightier decision stays: an editor's, a source's, the
    tagger's (as migration 0008 did for the rows stored before keys).
    """
    unknown = session.scalars(
        select(EntryFacet).where(
            or_(
                *(
                    and_(EntryFacet.facet == facet.key, EntryFacet.value.not_in(list(facet.values)))
                    for facet in taxonomy
                )
            )
        )
    ).all()
    renamed = 0
    for row in unknown:
        key = taxonomy.canonical(row.facet, row.value)
        if key is None:
            continue
        existing = session.get(EntryFacet, (row.entry_id, row.facet, key))
        if existing is None:
            session.add(
                EntryFacet(
                    entry_id=row.entry_id, facet=row.facet, value=key, confidence=row.confidence, origin=row.origin
                )
            )
        elif ORIGIN_WEIGHT.get(row.origin, 0) > ORIGIN_WEIGHT.get(existing.origin, 0):
            existing.origin, existing.confidence = row.origin, row.confidence
        session.delete(row)
        renamed += 1
    return renamed


def _source_tags(session: Session) -> dict[str, list[Tag]]:
    """The filter values an editor gave a whole source (``sources.facets``), as tags, by source name."""
    tags: dict[str, list[Tag]] = {}
    for name, facets in session.execute(select(Source.name, Source.facets).where(Source.facets.is_not(None))):
        tags[name] = [Tag(facet, value, 1.0) for facet, values in (facets or {}).items() for value in values]
    return tags


def _with_source_tags(proposed: list[Tag], given: list[Tag]) -> list[Tag]:
    """The tagger's proposals, except on the facets the entry's sources decide: there, the sources' values.

    # proposed [type_offre=etablissements 0.6, produit=dpi 0.8], given [type_offre=editeurs]
    #   -> [produit=dpi 0.8, type_offre=editeurs 1.0]
    """
    if not given:
        return proposed
    decided = {tag.facet for tag in given}
    kept = [tag for tag in proposed if tag.facet not in decided]
    if decided & set(TOPIC_FACETS):  # the fallback theme is for entries with no topic at all
        kept = [tag for tag in kept if (tag.facet, tag.value) != ("thematique", FALLBACK_VALUE)]
    return kept + list({(tag.facet, tag.value): tag for tag in given}.values())


def _rows_by_entry(session: Session, entry_ids: list[str] | None) -> dict[str, list[EntryFacet]]:
    statement = select(EntryFacet)
    if entry_ids is not None:
        statement = statement.where(EntryFacet.entry_id.in_(entry_ids))
    rows: dict[str, list[EntryFacet]] = defaultdict(list)
    for row in session.scalars(statement):
        rows[row.entry_id].append(row)
    return rows


def _wanted(tags: list[Tag], rows: list[EntryFacet]) -> dict[tuple[str, str], float]:
    """The automatic rows an entry should have, once editors' and sources' decisions are respected."""
    decided = {(row.facet, row.value) for row in rows if row.origin != AUTO}
    curated_facets = {row.facet for row in rows if row.origin != AUTO and row.confidence > REJECTED}
    wanted = {
        (tag.facet, tag.value): tag.confidence
        for tag in tags
        if tag.facet not in curated_facets and (tag.facet, tag.value) not in decided
    }
    if ("thematique", FALLBACK_VALUE) in wanted and curated_facets & set(TOPIC_FACETS):
        del wanted[("thematique", FALLBACK_VALUE)]  # the fallback is for entries with no topic at all
    return wanted


def _apply(
    session: Session,
    entry_id: str,
    wanted: dict[tuple[str, str], float],
    rows: list[EntryFacet],
    report: RetagReport,
) -> None:
    current = {(row.facet, row.value): row for row in rows if row.origin == AUTO}
    for pair, row in current.items():
        if pair not in wanted:
            session.delete(row)
            report.removed += 1
        elif abs(row.confidence - wanted[pair]) > CONFIDENCE_EPSILON:
            row.confidence = wanted[pair]
            report.updated += 1
    for (facet, value), confidence in wanted.items():
        if (facet, value) not in current:
            session.add(EntryFacet(entry_id=entry_id, facet=facet, value=value, confidence=confidence, origin=AUTO))
            report.added += 1


def decide_tag(session: Session, entry_id: str, facet: str, value: str, *, present: bool) -> None:
    """An editor says the entry has (``present``) or has not this value, inside the caller's transaction; it
    overrides the tagger for good. The caller records the revision and bumps ``data_version``
    (``editing.facets``)."""
    facet, value = resolved_value(facet, value)
    require_entry(session, entry_id)
    row = session.get(EntryFacet, (entry_id, facet, value))
    if row is None:
        row = EntryFacet(entry_id=entry_id, facet=facet, value=value)
        session.add(row)
    row.origin, row.confidence = EDITOR, 1.0 if present else REJECTED


def resolved_value(facet: str, value: str) -> tuple[str, str]:
    """A facet and value as users type them, as keys: # ("Produit", "INS") -> ("produit", "ins")"""
    resolved = load_taxonomy().resolve_filters({facet: [value]})
    ((facet_key, (value_key,)),) = resolved.items()
    return facet_key, value_key


def tags_by_entry(db: Database, entry_ids: Collection[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """The values each published entry carries, as value keys: ``{entry_id: {facet: [value, ...]}}``.

    ``entry_ids`` narrows it to some entries (a page of results); entries without a value map to ``{}``.
    Values stored by a source that the taxonomy does not know (not a key, label or alias) are left out:
    add them to the taxonomy as aliases, and the next retag stores them as keys (``canonicalise_values``).
    """
    keys = {facet.key: facet.values for facet in load_taxonomy()}
    published = select(Entry.id).where(Entry.status == "published")
    rows = (
        select(EntryFacet.entry_id, EntryFacet.facet, EntryFacet.value)
        .join(Entry, Entry.id == EntryFacet.entry_id)
        .where(Entry.status == "published", EntryFacet.confidence > REJECTED)
        .order_by(EntryFacet.entry_id, EntryFacet.facet, EntryFacet.confidence.desc())
    )
    if entry_ids is not None:
        published = published.where(Entry.id.in_(list(entry_ids)))
        rows = rows.where(EntryFacet.entry_id.in_(list(entry_ids)))
    with db.session() as session:
        tags: dict[str, dict[str, list[str]]] = {entry_id: {} for entry_id in session.scalars(published)}
        for entry_id, facet, value in session.execute(rows):
            if value in keys.get(facet, {}) and value not in tags[entry_id].setdefault(facet, []):
                tags[entry_id][facet].append(value)
    return tags


def facet_counts(
    db: Database,
    entry_ids: Collection[str] | None = None,
    filters: Mapping[str, list[str]] | None = None,
    *,
    query: str | None = None,
) -> FacetCounts:
    """Counts over published entries (or those of ``entry_ids`` among them), every taxonomy value listed,
    within resolved ``filters`` (value keys: ``{"produit": ["ins"]}``), disjunctive (``FacetCounts``)."""
    taxonomy = load_taxonomy()
    chosen = dict(filters or {})
    counts = FacetCounts(facets={facet.key: dict.fromkeys(facet.values, 0) for facet in taxonomy}, query=query)
    for tags in tags_by_entry(db, entry_ids).values():
        for facet in taxonomy:
            if _passes(tags, chosen, but=facet.key):
                for value in tags.get(facet.key, ()):
                    counts.facets[facet.key][value] += 1
        if _passes(tags, chosen):
            counts.total += 1
            counts.untagged += not any(tags.values())
    return counts


def _passes(tags: Mapping[str, list[str]], filters: Mapping[str, list[str]], but: str | None = None) -> bool:
    """Whether an entry's values meet every filter (one value of each facet), ``but``'s aside."""
    return all(set(tags.get(facet, ())) & set(values) for facet, values in filters.items() if facet != but)


def facet_conditions(filters: Mapping[str, list[str]]) -> list[ColumnElement[bool]]:
    """SQL conditions on ``Entry.id`` for resolved filters: one of the values of each facet (OR within, AND across).

    # {"produit": ["ins", "dmp"], "thematique": ["securite"]}  ->  [id IN (…ins or dmp…), id IN (…securite…)]
    """
    return [
        Entry.id.in_(
            select(EntryFacet.entry_id).where(
                EntryFacet.facet == facet,
                EntryFacet.value.in_(keys),  # stored as keys (canonicalise_values, migration 0008)
                EntryFacet.confidence > REJECTED,
            )
        )
        for facet, keys in filters.items()
        if keys
    ]
