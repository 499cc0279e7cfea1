"""An editor's changes to an entry's questions: add, reword, delete, or make one its main question (its title).

Each is one transaction that bumps the data version, so every worker's search index reloads.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from faqsante.config import Settings
from faqsante.editing.entries import apply_changes, finish_change, lock_entry
from faqsante.errors import InvalidInput, NotFound
from faqsante.store.db import Database, bump_data_version
from faqsante.store.lifecycle import require_entry
from faqsante.store.models import EntryQuestion, utcnow
from faqsante.store.questions import Question, clean_question, question_key, question_of, record_question


def add_question(db: Database, entry_id: str, text: str, *, author: str) -> Question:
    """An editor adds a way of asking an entry: accepted at once (a suggestion of the same key is confirmed)."""
    with db.session() as session:
        entry = require_entry(session, entry_id)
        row, _ = record_question(session, entry.id, text, origin="editor", state="accepted", author=author)
        if row.state == "rejected":
            row.state, row.decided_at, row.decided_by = "accepted", utcnow(), author
        bump_data_version(session)
        return question_of(row)


def edit_question(db: Database, question_id: int, text: str, *, author: str, entry_id: str | None = None) -> Question:
    """Reword a question (``entry_id``'s only, if given); its near-duplicate on the same entry is refused."""
    cleaned = clean_question(text)
    with db.session() as session:
        row = _require_question(session, question_id, entry_id)
        key = question_key(cleaned)
        twin = session.scalar(
            select(EntryQuestion).where(
                EntryQuestion.entry_id == row.entry_id, EntryQuestion.key == key, EntryQuestion.id != row.id
            )
        )
        if twin is not None:
            raise InvalidInput(f"Cette entrée a déjà cette question (n° {twin.id}) : « {twin.text} ».", "question")
        row.text, row.key, row.updated_at = cleaned, key, utcnow()
        row.author = row.author or author
        if row.state == "accepted":  # search reads accepted questions only
            bump_data_version(session)
        return question_of(row)


def delete_question(db: Database, question_id: int, *, entry_id: str | None = None) -> None:
    """Forget a question entirely (rejecting keeps it, so that it is not suggested again); ``entry_id``'s only, if given."""
    with db.session() as session:
        row = _require_question(session, question_id, entry_id)
        searched = row.state == "accepted"  # search reads accepted questions only
        session.execute(delete(EntryQuestion).where(EntryQuestion.id == question_id))
        if searched:
            bump_data_version(session)


def make_main(db: Database, question_id: int, *, author: str, settings: Settings, entry_id: str | None = None) -> str:
    """Make a question its entry's main question (its title); the former main one stays an accepted question.

    An edit of the entry's question like any other (``apply_changes``): locked against the next import,
    recorded as a revision, and the entry's filters re-tagged (the tagger reads the question).
    """
    with db.session() as session:
        row = _require_question(session, question_id, entry_id)
        if row.entry_id is None:
            raise InvalidInput("Cette question n'est rattachée à aucune entrée.")
        entry = lock_entry(session, row.entry_id)
        if entry.question and entry.question.strip():
            record_question(session, entry.id, entry.question, origin="editor", state="accepted", author=author)
        row.state, row.decided_at, row.decided_by = "accepted", utcnow(), author
        apply_changes(session, entry, {"question": row.text}, author=author, note="question principale choisie")
        finish_change(session, settings, [entry.id])
        return entry.id


def _require_question(session: Session, question_id: int, entry_id: str | None = None) -> EntryQuestion:
    """The question numbered ``question_id``; with ``entry_id``, only if it is that entry's (the page's address)."""
    row = session.get(EntryQuestion, question_id)
    if row is None:
        raise NotFound(f"Aucune question n'a le numéro {question_id}.")
    if entry_id is not None and row.entry_id != entry_id:
        raise NotFound(f"L'entrée « {entry_id} » n'a pas de question n° {question_id}.")
    return row
