"""Learning from use: the words visitors searched with become suggested questions of the entries that answered.

# "activer e-cps" searched, the entry 627b0cbf71bb opened, « Utile : oui »  ->  a suggestion of 627b0cbf71bb
Near-duplicates share a key, so the same words asked three times are one suggestion with ``asked_count == 3``.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqsante.errors import InvalidInput
from faqsante.store.db import Database, bump_data_version
from faqsante.store.lifecycle import follow_merges
from faqsante.store.models import Entry, EntryQuestion, QueryLog, utcnow
from faqsante.store.questions import Question, question_key, question_of, record_question

LEARNED_AUTHOR = "apprentissage"
LEARN_WINDOW = timedelta(days=2)  # a vote counts for a question asked that recently (a visitor reads, then votes)


def learn(db: Database, entry_id: str, text: str | None) -> Question | None:
    """A visitor's words that led to this entry become a suggested question of it (grouped, counted).

    Returns None when there is nothing to learn (no words, an entry gone or archived, an unusable text, the
    entry's own title). Two workers learning the same new question at once meet on the unique key: the
    loser's transaction is retried once, and counts.
    """
    if not text or not text.strip():
        return None
    for attempt in (1, 2):
        try:
            with db.session() as session:
                entry = session.get(Entry, entry_id) if "\x00" not in entry_id else None
                row = suggest_in(session, entry, text) if entry is not None else None
                return question_of(row) if row is not None else None
        except IntegrityError:
            if attempt == 2:
                raise
    return None


def suggest_in(session: Session, entry: Entry, text: str) -> EntryQuestion | None:
    """``learn`` inside the caller's transaction (an editor answering a submitted question with this entry)."""
    entry = follow_merges(session, entry)
    if entry.status != "published":
        return None
    try:
        row, outcome = record_question(
            session, entry.id, text, origin="learned", state="suggested", author=LEARNED_AUTHOR
        )
    except InvalidInput:
        return None
    if outcome == "added" and row.key in _main_keys(entry):
        session.delete(row)  # the entry's own title, asked as is: nothing new to suggest
        return None
    if outcome in ("added", "counted"):
        bump_data_version(session)
    return row


def learn_from_vote(db: Database, entry_id: str, query: str | None) -> Question | None:
    """« Utile : oui » on an answer opened from a search: that search becomes a suggestion of the entry.

    Only a question really asked recently and answered with this entry among its results counts, so a forged
    vote cannot fill the editors' list with words nobody searched.
    """
    if not query or not query.strip() or "\x00" in query:
        return None
    since = utcnow() - LEARN_WINDOW
    with db.session() as session:
        shown = session.scalars(
            select(QueryLog.result_ids)
            .where(QueryLog.created_at >= since, QueryLog.query == query)
            .order_by(QueryLog.id.desc())
            .limit(20)
        ).all()
    if not any(entry_id in (ids or []) for ids in shown):
        return None
    return learn(db, entry_id, query)


def _main_keys(entry: Entry) -> set[str]:
    return {question_key(entry.question)} if entry.question and entry.question.strip() else set()
