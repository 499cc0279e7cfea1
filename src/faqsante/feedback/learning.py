"""Learning from use: the words visitors searched with become suggested questions of the entries that answered.

# "activer e-cps" searched, the entry 627b0cbf71bb opened, « Utile : oui »  ->  a suggestion of 627b0cbf71bb
Near-duplicates share a key, so the same words asked by three visitors are one suggestion with ``asked_count == 3``;
a visitor is an address, counted once a day (``LearnedAsk``). Suggestions are not searched: learning one does
not move the data version, only an editor's acceptance does.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqsante.errors import InvalidInput
from faqsante.feedback import notices
from faqsante.store.db import Database
from faqsante.store.lifecycle import follow_merges
from faqsante.store.models import Entry, EntryQuestion, LearnedAsk, QueryLog, utcnow
from faqsante.store.questions import Question, clean_question, question_key, question_of, record_question

LEARNED_AUTHOR = "apprentissage"
LEARN_WINDOW = timedelta(days=2)  # a vote counts for a question asked that recently (a visitor reads, then votes)
LEARN_PER_ASKER_PER_DAY = 10  # suggestions one address counts toward in a day (16 came from one in 4 s)


def learn(db: Database, entry_id: str, text: str | None, *, asker: str | None = None) -> Question | None:
    """A visitor's words that led to this entry become a suggested question of it (grouped, counted).

    Returns None when there is nothing to learn (no words, an entry gone or archived, an unusable text, the
    entry's own title, an ``asker`` who suggested enough today). Two workers learning the same new question at
    once meet on a unique key: the loser's transaction is retried once, and counts (or finds it counted).
    """
    if not text or not text.strip():
        return None
    for attempt in (1, 2):
        try:
            with db.session() as session:
                entry = session.get(Entry, entry_id) if "\x00" not in entry_id else None
                row = suggest_in(session, entry, text, asker=asker) if entry is not None else None
                return question_of(row) if row is not None else None
        except IntegrityError:
            if attempt == 2:
                raise
    return None


def suggest_in(session: Session, entry: Entry, text: str, *, asker: str | None = None) -> EntryQuestion | None:
    """``learn`` inside the caller's transaction (an editor answering a submitted question with this entry).

    With an ``asker`` (a visitor's address, hashed), it counts once a day per suggestion, and an asker adds to
    ``LEARN_PER_ASKER_PER_DAY`` suggestions a day at most: a new cookie or User-Agent is not a new visitor.
    The data version does not move: search reads accepted questions only, so a suggestion changes nothing it
    reads (each vote made every worker reload and empty its answer cache).
    """
    entry = follow_merges(session, entry)
    if entry.status != "published":
        return None
    try:
        key = question_key(clean_question(text))
    except InvalidInput:
        return None
    today = utcnow().date()
    if asker is not None:
        known = session.scalar(
            select(EntryQuestion.id).where(EntryQuestion.entry_id == entry.id, EntryQuestion.key == key)
        )
        if known is not None and _asked(session, asker, today, known):
            return session.get(EntryQuestion, known)  # counted today already
        if _asked(session, asker, today) >= LEARN_PER_ASKER_PER_DAY:
            return None
    row, outcome = record_question(session, entry.id, text, origin="learned", state="suggested", author=LEARNED_AUTHOR)
    if outcome == "added" and row.key in _main_keys(entry):
        session.delete(row)  # the entry's own title, asked as is: nothing new to suggest
        return None
    if outcome == "added":
        notices.record(session, suggestion_id=row.id)
    if asker is not None:
        session.execute(delete(LearnedAsk).where(LearnedAsk.day < today))  # only today's asks are ever counted
        session.add(LearnedAsk(question_id=row.id, asker=asker, day=today))
        session.flush()  # a twin ask from another worker fails here, and ``learn`` retries
    return row


def _asked(session: Session, asker: str, day: date, question_id: int | None = None) -> int:
    """How many suggestions ``asker`` counted toward on ``day`` (``question_id``: that one only, 0 or 1)."""
    statement = select(func.count()).select_from(LearnedAsk).where(LearnedAsk.asker == asker, LearnedAsk.day == day)
    if question_id is not None:
        statement = statement.where(LearnedAsk.question_id == question_id)
    return session.scalar(statement) or 0


def learn_from_vote(db: Database, entry_id: str, query: str | None, *, asker: str) -> Question | None:
    """« Utile : oui » on an answer opened from a search: that search becomes a suggestion of the entry.

    Only a question really asked recently, answered (search did not abstain) and with this entry among its
    results counts, so a forged vote cannot fill the editors' list with words nobody searched, and a search
    the FAQ could not answer teaches nothing.
    """
    if not query or not query.strip() or "\x00" in query:
        return None
    since = utcnow() - LEARN_WINDOW
    with db.session() as session:
        shown = session.scalars(
            select(QueryLog.result_ids)
            .where(QueryLog.created_at >= since, QueryLog.query == query, QueryLog.abstained.is_(False))
            .order_by(QueryLog.id.desc())
            .limit(20)
        ).all()
    if not any(entry_id in (ids or []) for ids in shown):
        return None
    return learn(db, entry_id, query, asker=asker)


def _main_keys(entry: Entry) -> set[str]:
    return {question_key(entry.question)} if entry.question and entry.question.strip() else set()
