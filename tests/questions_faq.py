"""A small FAQ for the tests of questions: two published entries (one without a title) and an archived one."""

from __future__ import annotations

from faqsante.store import Database
from faqsante.store.models import Entry


def add_entry(db: Database, entry_id: str, question: str | None, answer: str, status: str = "published") -> None:
    with db.session() as session:
        session.add(
            Entry(id=entry_id, question=question, answer=answer, status=status, content_hash=entry_id, locked_fields=[])
        )


def small_faq(db: Database) -> Database:
    add_entry(db, "ecps", "Comment activer ma e-CPS ?", "Téléchargez l'application e-CPS puis suivez les étapes.")
    add_entry(db, "ins", None, "L'INS est l'identifiant national de santé, obligatoire depuis 2021.")
    add_entry(db, "old", "Ancienne question ?", "Réponse retirée.", status="archived")
    return db
