"""The submitted-questions queue: what visitors asked that the FAQ did not answer, worked through by editors.

The web queue and ``faqsante inbox`` call these functions alike. Answering a question that left an address
queues the visitor's e-mail in the same transaction (``faqsante.mail``); the caller sends it after the commit.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from faqsante.config import Settings
from faqsante.content.title_book import shown_titles
from faqsante.editing.entries import finish_change, new_entry
from faqsante.errors import InvalidInput, NotFound
from faqsante.feedback.learning import suggest_in
from faqsante.mail import Mailer, MailStatus, latest_by_question, queue_mail
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.lifecycle import follow_merges, require_entry
from faqsante.store.models import Entry, SubmittedQuestion
from faqsante.store.questions import record_question
from faqsante.urls import answer_path

if TYPE_CHECKING:
    from faqsante.search import Hit, SearchEngine

CANDIDATES = 5  # answers proposed for each question of the queue
QUEUE_PAGE_SIZE = 20  # questions per page of the queue, each searched for its candidates

QUESTION_STATUSES = ("open", "answered", "dismissed")


@dataclass(frozen=True)
class QueuedQuestion:
    """A question a visitor submitted, and the entry that answers it once an editor did."""

    id: int
    question: str
    email: str | None
    status: str
    answer_entry_id: str | None
    created_at: datetime
    mail: MailStatus | None = None  # the last e-mail about it, once answered
    answer_title: str | None = None  # the answering entry's, as every channel shows it (content.title_book)
    candidates: list[Hit] = field(default_factory=list)  # what search proposes, for an open question

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue, oldest first."""

    items: list[QueuedQuestion]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def queue_page(
    db: Database,
    status: str | None = "open",
    *,
    page: int = 1,
    per_page: int = QUEUE_PAGE_SIZE,
    engine: SearchEngine | None = None,
) -> QueuePage:
    """One page of submitted questions; search proposes answers for that page's questions only (a search per
    open question: 311 of them, five a minute per address, took /admin/questions 53 s, #19.10).

    A page beyond the last is ``NotFound``.
    """
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(SubmittedQuestion).where(*_in_status(status))) or 0
    listing = QueuePage([], page, per_page, total)
    if page > listing.pages:
        raise NotFound(f"La page {page} n'existe pas : cette liste en compte {listing.pages}.")
    items = list_questions(db, status, engine=engine, offset=(page - 1) * per_page, limit=per_page)
    return QueuePage(items, page, per_page, total)


def page_of(db: Database, question_id: int, status: str | None = "open", per_page: int = QUEUE_PAGE_SIZE) -> int:
    """The page of the queue that shows this question (a refused answer is shown again beside it)."""
    with db.session() as session:
        asked = session.get(SubmittedQuestion, question_id)
        if asked is None:
            return 1
        before = (SubmittedQuestion.created_at < asked.created_at) | (
            (SubmittedQuestion.created_at == asked.created_at) & (SubmittedQuestion.id < asked.id)
        )
        earlier = session.scalar(select(func.count()).select_from(SubmittedQuestion).where(before, *_in_status(status)))
    return (earlier or 0) // per_page + 1


def _in_status(status: str | None) -> list[ColumnElement[bool]]:
    return [SubmittedQuestion.status == status] if status else []


