"""Suggested questions waiting for an editor: list them, count them, accept or reject them.

A suggestion is a way of asking an entry that use taught (``feedback.learning``); an editor accepts it (search
matches it from then on) or rejects it (kept, so that it is never suggested again).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from faqsante.content.title_book import shown_titles
from faqsante.errors import InvalidInput, NotFound
from faqsante.store.db import Database, bump_data_version
from faqsante.store.models import Entry, EntryQuestion, utcnow
from faqsante.store.questions import Question, question_of


@dataclass(frozen=True)
class Suggestion:
    """A suggested question with the entry it would answer, as the suggestions page lists it."""

    question: Question
    entry_title: str  # as every channel shows it (content.title_book.shown_titles)


def list_suggestions(
    db: Database, *, entry_ids: Sequence[str] | None = None, limit: int | None = None
) -> list[Suggestion]:
    """Suggestions waiting for an editor, most asked first, on published entries (of ``entry_ids`` if given)."""
    statement = (
        select(EntryQuestion)
        .join(Entry, Entry.id == EntryQuestion.entry_id)
        .where(EntryQuestion.state == "suggested", Entry.status == "published")
        .order_by(EntryQuestion.asked_count.desc(), EntryQuestion.updated_at.desc(), EntryQuestion.id)
    )
    if entry_ids is not None:
        statement = statement.where(EntryQuestion.entry_id.in_(list(entry_ids)))
    if limit is not None:
        statement = statement.limit(limit)
    with db.session() as session:
        rows = session.scalars(statement).all()
        titles = shown_titles(session, [row.entry_id for row in rows if row.entry_id])
        return [Suggestion(question_of(row), titles[str(row.entry_id)]) for row in rows]


def count_suggestions(db: Database) -> int:
    with db.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(EntryQuestion)
                .join(Entry, Entry.id == EntryQuestion.entry_id)
                .where(EntryQuestion.state == "suggested", Entry.status == "published")
            )
            or 0
        )


def decide(db: Database, question_ids: Iterable[int], state: str, *, author: str) -> int:
    """Accept or reject questions, one or many at once; returns how many changed state."""
    if state not in ("accepted", "rejected"):
        raise InvalidInput(f"décision inconnue « {state} » (accepted ou rejected)")
    ids = sorted(set(question_ids))
    if not ids:
        return 0
    with db.session() as session:
        rows = session.scalars(select(EntryQuestion).where(EntryQuestion.id.in_(ids))).all()
        if len(rows) != len(ids):
            missing = sorted(set(ids) - {row.id for row in rows})
            raise NotFound(f"Question(s) introuvable(s) : {', '.join(map(str, missing))}.")
        now = utcnow()
        changed = searched = 0
        for row in rows:
            if row.state != state:
                searched += "accepted" in (row.state, state)  # rejecting a suggestion changes nothing search reads
                row.state, row.decided_at, row.decided_by, row.updated_at = state, now, author, now
                changed += 1
        if searched:
            bump_data_version(session)
    return changed
