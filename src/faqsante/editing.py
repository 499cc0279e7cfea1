"""The editors' work on entries: read any entry with its history, change it, and keep the FAQ tidy.

Every change is one transaction that records a revision signed by the editor, bumps the data version
(search indexes refresh) and adds the fields it set to ``locked_fields``, so that the next import of the
same dump keeps the editor's text:
# edit_entry(db, "c11796043a08", {"question": "Le DMN doit-il recevoir l'INS ?"}, author="marie")
# -> ["question"];  entries.locked_fields == ["question"];  revision 2 by "marie"
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.errors import EditConflict, InvalidInput, NotFound
from faqsante.facets.entry_tags import REJECTED, set_editor_tag
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.ingest.base import content_hash
from faqsante.ingest.merge import EDITABLE_FIELDS, INGEST_AUTHOR, new_entry_id
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.lifecycle import follow_merges, record_revision
from faqsante.store.models import (
    ENTRY_STATUSES,
    Entry,
    EntryFacet,
    EntryRevision,
    EntrySource,
    Feedback,
    QueryLog,
    SubmittedQuestion,
    utcnow,
)

MAX_ANSWER_LENGTH = 20_000
MAX_SECTION_LENGTH = 255  # the column's size
QUESTION_STATUSES = ("open", "answered", "dismissed")
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


@dataclass(frozen=True)
class EntryListing:
    items: list[EntryRow]
    page: int
    total: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@dataclass(frozen=True)
class QueuedQuestion:
    """A question a visitor submitted, and the entry that answers it once an editor did."""

    id: int
    question: str
    email: str | None
    status: str
    answer_entry_id: str | None
    created_at: datetime


@dataclass
class MergeReport:
    kept: str
    merged: str
    votes_moved: int = 0
    votes_dropped: int = 0  # the same visitor had voted on both: their latest vote is kept
    sources_moved: int = 0


# ---------------------------------------------------------------------------------------------- reading


def get_entry(db: Database, entry_id: str) -> EditableEntry:
    with db.session() as session:
        entry = _require(session, entry_id)
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
    return EntryListing([EntryRow(*row) for row in rows], page=max(page, 1), total=total)


def workspace_counts(db: Database) -> dict[str, int]:
    """# {"published": 331, "archived": 3, "open_questions": 4}: what the workspace home page shows."""
    with db.session() as session:
        counts = {status: 0 for status in ENTRY_STATUSES}
        by_status = session.execute(select(Entry.status, func.count()).group_by(Entry.status))
        counts.update({status: count for status, count in by_status})
        counts["open_questions"] = (
            session.scalar(select(func.count()).where(SubmittedQuestion.status == "open")) or 0
        )
    return counts


def recent_changes(db: Database, limit: int = 15) -> list[tuple[str, Revision]]:
    """The latest revisions made by editors (imports left out), newest first, with their entry id."""
    with db.session() as session:
        rows = session.scalars(
            select(EntryRevision)
            .where(EntryRevision.author != INGEST_AUTHOR)
            .order_by(EntryRevision.created_at.desc(), EntryRevision.id.desc())
            .limit(limit)
        ).all()
        return [(row.entry_id, _revision(row)) for row in rows]


def list_questions(db: Database, status: str | None = "open") -> list[QueuedQuestion]:
    """Submitted questions, oldest first: the queue editors work through."""
    statement = select(SubmittedQuestion).order_by(SubmittedQuestion.created_at, SubmittedQuestion.id)
    if status:
        statement = statement.where(SubmittedQuestion.status == status)
    with db.session() as session:
        return [
            QueuedQuestion(row.id, row.question, row.email, row.status, row.answer_entry_id, row.created_at)
            for row in session.scalars(statement)
        ]


# ---------------------------------------------------------------------------------------------- writing


