"""The questions entries answer, beside their main one: what search matches a visitor's words against.

An entry's main question stays in ``entries.question`` (it is its title and part of its history); every
other way of asking it is a row of ``entry_questions`` with where it came from and what editors decided:
# origin: source (the dump gave it) | editor (typed in /admin) | import (a question history) | learned (from use)
# state:  suggested (waiting for an editor) | accepted (searched) | rejected (kept, so it is never suggested again)
Near-duplicates share a ``key`` (folded, stemmed content words, sorted), so "Comment activer ma e-CPS ?" asked
three times is one suggestion with ``asked_count == 3``. Rows without an entry are questions the FAQ does not
answer (an imported history says so): abstention is calibrated on them.

Every change bumps the data version, so every worker's search index reloads before its next answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqsante.analysis import FrenchAnalyzer
from faqsante.errors import InvalidInput
from faqsante.store.db import Database
from faqsante.store.lifecycle import require_entry
from faqsante.store.models import QUESTION_ORIGINS, QUESTION_STATES, Entry, EntryQuestion, utcnow
from faqsante.text import fold_for_comparison, short_enough_question

# accepted beats suggested beats rejected when two rows of the same key meet (a merge of entries)
_STATE_RANK = {"accepted": 2, "suggested": 1, "rejected": 0}


@lru_cache(maxsize=1)
def _analyzer() -> FrenchAnalyzer:
    return FrenchAnalyzer()  # its stop words are read once


def question_key(text: str) -> str:
    """What near-duplicate questions share: their stemmed content words, sorted, without repeats.

    # "Comment activer ma e-CPS ?" and "activation e-cps comment"  ->  "activ cps e ecps"
    # "Qui ?" (stop words only)                                     ->  "qui ?"
    """
    terms = sorted(set(_analyzer().terms(text)))
    return " ".join(terms) if terms else fold_for_comparison(text)


def clean_question(text: str | None) -> str:
    """A question as stored: one line, no blank margins; empty, over-long or NUL-bearing text is refused."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise InvalidInput("La question est vide.", "question")
    if "\x00" in cleaned:
        raise InvalidInput("La question contient un caractère nul.", "question")
    return short_enough_question(cleaned)


# ------------------------------------------------------------------------------------- what search reads


def accepted_questions(session: Session) -> list[tuple[str, str]]:
    """``(entry_id, text)`` of every question a published entry answers: its main one and its accepted others.

    One pair per entry and key, main question first, in a stable order:
    # [("c11796043a08", "Le DMN doit-il recevoir l'INS ?"), ("c11796043a08", "INS dans le DMN"), ...]
    Accepted questions are compared by their stored key (kept by ``record_question`` and ``edit_question``):
    analysing 100,000 of them again took a minute of every worker's start-up. Only the main questions of
    entries that have other accepted questions are analysed.
    """
    published = select(Entry.id, Entry.question).where(Entry.status == "published").order_by(Entry.id)
    others = session.execute(
        select(Entry.id, EntryQuestion.text, EntryQuestion.key)
        .join(Entry, Entry.id == EntryQuestion.entry_id)
        .where(EntryQuestion.state == "accepted", Entry.status == "published")
        .order_by(EntryQuestion.entry_id, EntryQuestion.id)
    ).all()
    with_others = {entry_id for entry_id, _, _ in others}
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for entry_id, question in session.execute(published):
        if question and question.strip():
            pairs.append((entry_id, question))
            if entry_id in with_others:
                seen.add((entry_id, question_key(question)))
    for entry_id, text, key in others:
        if text and text.strip() and (entry_id, key) not in seen:
            seen.add((entry_id, key))
            pairs.append((entry_id, text))
    return pairs


def unanswerable_questions(session: Session) -> list[str]:
    """Accepted questions the FAQ does not answer (imported items without keys), oldest first."""
    return list(
        session.scalars(
            select(EntryQuestion.text)
            .where(EntryQuestion.entry_id.is_(None), EntryQuestion.state == "accepted")
            .order_by(EntryQuestion.id)
        )
    )


# ------------------------------------------------------------------------------------- writing, in a session


