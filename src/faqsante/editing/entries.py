"""Entries as editors handle them: read any entry with its history, create, edit, publish or archive it.

Every change ends with ``finish_change`` in its own transaction: the entry's filters are re-tagged and
``data_version`` is bumped once, so search (which polls it) shows the change, under its filters, at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from faqsante.config import MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, Settings
from faqsante.content.title_book import shown_titles, title_source
from faqsante.content.titles import TitleSource
from faqsante.errors import EditConflict, InvalidInput
from faqsante.facets.entry_tags import retag_in
from faqsante.ingest.base import content_hash
from faqsante.ingest.merge import EDITABLE_FIELDS, INGEST_AUTHOR, new_entry_id
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.lifecycle import record_revision, require_entry
from faqsante.store.models import (
    ENTRY_STATUSES,
    MAX_SECTION_LENGTH,
    Entry,
    EntryDraft,
    EntryRevision,
    SubmittedQuestion,
    utcnow,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Revision:
    number: int
    author: str
    note: str | None
    created_at: datetime
    question: str | None
    answer: str
    section: str | None
    status: str


@dataclass(frozen=True)
class EditableEntry:
    """An entry as editors see it: any status, what an editor locked, where it comes from, its whole history."""

    id: str
    question: str | None
    answer: str
    section: str | None
    status: str
    locked_fields: list[str]
    merged_into: str | None
    sources: list[str]
    revisions: list[Revision]
    updated_at: datetime
    review_at: date | None = None  # to be read again by then (editing.review)
    owner: str | None = None
    title: str = ""  # as every channel shows it (content.title_book.shown_titles)
    title_source: TitleSource = "editors"  # "question", "answer": derived, which the edit page says

    @property
    def revision(self) -> int:
        """The number an edit form sends back, to detect that someone else saved in between."""
        return self.revisions[-1].number if self.revisions else 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EntryRow:
    id: str
    question: str | None
    answer: str
    section: str | None
    status: str
    merged_into: str | None
    updated_at: datetime
    title: str = ""  # as every channel shows it (content.title_book.shown_titles)


@dataclass(frozen=True)
class EntryListing:
    items: list[EntryRow]
    page: int
    total: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


# ---------------------------------------------------------------------------------------------- reading


def get_entry(db: Database, entry_id: str) -> EditableEntry:
    with db.session() as session:
        entry = require_entry(session, entry_id)
        return EditableEntry(
            id=entry.id,
            question=entry.question,
            answer=entry.answer,
            section=entry.section,
            status=entry.status,
            locked_fields=list(entry.locked_fields or []),
            merged_into=entry.merged_into,
            sources=entry.source_names,
            revisions=[_revision(revision) for revision in entry.revisions],
            updated_at=entry.updated_at,
            review_at=entry.review_at,
            owner=entry.owner,
            title=shown_titles(session, [entry.id])[entry.id],
            title_source=title_source(session, entry.id, entry.question, entry.answer),
        )


def list_entries(
    db: Database, *, text: str | None = None, status: str | None = None, section: str | None = None, page: int = 1
) -> EntryListing:
    """Entries of every status, last changed first; ``text`` matches an id, a question or an answer."""
    filters = []
    if text and text.strip():
        pattern = f"%{text.strip()}%"
        filters.append(or_(Entry.id == text.strip(), Entry.question.ilike(pattern), Entry.answer.ilike(pattern)))
    if status:
        filters.append(Entry.status == status)
    if section:
        filters.append(Entry.section == section)
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(Entry).where(*filters)) or 0
        rows = session.execute(
            select(
                Entry.id, Entry.question, Entry.answer, Entry.section, Entry.status, Entry.merged_into, Entry.updated_at
            )
            .where(*filters)
            .order_by(Entry.updated_at.desc(), Entry.id)
            .offset((max(page, 1) - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        titles = shown_titles(session, [row.id for row in rows])
    return EntryListing([EntryRow(*row, title=titles[row.id]) for row in rows], page=max(page, 1), total=total)


def workspace_counts(db: Database) -> dict[str, int]:
    """# {"published": 331, "archived": 3, "open_questions": 4}: what the workspace home page shows."""
    with db.session() as session:
        counts = {status: 0 for status in ENTRY_STATUSES}
        by_status = session.execute(select(Entry.status, func.count()).group_by(Entry.status))
        counts.update({status: count for status, count in by_status})
        counts["open_questions"] = session.scalar(select(func.count()).where(SubmittedQuestion.status == "open")) or 0
    return counts


