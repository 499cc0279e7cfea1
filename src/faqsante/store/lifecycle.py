"""How an entry changes over its life, shared by the import and the editors so both keep one history.

- every change, by an import or an editor, appends a full snapshot to ``entry_revisions``;
- a duplicate merged by an editor keeps its row (archived, ``merged_into`` the kept entry), so its id,
  votes and history still lead somewhere; whoever meets it again (a re-import of its source) follows it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from faqsante.errors import NotFound
from faqsante.store.models import Entry, EntryRevision


def record_revision(entry: Entry, *, note: str, author: str) -> EntryRevision:
    """Snapshot the entry as it is now, numbered after the last revision."""
    revision = EntryRevision(
        number=len(entry.revisions) + 1,
        question=entry.question,
        answer=entry.answer,
        section=entry.section,
        status=entry.status,
        author=author,
        note=note,
    )
    entry.revisions.append(revision)
    return revision


def follow_merges(session: Session, entry: Entry) -> Entry:
    """The entry that stands for ``entry`` today: itself, or the one it was (perhaps repeatedly) merged into."""
    seen = {entry.id}
    while entry.merged_into and entry.merged_into not in seen:
        target = session.get(Entry, entry.merged_into)
        if target is None:
            break
        seen.add(target.id)
        entry = target
    return entry


def require_entry(session: Session, entry_id: str) -> Entry:
    """The entry with this id, whatever its status, or the one French « not found » every channel shows."""
    entry = session.get(Entry, entry_id) if "\x00" not in entry_id else None  # PostgreSQL refuses NUL in text
    if entry is None:
        raise NotFound(f"Aucune entrée n'a l'identifiant « {entry_id} ».")
    return entry