def edit_entry(
    db: Database,
    entry_id: str,
    changes: Mapping[str, str | None],
    *,
    author: str,
    base_revision: int | None = None,
    note: str | None = None,
) -> list[str]:
    """Apply the fields of ``changes`` that differ (question, answer, section); returns their names.

    ``base_revision`` is the revision the editor started from: if someone saved since, nothing is written
    and ``EditConflict`` says who, so that one editor never silently erases another's work.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"champ non modifiable : {', '.join(sorted(unknown))}")
    cleaned = {name: _clean(name, value) for name, value in changes.items()}
    with db.session() as session:
        entry = _require(session, entry_id)
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
        _lock(entry, changed)
        record_revision(entry, note=note or _describe(changed), author=author)
        bump_data_version(session)
    return changed


def set_status(db: Database, entry_id: str, status: str, *, author: str) -> bool:
    """Publish or archive; the choice is locked, so an import never republishes what an editor archived."""
    if status not in ENTRY_STATUSES:
        raise InvalidInput(f"statut inconnu « {status} » (publié : published, archivé : archived)", "status")
    with db.session() as session:
        entry = _require(session, entry_id)
        if entry.status == status:
            return False
        if entry.merged_into and status == "published":
            raise InvalidInput(f"Cette entrée a été fusionnée dans {entry.merged_into} : modifiez plutôt celle-ci.")
        entry.status = status
        _lock(entry, ["status"])
        record_revision(entry, note="publiée" if status == "published" else "archivée", author=author)
        bump_data_version(session)
    return True


def create_entry(
    db: Database, *, question: str | None, answer: str, section: str | None = None, author: str
) -> str:
    """A new published entry written by an editor; returns its id."""
    with db.session() as session:
        entry = _create(session, question=question, answer=answer, section=section, author=author)
        bump_data_version(session)
        return entry.id


def answer_question(
    db: Database,
    question_id: int,
    *,
    author: str,
    entry_id: str | None = None,
    question: str | None = None,
    answer: str | None = None,
    section: str | None = None,
) -> str:
    """Close a submitted question with an existing entry (``entry_id``) or a new one; returns the entry id."""
    with db.session() as session:
        submitted = session.get(SubmittedQuestion, question_id)
        if submitted is None:
            raise NotFound(f"Aucune question soumise n'a le numéro {question_id}.")
        if entry_id:
            entry = follow_merges(session, _require(session, entry_id.strip()))
        else:
            entry = _create(
                session, question=question or submitted.question, answer=answer or "", section=section, author=author
            )
            bump_data_version(session)
        submitted.status, submitted.answer_entry_id = "answered", entry.id
        return entry.id


def dismiss_question(db: Database, question_id: int) -> None:
    """Take a question off the queue without an answer (spam, off-topic, a duplicate of another)."""
    with db.session() as session:
        submitted = session.get(SubmittedQuestion, question_id)
        if submitted is None:
            raise NotFound(f"Aucune question soumise n'a le numéro {question_id}.")
        submitted.status = "dismissed"


def entry_facets(db: Database, entry_id: str) -> dict[str, dict[str, str]]:
    """The facet values the entry carries, with who set them: ``{"produit": {"ins": "auto", "dmp": "editor"}}``."""
    taxonomy = load_taxonomy()
    carried: dict[str, dict[str, str]] = {facet.key: {} for facet in taxonomy}
    with db.session() as session:
        _require(session, entry_id)
        rows = session.scalars(
            select(EntryFacet).where(EntryFacet.entry_id == entry_id, EntryFacet.confidence > REJECTED)
        ).all()
    for row in rows:
        key = taxonomy.canonical(row.facet, row.value)
        if key is not None:
            carried[row.facet][key] = row.origin
    return carried


def set_facets(db: Database, entry_id: str, chosen: Mapping[str, list[str]], *, author: str) -> list[str]:
    """Make the entry carry exactly the ``chosen`` values of every facet; returns the changes made.

    Each change is an editor decision (``set_editor_tag``): a value unticked is rejected for good, so the
    tagger never puts it back. The revision notes what changed, for the history.
    """
    wanted = load_taxonomy().resolve_filters({facet: values for facet, values in chosen.items() if values})
    changes: list[str] = []
    for facet, values in entry_facets(db, entry_id).items():
        for value in sorted(set(wanted.get(facet, [])) - set(values)):
            set_editor_tag(db, entry_id, facet, value, present=True)
            changes.append(f"+{facet}={value}")
        for value in sorted(set(values) - set(wanted.get(facet, []))):
            set_editor_tag(db, entry_id, facet, value, present=False)
            changes.append(f"−{facet}={value}")
    if changes:
        with db.session() as session:
            record_revision(_require(session, entry_id), note="filtres : " + ", ".join(changes), author=author)
    return changes


def merge_entries(db: Database, duplicate_id: str, kept_id: str, *, author: str) -> MergeReport:
    """Fold a duplicate into the entry that stays: votes, clicks, sources and facets follow it.

    The duplicate is archived with ``merged_into`` and keeps its revisions, so its id still leads to the
    kept entry. A visitor who voted on both keeps one vote, the latest (feedback is unique per visitor).
    """
    with db.session() as session:
        duplicate = _require(session, duplicate_id)
        kept = follow_merges(session, _require(session, kept_id))
        if kept.id == duplicate.id:
            raise InvalidInput("Une entrée ne peut pas être fusionnée avec elle-même.")
        if duplicate.merged_into:
            raise InvalidInput(f"L'entrée {duplicate.id} est déjà fusionnée dans {duplicate.merged_into}.")
        report = MergeReport(kept=kept.id, merged=duplicate.id)
        _move_votes(session, duplicate, kept, report)
        session.execute(
            update(QueryLog).where(QueryLog.clicked_entry_id == duplicate.id).values(clicked_entry_id=kept.id)
        )
        session.execute(
            update(SubmittedQuestion)
            .where(SubmittedQuestion.answer_entry_id == duplicate.id)
            .values(answer_entry_id=kept.id)
        )
        session.execute(update(Entry).where(Entry.merged_into == duplicate.id).values(merged_into=kept.id))
        _move_sources(session, duplicate, kept, report)
        _copy_facets(session, duplicate, kept)
        duplicate.status, duplicate.merged_into = "archived", kept.id
        _lock(duplicate, ["status"])
        record_revision(duplicate, note=f"fusionnée dans {kept.id}", author=author)
        record_revision(kept, note=f"a absorbé le doublon {duplicate.id}", author=author)
        bump_data_version(session)
    return report


# ---------------------------------------------------------------------------------------------- helpers


def _revision(row: EntryRevision) -> Revision:
    return Revision(row.number, row.author, row.note, row.created_at, row.question, row.answer, row.section, row.status)


def _require(session: Session, entry_id: str) -> Entry:
    entry = session.get(Entry, entry_id)
    if entry is None:
        raise NotFound(f"Aucune entrée n'a l'identifiant « {entry_id} ».")
    return entry


def _clean(name: str, value: str | None) -> str | None:
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


def _lock(entry: Entry, names: list[str]) -> None:
    entry.locked_fields = sorted(set(entry.locked_fields or []) | set(names))
    entry.updated_at = utcnow()


def _describe(changed: list[str]) -> str:
    labels = {"question": "question", "answer": "réponse", "section": "rubrique"}
    return "modifié : " + ", ".join(labels[name] for name in changed)


def _create(session: Session, *, question: str | None, answer: str, section: str | None, author: str) -> Entry:
    given = {"question": question, "answer": answer, "section": section}
    cleaned = {name: _clean(name, value) for name, value in given.items()}
    key = content_hash(cleaned["question"], cleaned["answer"] or "")
    entry = Entry(
        id=new_entry_id(session, key),
        status="published",
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


def _move_votes(session: Session, duplicate: Entry, kept: Entry, report: MergeReport) -> None:
    kept_votes = {vote.visitor: vote for vote in session.scalars(select(Feedback).where(Feedback.entry_id == kept.id))}
    for vote in session.scalars(select(Feedback).where(Feedback.entry_id == duplicate.id)).all():
        existing = kept_votes.get(vote.visitor)
        if existing is None:
            vote.entry_id = kept.id
            report.votes_moved += 1
            continue
        if vote.created_at > existing.created_at:
            existing.helpful, existing.comment, existing.query = vote.helpful, vote.comment, vote.query
            existing.created_at = vote.created_at
        session.delete(vote)
        report.votes_dropped += 1
    session.flush()


def _move_sources(session: Session, duplicate: Entry, kept: Entry, report: MergeReport) -> None:
    for link in list(duplicate.links):
        if session.get(EntrySource, (kept.id, link.source_id)) is None:
            session.add(EntrySource(entry_id=kept.id, source_id=link.source_id, position=link.position))
            report.sources_moved += 1
        duplicate.links.remove(link)
    session.flush()


def _copy_facets(session: Session, duplicate: Entry, kept: Entry) -> None:
    for row in session.scalars(select(EntryFacet).where(EntryFacet.entry_id == duplicate.id)).all():
        if session.get(EntryFacet, (kept.id, row.facet, row.value)) is None:
            session.add(
                EntryFacet(
                    entry_id=kept.id, facet=row.facet, value=row.value, confidence=row.confidence, origin=row.origin
                )
            )
