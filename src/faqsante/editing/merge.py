"""Fold a duplicate into the entry that stays, so that its votes, clicks, sources and history follow."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from faqsante.config import Settings
from faqsante.editing.entries import finish_change, lock_entry, lock_fields
from faqsante.errors import InvalidInput
from faqsante.store import Database
from faqsante.store.lifecycle import follow_merges, record_revision, require_entry
from faqsante.store.models import Entry, EntryFacet, EntrySource, Feedback, QueryLog, SubmittedQuestion
from faqsante.store.questions import move_questions


@dataclass
class MergeReport:
    kept: str
    merged: str
    votes_moved: int = 0
    votes_dropped: int = 0  # the same visitor had voted on both: their latest vote is kept
    sources_moved: int = 0


def merge_entries(db: Database, duplicate_id: str, kept_id: str, *, author: str, settings: Settings) -> MergeReport:
    """Fold a duplicate into the entry that stays: votes, clicks, sources and facets follow it.

    The duplicate is archived with ``merged_into`` and keeps its revisions, so its id still leads to the
    kept entry. A visitor who voted on both keeps one vote, the latest (feedback is unique per visitor).
    """
    with db.session() as session:
        for entry_id in sorted({duplicate_id, kept_id}):  # one order for every merge: two never wait on each other
            lock_entry(session, entry_id)
        duplicate = require_entry(session, duplicate_id)
        kept = follow_merges(session, require_entry(session, kept_id))
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
        move_questions(session, duplicate, kept)
        duplicate.status, duplicate.merged_into = "archived", kept.id
        lock_fields(duplicate, ["status"])
        record_revision(duplicate, note=f"fusionnée dans {kept.id}", author=author)
        record_revision(kept, note=f"a absorbé le doublon {duplicate.id}", author=author)
        finish_change(session, settings, [kept.id])
    return report


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
