"""What the audience tells us: « utile ? » votes, the questions they ask, and the ones the FAQ did not answer.

The CLI and the web both record through here. Every write is a single statement that starts as a write,
so concurrent writers queue on SQLite's busy timeout (a read-then-write transaction could instead fail
at once with SQLITE_BUSY) and never overwrite each other on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Boolean, CursorResult, Result, Text, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.errors import InvalidInput, NotFound
from faqsante.feedback import learning, notices
from faqsante.mail.addresses import mailbox
from faqsante.store.db import Database
from faqsante.store.models import Entry, Feedback, QueryLog, SubmittedQuestion, UTCDateTime, utcnow
from faqsante.text import short_enough_question

MAX_COMMENT_LENGTH = 2000
# A question typed letter by letter is one question: the live search refines its log row for this long.
REFINE_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Vote:
    """One visitor's current opinion of one entry."""

    entry_id: str
    visitor: str
    helpful: bool
    comment: str | None
    query: str | None
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        # {"entry_id": "627b0cbf71bb", "visitor": "3f2a…", "helpful": false, "comment": "…", "query": "…",
        #  "created_at": "2026-11-22T08:00:00+00:00"}
        return {**asdict(self), "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class SubmittedQuestionRecord:
    """A question queued for editors."""

    id: int
    question: str
    email: str | None
    status: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": self.created_at.isoformat()}


def record_vote(
    db: Database,
    entry_id: str,
    visitor: str,
    *,
    helpful: bool,
    comment: str | None = None,
    query: str | None = None,
    asker: str | None = None,
) -> Vote:
    """Store a vote on a published entry; the visitor's earlier vote on it, if any, is replaced.

    ``asker`` (the visitor's address, hashed) is who learning counts once a day; ``visitor`` when not given.
    """
    vote = Vote(
        entry_id=entry_id,
        visitor=visitor,
        helpful=helpful,
        comment=_comment(comment),
        query=_optional(query, MAX_QUESTION_LENGTH),
        created_at=utcnow(),
    )
    # INSERT INTO feedback (...) SELECT id, :visitor, ... FROM entries WHERE id = :entry AND status = 'published'
    # ON CONFLICT (entry_id, visitor) DO UPDATE SET helpful = excluded.helpful, ...
    published = select(
        Entry.id,
        bindparam("visitor", vote.visitor, Text),
        bindparam("helpful", vote.helpful, Boolean),
        bindparam("comment", vote.comment, Text),
        bindparam("query", vote.query, Text),
        bindparam("created_at", vote.created_at, UTCDateTime()),
    ).where(Entry.id == entry_id, Entry.status == "published")
    columns = ["entry_id", "visitor", "helpful", "comment", "query", "created_at"]
    statement = _dialect_insert(db, Feedback).from_select(columns, published)
    statement = statement.on_conflict_do_update(
        index_elements=["entry_id", "visitor"],
        set_={name: statement.excluded[name] for name in columns[2:]},
    )
    with db.session() as session:
        if entry_id != _printable(entry_id) or _rowcount(session.execute(statement)) == 0:
            raise NotFound(f"Aucune réponse publiée n'a l'identifiant « {entry_id} ».")
    if vote.helpful:
        learning.learn_from_vote(db, entry_id, vote.query, asker=asker or visitor)  # a suggestion for editors
    return vote


def list_votes(db: Database, entry_id: str | None = None) -> list[Vote]:
    """Every current vote, oldest first (one per visitor and entry)."""
    statement = select(Feedback).order_by(Feedback.created_at, Feedback.id)
    if entry_id is not None:
        statement = statement.where(Feedback.entry_id == entry_id)
    with db.session() as session:
        return [
            Vote(row.entry_id, row.visitor, row.helpful, row.comment, row.query, row.created_at)
            for row in session.scalars(statement)
        ]


def record_query(
    db: Database,
    query: str,
    *,
    result_ids: list[str],
    abstained: bool,
    top_confidence: float | None,
    latency_ms: float,
    channel: str,
    refines: int | None = None,
) -> int:
    """Log a question and what was shown; returns the log id that a later click refers to.

    ``refines`` names the row of the previous keystrokes of the same live search: when that row is
    recent, unclicked and the new text continues it, the row is updated instead of adding one, so
    # "ident", "identifiant e-c", "identifiant e-cps combien"  are logged as  one question.
    """
    query = _printable(query)
    values = {
        "query": query,
        "channel": channel,
        "result_ids": result_ids,
        "abstained": abstained,
        "top_confidence": top_confidence,
        "latency_ms": latency_ms,
        "created_at": utcnow(),
    }
    previous = _refinable_query(db, refines, channel) if refines is not None else None
    with db.session() as session:
        if refines is not None and previous is not None and _continues(previous, query):
            refined = session.execute(
                update(QueryLog)
                .where(QueryLog.id == refines, QueryLog.query == previous, QueryLog.clicked_entry_id.is_(None))
                .values(**values)
            )
            if _rowcount(refined) == 1:
                return refines
        row = QueryLog(**values)
        session.add(row)
        session.flush()
        return row.id


def shown_query(db: Database, query_id: int, entry_id: str) -> str | None:
    """The question of a logged ask that showed ``entry_id`` among its results; None for any other ask or entry."""
    with db.session() as session:
        logged = session.execute(select(QueryLog.query, QueryLog.result_ids).where(QueryLog.id == query_id)).first()
    if logged is None or entry_id not in (logged.result_ids or []):
        return None
    query: str = logged.query
    return query


def record_click(db: Database, query_id: int, entry_id: str) -> str | None:
    """Note which result of a logged question was opened (the first one only); returns that question.

    Nothing is recorded, and None returned, unless the entry was among the results shown for it.
    """
    query = shown_query(db, query_id, entry_id)
    if query is None:
        return None
    with db.session() as session:
        session.execute(
            update(QueryLog)
            .where(QueryLog.id == query_id, QueryLog.clicked_entry_id.is_(None))
            .values(clicked_entry_id=entry_id)
        )
    return query


def submit_question(db: Database, question: str, email: str | None = None) -> SubmittedQuestionRecord:
    """Queue a question the FAQ did not answer, with an address to tell the visitor when it is answered."""
    text = _printable(question).strip()
    if not text:
        raise InvalidInput("La question est vide : écrivez la question à laquelle la FAQ n'a pas répondu.", "question")
    short_enough_question(text)
    address = checked_email(email)
    with db.session() as session:
        row = SubmittedQuestion(question=text, email=address, status="open", created_at=utcnow())
        session.add(row)
        session.flush()
        notices.record(session, question_id=row.id)  # editors who asked hear of it (after the commit, by mail)
        return SubmittedQuestionRecord(row.id, row.question, row.email, row.status, row.created_at)


def checked_email(email: str | None) -> str | None:
    """A visitor's address as it will be stored and sent to; None if blank; ``InvalidInput`` (field ``email``)
    unless it is exactly one mailbox (``mail.addresses.mailbox``), whichever channel it came through."""
    address = (email or "").strip()
    return mailbox(address) if address else None


def _rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or INSERT touched: Session.execute is typed for SELECTs, DML gives a CursorResult."""
    return cast(CursorResult[Any], result).rowcount


def _dialect_insert(db: Database, table: type) -> postgresql.Insert | sqlite.Insert:
    """The INSERT that knows ON CONFLICT for this database (both dialects spell it the same way)."""
    if db.dialect == "postgresql":
        return postgresql.insert(table)
    if db.dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"base de données non prise en charge : {db.dialect}")


def _refinable_query(db: Database, query_id: int, channel: str) -> str | None:
    """The text of a log row that a live search may still refine, or None."""
    with db.session() as session:
        return session.scalar(
            select(QueryLog.query).where(
                QueryLog.id == query_id,
                QueryLog.channel == channel,
                QueryLog.clicked_entry_id.is_(None),
                QueryLog.created_at >= utcnow() - REFINE_WINDOW,
            )
        )


def _continues(previous: str, query: str) -> bool:
    """# "identifiant e-c" -> "identifiant e-cps": True;  "identifiant e-cps" -> "mot de passe": False"""
    shared = 0
    for a, b in zip(previous.casefold(), query.casefold(), strict=False):
        if a != b:
            break
        shared += 1
    return shared >= min(len(previous), len(query), 3)


def _comment(comment: str | None) -> str | None:
    text = _optional(comment, None)
    if text is not None and len(text) > MAX_COMMENT_LENGTH:
        raise InvalidInput(
            f"Le commentaire est trop long ({len(text)} caractères, {MAX_COMMENT_LENGTH} au plus).", "comment"
        )
    return text


def _optional(text: str | None, limit: int | None) -> str | None:
    """Blank becomes None; context that only helps analysis (the query behind a vote) is cut, not refused."""
    text = _printable(text).strip()
    return (text[:limit] if limit else text) or None


def _printable(text: str | None) -> str:
    """PostgreSQL refuses NUL characters in text: drop them rather than fail on a pasted control character.
    Line breaks become one character, as the browser counted them against the field's maxlength (a form
    sends each as CR LF)."""
    return (text or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
