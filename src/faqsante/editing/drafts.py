"""The review step: changes saved as a draft, previewed, then published as a separate action; any revision restored.

# save_draft(db, "c1179", {"answer": "…"}, author="marie", base_revision=3)  -> the public entry is unchanged
# publish_draft(db, "c1179", author="paul", settings=s)                       -> revision 4, re-tagged, searchable
A new entry can start as a draft too (status "draft": invisible to visitors and search until published).
Publishing goes through ``edit_entry`` / ``set_status``: the same transaction that re-tags and bumps the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from faqsante.config import Settings
from faqsante.editing.entries import (
    apply_changes,
    apply_status,
    clean_changes,
    clean_field,
    draft_version,
    edit_entry,
    finish_change,
    lock_entry,
    spend_draft,
)
from faqsante.errors import EditConflict, InvalidInput, NotFound
from faqsante.store import Database
from faqsante.store.lifecycle import require_entry
from faqsante.store.models import EntryDraft, EntryRevision, utcnow

FIELDS = ("question", "answer", "section")


@dataclass(frozen=True)
class Draft:
    entry_id: str
    question: str | None
    answer: str
    section: str | None
    base_revision: int
    author: str
    updated_at: datetime

    @property
    def version(self) -> str:
        """Which save of the draft this is: an edit form carries it, so publishing spends only the draft it showed."""
        return draft_version(self.author, self.updated_at)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def get_draft(db: Database, entry_id: str) -> Draft | None:
    with db.session() as session:
        row = session.get(EntryDraft, entry_id)
        return _draft(row) if row else None


def save_draft(
    db: Database, entry_id: str, changes: Mapping[str, str | None], *, author: str, base_revision: int
) -> Draft:
    """Keep the editor's text aside; the published entry does not change. Saving again replaces the draft."""
    cleaned = {name: clean_field(name, changes.get(name)) for name in FIELDS}
    with db.session() as session:
        entry = require_entry(session, entry_id)
        latest = entry.revisions[-1].number if entry.revisions else 0
        if base_revision != latest:
            raise EditConflict(
                f"Cette entrée a été modifiée entre-temps (révision {latest}) : le brouillon n'a pas été enregistré. "
                "Rechargez la page pour repartir de sa dernière version."
            )
        row = session.get(EntryDraft, entry_id) or EntryDraft(entry_id=entry_id)
        row.question, row.answer, row.section = cleaned["question"], cleaned["answer"] or "", cleaned["section"]
        row.base_revision, row.author, row.updated_at = base_revision, author, utcnow()
        session.add(row)
        session.flush()
        return _draft(row)


def discard_draft(db: Database, entry_id: str, *, seen: str | None = None) -> bool:
    """Delete the entry's draft (with ``seen``, only the one an edit form showed: ``spend_draft``)."""
    with db.session() as session:
        return spend_draft(session, entry_id, seen)


def publish_draft(db: Database, entry_id: str, *, author: str, settings: Settings) -> list[str]:
    """Publish what the draft holds (and the entry itself, if it was a new draft); returns what changed.

    One transaction: the text, the status, the draft spent, the re-tagging. The draft was written from a
    revision: if someone published since, ``EditConflict`` and the draft stays.
    """
    with db.session() as session:
        entry = lock_entry(session, entry_id)
        draft = session.get(EntryDraft, entry.id)
        if draft is None and entry.status != "draft":
            raise InvalidInput("Il n'y a pas de brouillon à publier pour cette entrée.")
        changed: list[str] = []
        if draft is not None:
            cleaned = clean_changes({name: getattr(draft, name) for name in FIELDS})
            note = f"brouillon de {draft.author} publié"
            changed = apply_changes(
                session, entry, cleaned, author=author, base_revision=draft.base_revision, note=note
            )
            session.delete(draft)
        if entry.status == "draft" and apply_status(entry, "published", author=author):
            changed.append("status")
        finish_change(session, settings, [entry.id])
    return changed


def restore_revision(
    db: Database, entry_id: str, number: int, *, author: str, settings: Settings, base_revision: int
) -> list[str]:
    """Bring back the text of an earlier revision as a new revision (history keeps everything in between)."""
    with db.session() as session:
        old = session.scalar(
            select(EntryRevision).where(EntryRevision.entry_id == entry_id, EntryRevision.number == number)
        )
        if old is None:
            require_entry(session, entry_id)
            raise NotFound(f"L'entrée {entry_id} n'a pas de révision {number}.")
        changes = {"question": old.question, "answer": old.answer, "section": old.section}
    return edit_entry(
        db, entry_id, changes, author=author, settings=settings, base_revision=base_revision,
        note=f"révision {number} restaurée",
    )  # fmt: skip


def _draft(row: EntryDraft) -> Draft:
    return Draft(row.entry_id, row.question, row.answer, row.section, row.base_revision, row.author, row.updated_at)
