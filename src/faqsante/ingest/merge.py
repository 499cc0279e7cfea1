"""Apply parsed sources to the database so that re-ingest is idempotent and lossless.

A source is known by its name: its path relative to the folder given to the import (``ans/faq.csv`` and
``cnam/faq.csv`` are two sources), or its file name when named directly (issue #11.2).

For each source of the run, every distinct parsed entry is matched against what the database holds:
1. an explicit id (an export's) that exists                 -> that entry (unchanged, or updated in place)
2. same content as imported (``ingested_hash``) anywhere    -> unchanged (or a new source link: a cross-file duplicate)
3. same question as imported, in the same source            -> updated in place: same id, one more revision
4. the answer most similar to an imported one, same source  -> updated in place (an edited paragraph)
5. nothing                                                  -> added
Matching looks at the text each entry was imported with, never at an editor's rewrite of it (issue #11.3);
fields an editor changed by hand (``locked_fields``) are kept. Identical entries inside one file are one
entry (issue #11.4). Entries of a re-imported source that match nothing lose that source; with no source
left they are archived, never deleted, so votes and history attached to them survive.
Everything happens in one transaction: the first error rolls the whole run back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from faqsante.config import DEFAULT_INGEST_MAX_MB
from faqsante.errors import IngestError
from faqsante.ingest.base import ParsedEntry, ParsedSource, content_hash, parse_file
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.lifecycle import follow_merges, record_revision
from faqsante.store.models import MAX_SOURCE_NAME_LENGTH, Entry, EntryFacet, EntrySource, Source, utcnow
from faqsante.store.questions import record_question

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


@dataclass(frozen=True)
class SourceFile:
    """A file to import and the name it is known by: ``ans/faq.csv`` under the folder ``faqs/``."""

    path: Path
    name: str


def collect_files(paths: Iterable[Path]) -> list[SourceFile]:
    """Expand folders (sorted, recursive), naming each file by its path inside the folder. Inside folders,
    hidden files and README/LICENSE are skipped; a file named explicitly is always read. A file reached
    twice (a folder and a file in it) is read once."""
    files: dict[Path, SourceFile] = {}
    for path in paths:
        if path.is_dir():
            found = [
                SourceFile(child, child.relative_to(path).as_posix())
                for child in sorted(path.rglob("*"))
                if child.is_file()
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
                and not child.stem.lower().startswith(IGNORED_IN_FOLDERS)
            ]
        else:
            found = [SourceFile(path, path.name)]
        for file in found:
            files.setdefault(file.path.resolve(), file)
    return list(files.values())


def parse_all(
    files: Sequence[SourceFile],
    format: str | None = None,
    progress: Callable[[Path], None] | None = None,
    max_mb: float = DEFAULT_INGEST_MAX_MB,
) -> list[ParsedSource]:
    parsed = []
    for file in files:
        parsed.append(parse_file(file.path, format, name=file.name, max_mb=max_mb))
        if progress:
            progress(file.path)
    return parsed


def ingest_paths(
    db: Database,
    paths: Iterable[Path],
    *,
    format: str | None = None,
    progress: Callable[[Path], None] | None = None,
    max_mb: float = DEFAULT_INGEST_MAX_MB,
) -> IngestReport:
    """Parse every file first, then write everything in one transaction (nothing on error)."""
    sources = parse_all(collect_files(paths), format, progress, max_mb)
    with db.session() as session:
        report = apply_sources(session, sources)
        if report.changed:
            bump_data_version(session)
    return report


def new_entry_id(session: Session, key: str) -> str:
    """A short id derived from the content, so the same seed gives the same ids on every machine.

    The same content can stand in several entries (an archived copy, an editor's): then a counter follows.
    # key "3fa2…"  gives  "3fa2c0d1e9b7", else "3fa2c0d1e9b74410", …, else "3fa2c0d1e9b74410aa01b2c3-2", …
    """
    prefixes = (key[:length] for length in (12, 16, 24))
    numbered = (f"{key[:24]}-{number}" for number in itertools.count(2))
    return next(candidate for candidate in itertools.chain(prefixes, numbered) if session.get(Entry, candidate) is None)


@dataclass
class _Run:
    """What one import has done so far, across its files."""

    session: Session
    report: IngestReport
    seen: dict[str, Entry] = field(default_factory=dict)  # identity (id or content key) -> entry
    sources: set[int] = field(default_factory=set)  # sources already fed by a file of this run


def apply_sources(session: Session, sources: Sequence[ParsedSource]) -> IngestReport:
    run = _Run(session, IngestReport())
    for parsed in sources:
        source = _resolve_source(run, parsed)
        run.report.sources.append(source.name)
        _apply_source(run, parsed, source)
    return run.report


def _identity(item: ParsedEntry) -> str:
    """Records carrying an id are that entry; others are their content. Two identical exported
    entries stay two, two identical rows of a dump are one."""
    return f"id:{item.id}" if item.id else item.content_key


def _distinct(path: str, entries: Sequence[ParsedEntry]) -> Iterator[tuple[ParsedEntry, int]]:
    """Each entry once, in file order, with how many more times the file repeats it.

    # 5 × « Oui. »  gives  (« Oui. », 4)
    """
    first: dict[str, ParsedEntry] = {}
    copies: dict[str, int] = {}
    for item in entries:
        identity = _identity(item)
        if identity not in first:
            first[identity], copies[identity] = item, 0
        elif item.id and item.content_key != first[identity].content_key:
            where = (
                f"ligne {first[identity].line}" if first[identity].line else f"entrée n° {first[identity].position + 1}"
            )
            raise IngestError(
                path, f"identifiant « {item.id} » déjà donné à une autre entrée ({where})", line=item.line
            )
        else:
            copies[identity] += 1
            kept = first[identity]  # the copies' other wordings of the question are kept too
            first[identity] = replace(kept, questions=tuple(dict.fromkeys(kept.questions + item.questions)))
    for identity, item in first.items():
        yield item, copies[identity]


def _apply_source(run: _Run, parsed: ParsedSource, source: Source) -> None:
    session, report = run.session, run.report
    previous = {
        link.entry_id: link
        for link in session.scalars(
            select(EntrySource).where(EntrySource.source_id == source.id).options(selectinload(EntrySource.entry))
        )
    }
    claimed: set[str] = set()
    leftovers: list[ParsedEntry] = []

    def link(entry: Entry, item: ParsedEntry) -> None:
        # An export lists the entry's original sources: restore those links instead of the export file.
        named = [_named_source(session, name) for name in item.sources] or [source]
        for target in named:
            _link(session, entry, target, item.position)
        if item.review_at is not None or item.owner is not None:  # an export carries the desk's bookkeeping
            entry.review_at, entry.owner = item.review_at, item.owner
        claimed.add(entry.id)

    for item, copies in _distinct(parsed.origin, parsed.entries):
        report.duplicates_merged += copies
        identity = _identity(item)
        if identity in run.seen:  # the same entry in an earlier file of this run
            report.duplicates_merged += 1
            entry = run.seen[identity]
        else:
            found = _find_exact(session, item)
            if found is None:
                leftovers.append(item)
                continue
            entry = follow_merges(session, found)  # an editor merged this duplicate: its source now feeds the kept one
            run.seen[identity] = entry
            if item.id and entry.content_hash != item.content_key:  # an export edited outside, or older
                _write(session, entry, item, report, from_source=False)
            elif entry.status != item.status and "status" not in (entry.locked_fields or []):
                _write(session, entry, item, report, from_source=not item.id)
            else:
                report.unchanged += 1
        link(entry, item)

    candidates = [old.entry for entry_id, old in previous.items() if entry_id not in claimed]
    for item in leftovers:
        edited = _find_edited(item, candidates)
        if edited is None:
            entry = _add(session, item)
            report.added += 1
        else:
            candidates.remove(edited)
            entry = edited
            _write(session, entry, item, report, from_source=True)
        run.seen[_identity(item)] = entry
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


def _resolve_source(run: _Run, parsed: ParsedSource) -> Source:
    """The row of this file: the one imported from the same place before, else the one of the same name,
    else a new one. A name another file of this run already fed gets the file's folders in front:
    ``ingest ans/ cnam/`` gives ``faq.csv`` and ``cnam/faq.csv``, the same two at every run."""
    session = run.session
    source = session.scalar(select(Source).where(Source.origin == parsed.origin).order_by(Source.id).limit(1))
    if source is None or source.id in run.sources:
        source = None
        for name in _names(parsed):
            existing = session.scalar(select(Source).where(Source.name == name))
            if existing is None:
                source = Source(name=name, origin=parsed.origin, parser=parsed.parser, checksum=parsed.checksum)
                session.add(source)
                session.flush()
                break
            if existing.id not in run.sources:
                source = existing
                break
        if source is None:
            raise IngestError(parsed.origin, "un autre fichier de cet import porte déjà ce nom de source")
    source.origin, source.parser, source.checksum = parsed.origin, parsed.parser, parsed.checksum
    source.page_title, source.page_url = parsed.page.title, parsed.page.url
    source.imported_at = utcnow()
    run.sources.add(source.id)
    return source


def _names(parsed: ParsedSource) -> Iterator[str]:
    """``faq.csv``, then ``cnam/faq.csv``, ``faqs/cnam/faq.csv``… up to the whole path, as long as a name fits."""
    parts = Path(parsed.origin).parts
    shortest = len(Path(parsed.name).parts)
    names = [parsed.name, *("/".join(parts[-count:]) for count in range(shortest + 1, len(parts) + 1))]
    return (name for name in names if len(name) <= MAX_SOURCE_NAME_LENGTH)


def _named_source(session: Session, name: str) -> Source:
    """A source an export names (``faq-ans.txt``): its file is not at hand, only its name."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, origin="", parser="", checksum="")
        session.add(source)
        session.flush()
    return source


def _find_exact(session: Session, item: ParsedEntry) -> Entry | None:
    """The entry an id names (an export's), else the one imported with exactly this content."""
    if item.id:
        return session.get(Entry, item.id)
    return session.scalar(
        select(Entry).where(Entry.ingested_hash == item.content_key).order_by(Entry.created_at).limit(1)
    )


def _imported(entry: Entry) -> tuple[str | None, str]:
    """The question and answer as the source last gave them (older rows: the entry's own)."""
    if entry.ingested_answer is None:
        return entry.question, entry.answer
    return entry.ingested_question, entry.ingested_answer


def _find_edited(item: ParsedEntry, candidates: list[Entry]) -> Entry | None:
    """The entry this changed text replaces: same imported question, else the most similar imported answer."""
    if item.question:
        same_question = [entry for entry in candidates if _imported(entry)[0] == item.question]
        if same_question:
            return same_question[0]
    scored = [(fuzz.ratio(item.answer, _imported(entry)[1]), entry) for entry in candidates]
    best = max(scored, key=lambda pair: pair[0], default=None)
    if best and best[0] >= SIMILAR_ENOUGH:
        return best[1]
    return None


def _add(session: Session, item: ParsedEntry) -> Entry:
    key = item.content_key
    entry_id = item.id if item.id and session.get(Entry, item.id) is None else new_entry_id(session, key)
    entry = Entry(
        id=entry_id,
        question=item.question,
        answer=item.answer,
        section=item.section,
        status=item.status,
        content_hash=key,
        ingested_hash=key,
        ingested_question=item.question,
        ingested_answer=item.answer,
        locked_fields=[],
    )
    session.add(entry)
    record_revision(entry, note="import", author=INGEST_AUTHOR)
    _set_source_facets(session, entry, item)
    session.flush()
    _keep_source_questions(session, entry, item)
    return entry


def _write(session: Session, entry: Entry, item: ParsedEntry, report: IngestReport, *, from_source: bool) -> None:
    """Update an entry from a record, except the fields an editor changed by hand.

    ``from_source``: the record is what the entry's source now says, the new reference for matching;
    an export's record (matched by id) changes the entry, not what its source said.
    """
    locked = set(entry.locked_fields or [])
    before = tuple(getattr(entry, name) for name in SOURCE_FIELDS)
    for name in SOURCE_FIELDS:
        if name not in locked:
            setattr(entry, name, getattr(item, name))
    if from_source:
        entry.ingested_hash = item.content_key
        entry.ingested_question, entry.ingested_answer = item.question, item.answer
    entry.content_hash = content_hash(entry.question, entry.answer)
    _set_source_facets(session, entry, item)
    _keep_source_questions(session, entry, item)
    report.updated += 1
    if tuple(getattr(entry, name) for name in SOURCE_FIELDS) != before:  # not when only a locked field's source moved
        entry.updated_at = utcnow()
        record_revision(entry, note="mise à jour par import", author=INGEST_AUTHOR)


def _keep_source_questions(session: Session, entry: Entry, item: ParsedEntry) -> None:
    """The questions a source gives for an entry stay among its accepted questions for good.

    A source that rewords its question adds the new wording; the old one keeps answering. An export's
    ``questions`` (the other accepted ones) come back as imported questions.
    """
    if item.question and item.question.strip():
        record_question(session, entry.id, item.question, origin="source", state="accepted", author=None)
    for text in item.questions:
        record_question(session, entry.id, text, origin="import", state="accepted", author=None)


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