def recent_changes(db: Database, limit: int = 15) -> list[tuple[str, str, Revision]]:
    """The latest revisions made by editors (imports left out), newest first, with their entry's id and title
    (the entry's as every channel shows it today, not the text of that revision)."""
    with db.session() as session:
        rows = session.scalars(
            select(EntryRevision)
            .where(EntryRevision.author != INGEST_AUTHOR)
            .order_by(EntryRevision.created_at.desc(), EntryRevision.id.desc())
            .limit(limit)
        ).all()
        titles = shown_titles(session, [row.entry_id for row in rows])
        return [(row.entry_id, titles[row.entry_id], _revision(row)) for row in rows]


# ---------------------------------------------------------------------------------------------- writing


def edit_entry(
    db: Database,
    entry_id: str,
    changes: Mapping[str, str | None],
    *,
    author: str,
    settings: Settings,
    base_revision: int | None = None,
    note: str | None = None,
    draft_seen: str | None = None,
) -> list[str]:
    """Apply the fields of ``changes`` that differ (question, answer, section); returns their names.

    ``base_revision`` is the revision the editor started from: if someone saved since, nothing is written
    and ``EditConflict`` says who, so that one editor never silently erases another's work. ``draft_seen``:
    the ``Draft.version`` the edit form showed ("" for none), whose text is being published; that draft is
    deleted in the same transaction (``spend_draft``), so a failed edit loses no draft and a saved one leaves none.
    """
    cleaned = clean_changes(changes)
    with db.session() as session:
        entry = lock_entry(session, entry_id)
        changed = apply_changes(session, entry, cleaned, author=author, base_revision=base_revision, note=note)
        if draft_seen is not None:
            spend_draft(session, entry.id, draft_seen)
        if changed:
            finish_change(session, settings, [entry.id])
    return changed


def spend_draft(session: Session, entry_id: str, seen: str | None = None) -> bool:
    """Delete the entry's draft in the caller's transaction; True if there was one to delete.

    With ``seen`` (the ``Draft.version`` an edit form showed, "" when it showed none), only that draft: one
    another editor saved meanwhile is kept, to conflict when it is published, never silently lost (#19.2).
    # seen "marie 2026-12-05T16:40:12+00:00", the stored draft paul's of 16:41 -> kept, False
    """
    row = session.get(EntryDraft, entry_id, with_for_update=True)
    if row is None or (seen is not None and draft_version(row.author, row.updated_at) != seen):
        return False
    session.delete(row)
    return True


def draft_version(author: str, updated_at: datetime) -> str:
    """Which save of a draft this is: # "marie 2026-12-05T16:40:12.123456+00:00" """
    return f"{author} {updated_at.isoformat()}"


def clean_changes(changes: Mapping[str, str | None]) -> dict[str, str | None]:
    """The editable fields of ``changes``, cleaned: # {"answer": "  Oui.  "} -> {"answer": "Oui."}"""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"champ non modifiable : {', '.join(sorted(unknown))}")
    return {name: clean_field(name, value) for name, value in changes.items()}