def list_questions(
    db: Database,
    status: str | None = "open",
    *,
    engine: SearchEngine | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[QueuedQuestion]:
    """Submitted questions, oldest first: the queue editors work through (``limit`` of them from ``offset``).

    With an ``engine``, each open question comes with the entries search proposes for it, to link in one click.
    """
    statement = (
        select(SubmittedQuestion)
        .where(*_in_status(status))
        .order_by(SubmittedQuestion.created_at, SubmittedQuestion.id)
        .offset(offset)
        .limit(limit)
    )
    with db.session() as session:
        rows = [
            (row.id, row.question, row.email, row.status, row.answer_entry_id, row.created_at)
            for row in session.scalars(statement)
        ]
        titles = shown_titles(session, [row[4] for row in rows if row[4]])
    mails = latest_by_question(db, [row[0] for row in rows])
    return [
        QueuedQuestion(
            *row,
            mail=mails.get(row[0]),
            answer_title=titles.get(row[4] or ""),
            candidates=_candidates(engine, row[1]) if row[3] == "open" else [],
        )
        for row in rows
    ]


def _candidates(engine: SearchEngine | None, question: str) -> list[Hit]:
    if engine is None:
        return []
    return engine.ask(question, top_k=CANDIDATES).results


def answer_question(
    db: Database,
    question_id: int,
    *,
    author: str,
    settings: Settings,
    entry_id: str | None = None,
    question: str | None = None,
    answer: str | None = None,
    section: str | None = None,
    mailer: Mailer | None = None,
) -> str:
    """Close a submitted question with an existing entry (``entry_id``) or a new one; returns the entry id.

    With a ``mailer`` and an address left by the visitor, their e-mail is queued in the same transaction, for the
    first answer only (the mail promises no other): linking again, or eight editors answering at once, sends
    nothing more (#19.8). Send it with ``mail.deliver_due``.
    """
    with db.session() as session:
        submitted = _locked_question(session, question_id)
        if entry_id:
            entry = _published(session, entry_id.strip())
            suggest_in(session, entry, submitted.question)  # the visitor's words: a way of asking this entry
        else:
            entry = new_entry(
                session, question=question or submitted.question, answer=answer or "", section=section, author=author
            )
        # Titled before the change bumps the data version: titles are cached per version, and a version this
        # transaction wrote would keep a rolled-back title cached.
        title = shown_titles(session, [entry.id])[entry.id]
        if not entry_id:
            finish_change(session, settings, [entry.id])
        first_answer = submitted.answer_entry_id is None
        submitted.status, submitted.answer_entry_id = "answered", entry.id
        if first_answer and mailer is not None and submitted.email:
            notice = mailer.answer_notice(
                recipient=submitted.email, question=submitted.question, title=title,
                answer_path=answer_path(entry.id, title),
            )  # fmt: skip
            queue_mail(session, notice, question_id=submitted.id)
        return entry.id


def dismiss_question(db: Database, question_id: int) -> None:
    """Take a question off the queue without an answer (spam, off-topic, a duplicate of another)."""
    with db.session() as session:
        _require_question(session, question_id).status = "dismissed"


def dismiss_off_topic(db: Database, text: str, *, author: str) -> None:
    """A content gap an editor judged off-topic: kept as a question the FAQ does not answer.

    Search calibrates its abstention on such questions, and the analytics stop listing it (and its near
    duplicates, same ``question_key``) as content to write.
    """
    with db.session() as session:
        record_question(session, None, text, origin="editor", state="accepted", author=author)
        bump_data_version(session)


def _locked_question(session: Session, question_id: int) -> SubmittedQuestion:
    """The question, locked until the commit: a write comes first (an UPDATE that changes nothing), which takes
    PostgreSQL's row lock and SQLite's write lock, so concurrent answers queue and each sees the one before."""
    session.execute(
        update(SubmittedQuestion)
        .where(SubmittedQuestion.id == question_id)
        .values(status=SubmittedQuestion.status)
        .execution_options(synchronize_session=False)
    )
    return _require_question(session, question_id)


def _require_question(session: Session, question_id: int) -> SubmittedQuestion:
    submitted = session.get(SubmittedQuestion, question_id)
    if submitted is None:
        raise NotFound(f"Aucune question soumise n'a le numéro {question_id}.")
    return submitted


def _published(session: Session, entry_id: str) -> Entry:
    """The entry a question is linked to: it must exist and be public, since the visitor gets its address."""
    try:
        entry = follow_merges(session, require_entry(session, entry_id))
    except NotFound as error:
        raise InvalidInput(f"{error} Vérifiez l'identifiant ou choisissez une réponse proposée.", "entree") from error
    if entry.status != "published":
        raise InvalidInput(
            f"L'entrée {entry.id} n'est pas publiée : publiez-la d'abord ou choisissez-en une autre.", "entree"
        )
    return entry