def record_question(
    session: Session,
    entry_id: str | None,
    text: str,
    *,
    origin: str,
    state: str,
    author: str | None,
) -> tuple[EntryQuestion, str]:
    """Add a question to an entry (or to the unanswered ones), grouped with the near-duplicate it may have.

    Returns the row and what happened: "added", "counted" (one more ask of a waiting suggestion),
    "accepted" (a suggestion now confirmed), "already" (accepted before) or "rejected" (an editor refused it:
    that decision stands). Does not bump the data version: the caller does, once per transaction.
    """
    if origin not in QUESTION_ORIGINS or state not in QUESTION_STATES:
        raise ValueError(f"origin {origin!r} / state {state!r}")
    text = clean_question(text)
    key = question_key(text)
    existing = session.scalar(
        select(EntryQuestion).where(
            EntryQuestion.entry_id.is_(None) if entry_id is None else EntryQuestion.entry_id == entry_id,
            EntryQuestion.key == key,
        )
    )
    now = utcnow()
    if existing is None:
        row = EntryQuestion(
            entry_id=entry_id,
            text=text,
            key=key,
            origin=origin,
            state=state,
            author=author,
            asked_count=1,
            created_at=now,
            updated_at=now,
            decided_at=now if state != "suggested" else None,
            decided_by=author if state != "suggested" else None,
        )
        session.add(row)
        session.flush()
        return row, "added"
    if state == "accepted" and origin != "learned" and existing.origin == "learned":
        # "Comment activer ma e-CPS ?" typed by an editor meets "activer e-cps ☠☠☠ ???" asked by visitors (same
        # key): the editor's, the source's or the import's wording is the one kept (#19.6), the count stays.
        existing.text, existing.origin, existing.author, existing.updated_at = text, origin, author, now
    if existing.state == "rejected":
        existing.asked_count += 1 if state == "suggested" else 0
        return existing, "rejected"
    if existing.state == "suggested" and state == "accepted":
        existing.state, existing.decided_at, existing.decided_by, existing.updated_at = state, now, author, now
        return existing, "accepted"
    if state == "suggested":
        existing.asked_count += 1
        existing.updated_at = now
        return existing, "counted" if existing.state == "suggested" else "already"
    return existing, "already"


def move_questions(session: Session, duplicate: Entry, kept: Entry) -> int:
    """Merge: the duplicate's questions (its main one included) become the kept entry's; returns how many moved.

    A question both hold stays once, with both counts and the firmer decision and its wording
    (accepted > suggested > rejected).
    """
    if duplicate.question and duplicate.question.strip():
        record_question(session, duplicate.id, duplicate.question, origin="source", state="accepted", author=None)
    kept_rows = {
        row.key: row for row in session.scalars(select(EntryQuestion).where(EntryQuestion.entry_id == kept.id))
    }
    moved = 0
    for row in session.scalars(select(EntryQuestion).where(EntryQuestion.entry_id == duplicate.id)).all():
        twin = kept_rows.get(row.key)
        if twin is None:
            row.entry_id = kept.id
            kept_rows[row.key] = row
            moved += 1
            continue
        twin.asked_count += row.asked_count
        if _STATE_RANK[row.state] > _STATE_RANK[twin.state]:
            twin.text, twin.state, twin.decided_at, twin.decided_by = (
                row.text,
                row.state,
                row.decided_at,
                row.decided_by,
            )
        session.delete(row)
    session.flush()
    return moved


# ------------------------------------------------------------------------------------- what editors see and do


@dataclass(frozen=True)
class Question:
    id: int
    entry_id: str | None
    text: str
    origin: str
    state: str
    author: str | None
    asked_count: int
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "entry_id": self.entry_id,
            "text": self.text,
            "origin": self.origin,
            "state": self.state,
            "author": self.author,
            "asked_count": self.asked_count,
            "created_at": self.created_at.isoformat(),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decided_by": self.decided_by,
        }


def question_of(row: EntryQuestion) -> Question:
    return Question(
        row.id,
        row.entry_id,
        row.text,
        row.origin,
        row.state,
        row.author,
        row.asked_count,
        row.created_at,
        row.decided_at,
        row.decided_by,
    )


def entry_questions(db: Database, entry_id: str) -> list[Question]:
    """An entry's questions of every state: accepted first, then suggestions most asked first, then rejected."""
    with db.session() as session:
        require_entry(session, entry_id)
        rows = session.scalars(select(EntryQuestion).where(EntryQuestion.entry_id == entry_id)).all()
    order = {"accepted": 0, "suggested": 1, "rejected": 2}
    return sorted((question_of(row) for row in rows), key=lambda q: (order[q.state], -q.asked_count, q.id))


def questions_by_state(db: Database, entry_id: str) -> dict[str, list[Question]]:
    """An entry's questions as its page groups them: ``{"accepted": [...], "suggested": [...], "rejected": [...]}``."""
    listed = entry_questions(db, entry_id)
    return {state: [question for question in listed if question.state == state] for state in QUESTION_STATES}


def list_questions(db: Database, *, states: Sequence[str] = ("accepted",)) -> list[Question]:
    """Every question in the given states (entries' and unanswered ones), by entry then age: what an export holds."""
    with db.session() as session:
        rows = session.scalars(
            select(EntryQuestion)
            .where(EntryQuestion.state.in_(states))
            .order_by(EntryQuestion.entry_id.is_(None), EntryQuestion.entry_id, EntryQuestion.id)
        ).all()
    return [question_of(row) for row in rows]