def apply_changes(
    session: Session,
    entry: Entry,
    cleaned: Mapping[str, str | None],
    *,
    author: str,
    base_revision: int | None = None,
    note: str | None = None,
) -> list[str]:
    """``edit_entry`` inside the caller's transaction, ``entry`` locked (``lock_entry``); the caller finishes the
    change (``finish_change``: re-tag, bump) once, whatever else its transaction does."""
    latest = entry.revisions[-1] if entry.revisions else None
    if base_revision is not None and latest is not None and latest.number != base_revision:
        raise EditConflict(
            f"Cette entrée a été modifiée entre-temps par {latest.author} (révision {latest.number}) : "
            "vos modifications n'ont pas été enregistrées. Rechargez la page pour repartir de sa dernière version."
        )
    changed = [name for name, value in cleaned.items() if getattr(entry, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(entry, name, cleaned[name])
    entry.content_hash = content_hash(entry.question, entry.answer)
    lock_fields(entry, changed)
    record_revision(entry, note=note or _describe(changed), author=author)
    return changed


def set_status(db: Database, entry_id: str, status: str, *, author: str, settings: Settings) -> bool:
    """Publish or archive; the choice is locked, so an import never republishes what an editor archived."""
    with db.session() as session:
        entry = lock_entry(session, entry_id)
        changed = apply_status(entry, status, author=author)
        if changed:
            finish_change(session, settings, [entry.id])
    return changed


def apply_status(entry: Entry, status: str, *, author: str) -> bool:
    """``set_status`` on a locked entry, inside the caller's transaction; False when it already had it."""
    if status not in ENTRY_STATUSES:
        raise InvalidInput(f"statut inconnu « {status} » (publié : published, archivé : archived)", "status")
    if entry.status == status:
        return False
    if entry.merged_into and status == "published":
        raise InvalidInput(f"Cette entrée a été fusionnée dans {entry.merged_into} : modifiez plutôt celle-ci.")
    entry.status = status
    lock_fields(entry, ["status"])
    record_revision(entry, note="publiée" if status == "published" else "archivée", author=author)
    return True


def create_entry(
    db: Database,
    *,
    question: str | None,
    answer: str,
    section: str | None = None,
    author: str,
    settings: Settings,
    status: str = "published",
) -> str:
    """A new entry written by an editor, published (tagged and searchable at once) or a draft; returns its id."""
    with db.session() as session:
        entry = new_entry(session, question=question, answer=answer, section=section, author=author, status=status)
        finish_change(session, settings, [entry.id])
        return entry.id


def finish_change(session: Session, settings: Settings, entry_ids: list[str]) -> None:
    """The end of every content change, in its transaction: the changed entries' filters re-tagged (what
    editors or sources decided stays), then one ``data_version`` bump for the whole change."""
    retag_in(session, settings, entry_ids)
    bump_data_version(session)


# ---------------------------------------------------------------------------------------------- helpers


def _revision(row: EntryRevision) -> Revision:
    return Revision(row.number, row.author, row.note, row.created_at, row.question, row.answer, row.section, row.status)


def lock_entry(session: Session, entry_id: str) -> Entry:
    """The entry, held until this transaction ends: concurrent changes of it queue here, then see each other.

    # 8 editors save from revision 4 at once: one writes revision 5, the 7 others find 5 and get EditConflict
    The first statement is a write, so that it takes the lock on both databases: PostgreSQL's row lock,
    SQLite's database write lock (queued by its busy timeout). Reads made after it are current; without it,
    two saves read the same last revision and both number theirs 5 (a UniqueViolation, a 500).
    """
    session.execute(update(Entry).where(Entry.id == entry_id).values(id=Entry.id))
    return require_entry(session, entry_id)


def clean_field(name: str, value: str | None) -> str | None:
    """Form text as stored: Unix line ends, no blank margins; an empty question or section is none."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    limits = {"question": MAX_QUESTION_LENGTH, "answer": MAX_ANSWER_LENGTH, "section": MAX_SECTION_LENGTH}
    labels = {"question": "La question", "answer": "La réponse", "section": "La rubrique"}
    if len(text) > limits[name]:
        raise InvalidInput(f"{labels[name]} est trop longue ({len(text)} caractères, {limits[name]} au plus).", name)
    if name == "answer" and not text:
        raise InvalidInput("La réponse ne peut pas être vide.", "answer")
    if name == "section":
        text = " ".join(text.split())
    return text or None


def lock_fields(entry: Entry, names: list[str]) -> None:
    """Mark fields as the editor's: the next import of the same source leaves them alone."""
    entry.locked_fields = sorted(set(entry.locked_fields or []) | set(names))
    entry.updated_at = utcnow()


def _describe(changed: list[str]) -> str:
    labels = {"question": "question", "answer": "réponse", "section": "rubrique"}
    return "modifié : " + ", ".join(labels[name] for name in changed)


def new_entry(
    session: Session,
    *,
    question: str | None,
    answer: str,
    section: str | None,
    author: str,
    status: str = "published",
) -> Entry:
    """An entry written by an editor (published, or a draft), added to ``session`` with its first revision."""
    if status not in ("published", "draft"):
        raise InvalidInput(f"statut inconnu pour une nouvelle entrée : « {status} »", "status")
    given = {"question": question, "answer": answer, "section": section}
    cleaned = {name: clean_field(name, value) for name, value in given.items()}
    key = content_hash(cleaned["question"], cleaned["answer"] or "")
    entry = Entry(
        id=new_entry_id(session, key),
        status=status,
        content_hash=key,
        ingested_hash=None,  # no source: an import never matches it
        locked_fields=[],
        created_at=utcnow(),
        updated_at=utcnow(),
        **cleaned,
    )
    session.add(entry)
    record_revision(entry, note="créée par un rédacteur", author=author)
    session.flush()
    return entry
