"""Apply parsed sources to the database so that re-ingest is idempotent and lossless.

For each source of the run, every parsed entry is matched against what the database holds:
1. same content (``ingested_hash``) anywhere              -> unchanged (or a new source link: a cross-file duplicate)
2. same explicit id, or same question, in the same source -> updated in place: same id, one more revision
3. the most similar answer left over in the same source   -> updated in place (an edited paragraph)
4. nothing                                                -> added
Entries of a re-imported source that match nothing lose that source; with no source left they are archived,
never deleted, so votes and history attached to them survive.
Everything happens in one transaction: the first error rolls the whole run back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from faqsante.ingest.base import ParsedEntry, ParsedSource, content_hash, parse_file
from faqsante.store import Database, questions
from faqsante.store.db import bump_data_version
from faqsante.store.lifecycle import follow_merges, record_revision
from faqsante.store.models import Entry, EntryFacet, EntrySource, Source, utcnow

SIMILAR_ENOUGH = 60.0  # rapidfuzz ratio (0-100) above which a changed answer is "the same entry, edited"
INGEST_AUTHOR = "import"
EDITABLE_FIELDS = ("question", "answer", "section")  # what an editor edits as text
SOURCE_FIELDS = (*EDITABLE_FIELDS, "status")  # what a source sets, each kept when an editor locked it
IGNORED_IN_FOLDERS = ("readme", "license", "changelog")


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    duplicates_merged: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.archived)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders (sorted, recursive). Inside folders, hidden files and README/LICENSE are skipped;
    a file named explicitly is always read."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                child
                for child in sorted(path.rglob("*"))
                if child.is_file()
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
                and not child.stem.lower().startswith(IGNORED_IN_FOLDERS)
            )
        else:
            files.append(path)
    return files


def parse_all(
    files: Sequence[Path], format: str | None = None, progress: Callable[[Path], None] | None = None
) -> list[ParsedSource]:
    parsed = []
    for path in files:
        parsed.append(parse_file(path, format))
        if progress:
            progress(path)
    return parsed


def ingest_paths(
    db: Database,
    paths: Iterable[Path],
    *,
    format: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Parse every file first, then write everything in one transaction (nothing on error)."""
    sources = parse_all(collect_files(paths), format, progress)
    with db.session() as session:
        report = apply_sources(session, sources)
        if report.changed:
            bump_data_version(session)
    return report


def new_entry_id(session: Session, key: str) -> str:
    """A short id derived from the content, so the same seed gives the same ids on every machine."""
    for length in (12, 16, 24, 32):
        candidate = key[:length]
        if session.get(Entry, candidate) is None:
            return candidate
    raise RuntimeError("entry id space exhausted")  # 32 hex chars of SHA-256: cannot collide in practice


def apply_sources(session: Session, sources: Sequence[ParsedSource]) -> IngestReport:
    report = IngestReport(sources=[source.name for source in sources])
    seen_this_run: dict[str, Entry] = {}  # content key -> entry, to merge duplicates across files
    for parsed in sources:
        _apply_source(session, parsed, seen_this_run, report)
    return report


def _apply_source(
    session: Session, parsed: ParsedSource, seen_this_run: dict[str, Entry], report: IngestReport
) -> None:
    source = _upsert_source(session, parsed.name, parsed)
    previous = {
        link.entry_id: link
        for link in session.scalars(
            select(EntrySource).where(EntrySource.source_id == source.id).options(selectinload(EntrySource.entry))
        )
    }
    claimed: set[str] = set()
    leftovers: list[tuple[ParsedEntry, str]] = []

    def link(entry: Entry, item: ParsedEntry) -> None:
        # An export lists the entry's original sources: restore those links instead of the export file.
        named = [_upsert_source(session, name, parsed) for name in item.sources] or [source]
        for target in named:
            _link(session, entry, target, item.position)
        claimed.add(entry.id)

    for item in parsed.entries:
        key = item.content_key
        if key in seen_this_run:
            report.duplicates_merged += 1
            entry = seen_this_run[key]
        else:
            found = _find_by_content(session, key, item)
            if found is None:
                leftovers.append((item, key))
                continue
            entry = follow_merges(session, found)  # an editor merged this duplicate: its source now feeds the kept one
            seen_this_run[key] = entry
            if entry.status != item.status and "status" not in (entry.locked_fields or []):
                _write(session, entry, item, key, report)
            else:
                report.unchanged += 1
        link(entry, item)

    candidates = [old.entry for entry_id, old in previous.items() if entry_id not in claimed]
    for item, key in leftovers:
        edited = _find_edited(item, candidates)
        if edited is None:
            entry = _add(session, item, key)
            report.added += 1
        else:
            candidates.remove(edited)
            entry = edited
            _write(session, entry, item, key, report)
        seen_this_run[key] = entry
        link(entry, item)

    for entry_id, stale_link in previous.items():
        if entry_id in claimed:
            continue
        entry = stale_link.entry
        session.delete(stale_link)
        session.flush()
        session.refresh(entry)
        if not entry.links and entry.status != "archived":
            entry.status = "archived"
            entry.updated_at = utcnow()
            record_revision(entry, note=f"disparue de {parsed.name}", author=INGEST_AUTHOR)
            report.archived += 1


