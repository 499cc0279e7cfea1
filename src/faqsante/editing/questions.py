"""The submitted-questions queue: what visitors asked that the FAQ did not answer, worked through by editors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from faqsante.editing.entries import new_entry, require_entry
from faqsante.errors import NotFound
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.lifecycle import follow_merges
from faqsante.store.models import SubmittedQuestion

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
            entry = follow_merges(session, require_entry(session, entry_id.strip()))
        else:
            entry = new_entry(
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