def _upsert_source(session: Session, name: str, parsed: ParsedSource) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, origin=parsed.origin, parser=parsed.parser, checksum=parsed.checksum)
        session.add(source)
        session.flush()
    elif name == parsed.name:
        source.origin, source.parser, source.checksum = parsed.origin, parsed.parser, parsed.checksum
        source.imported_at = utcnow()
    return source


def _find_by_content(session: Session, key: str, item: ParsedEntry) -> Entry | None:
    if item.id:
        entry = session.get(Entry, item.id)
        if entry is not None and entry.ingested_hash == key:
            return entry
        return None
    return session.scalar(select(Entry).where(Entry.ingested_hash == key).order_by(Entry.created_at).limit(1))


def _find_edited(item: ParsedEntry, candidates: list[Entry]) -> Entry | None:
    """The entry this changed text replaces: same id, same question, else the most similar answer."""
    if item.id:
        return next((entry for entry in candidates if entry.id == item.id), None)
    if item.question:
        same_question = [entry for entry in candidates if entry.question == item.question]
        if same_question:
            return same_question[0]
    scored = [(fuzz.ratio(item.answer, entry.answer), entry) for entry in candidates]
    best = max(scored, key=lambda pair: pair[0], default=None)
    if best and best[0] >= SIMILAR_ENOUGH:
        return best[1]
    return None


def _add(session: Session, item: ParsedEntry, key: str) -> Entry:
    entry_id = item.id if item.id and session.get(Entry, item.id) is None else new_entry_id(session, key)
    entry = Entry(
        id=entry_id,
        question=item.question,
        answer=item.answer,
        section=item.section,
        status=item.status,
        content_hash=key,
        ingested_hash=key,
        locked_fields=[],
    )
    session.add(entry)
    record_revision(entry, note="import", author=INGEST_AUTHOR)
    _set_source_facets(session, entry, item)
    session.flush()
    questions.keep_source_questions(session, entry, item)
    return entry


def _write(session: Session, entry: Entry, item: ParsedEntry, key: str, report: IngestReport) -> None:
    """Update an entry from its source, except the fields an editor changed by hand."""
    locked = set(entry.locked_fields or [])
    for name in SOURCE_FIELDS:
        if name not in locked:
            setattr(entry, name, getattr(item, name))
    entry.ingested_hash = key
    entry.content_hash = content_hash(entry.question, entry.answer)
    entry.updated_at = utcnow()
    _set_source_facets(session, entry, item)
    questions.keep_source_questions(session, entry, item)
    record_revision(entry, note="mise à jour par import", author=INGEST_AUTHOR)
    report.updated += 1


def _set_source_facets(session: Session, entry: Entry, item: ParsedEntry) -> None:
    """Facets given by the source itself (CSV/JSON columns) are stored with origin "source", as value keys.

    # produit "INS" or "identité nationale de santé" is stored "ins"; a value the taxonomy does not know is
    # kept as written (filters ignore it until taxonomy.yaml gives it as an alias).
    """
    from faqsante.facets.taxonomy import load_taxonomy  # not at the top: see tabular._taxonomy

    taxonomy = load_taxonomy()
    for facet, values in item.facets.items():
        for value in dict.fromkeys(taxonomy.canonical(facet, value) or value for value in values):
            if session.get(EntryFacet, (entry.id, facet, value)) is None:
                session.add(EntryFacet(entry_id=entry.id, facet=facet, value=value, confidence=1.0, origin="source"))


def _link(session: Session, entry: Entry, source: Source, position: int) -> None:
    link = session.get(EntrySource, (entry.id, source.id))
    if link is None:
        session.add(EntrySource(entry_id=entry.id, source_id=source.id, position=position))
        session.flush()
    elif link.position != position:
        link.position = position
