"""The filters an editor ticks on an entry: each choice is final, the tagger never undoes it.

Every decision is an edit like any other: one transaction that records a revision (« filtres : +produit=ins »),
re-tags the entry and bumps the data version (``entries.finish_change``).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqsante.config import Settings
from faqsante.editing.entries import finish_change, lock_entry
from faqsante.facets.entry_tags import EDITOR, REJECTED, decide_tag, resolved_value
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.store import Database
from faqsante.store.lifecycle import record_revision, require_entry
from faqsante.store.models import Entry, EntryFacet


def entry_facets(db: Database, entry_id: str) -> dict[str, dict[str, str]]:
    """The facet values the entry carries, with who set them: ``{"produit": {"ins": "auto", "dmp": "editor"}}``."""
    taxonomy = load_taxonomy()
    carried: dict[str, dict[str, str]] = {facet.key: {} for facet in taxonomy}
    with db.session() as session:
        require_entry(session, entry_id)
        rows = session.scalars(
            select(EntryFacet).where(EntryFacet.entry_id == entry_id, EntryFacet.confidence > REJECTED)
        ).all()
    for row in rows:  # values are stored as keys; one the taxonomy does not know is no filter to tick
        if row.facet in carried and row.value in taxonomy.facets[row.facet].values:
            carried[row.facet][row.value] = row.origin
    return carried


def set_facets(
    db: Database, entry_id: str, chosen: Mapping[str, list[str]], *, author: str, settings: Settings
) -> list[str]:
    """Make the entry carry exactly the ``chosen`` values of every facet; returns the changes made.

    Each change is an editor decision (``decide_tag``): a value unticked is rejected for good, so the
    tagger never puts it back, and a facet the editor curated is left alone by the tagger. The revision
    notes what changed, for the history; decisions, revision and re-tagging are one transaction.
    """
    wanted = load_taxonomy().resolve_filters({facet: values for facet, values in chosen.items() if values})
    changes: list[str] = []
    carried = entry_facets(db, entry_id)
    with db.session() as session:
        entry = lock_entry(session, entry_id)
        for facet, values in carried.items():
            for value in sorted(set(wanted.get(facet, [])) - set(values)):
                decide_tag(session, entry_id, facet, value, present=True)
                changes.append(f"+{facet}={value}")
            for value in sorted(set(values) - set(wanted.get(facet, []))):
                decide_tag(session, entry_id, facet, value, present=False)
                changes.append(f"−{facet}={value}")
        _finish(session, settings, entry, changes, author)
    return changes


def set_editor_tag(
    db: Database, entry_id: str, facet: str, value: str, *, present: bool = True, author: str, settings: Settings
) -> bool:
    """An editor says the entry has (``present``) or has not this one value; it overrides the tagger for good.

    ``facet`` and ``value`` may be written as users type them (« Produit », « INS »). False when the entry
    already carried that decision (nothing recorded).
    """
    facet, value = resolved_value(facet, value)
    with db.session() as session:
        entry = lock_entry(session, entry_id)
        row = session.get(EntryFacet, (entry_id, facet, value))
        decided = row is not None and row.origin == EDITOR and (row.confidence > REJECTED) == present
        if not decided:
            decide_tag(session, entry_id, facet, value, present=present)
        _finish(session, settings, entry, [] if decided else [f"{'+' if present else '−'}{facet}={value}"], author)
    return not decided


def clear_editor_tag(db: Database, entry_id: str, facet: str, value: str, *, author: str, settings: Settings) -> bool:
    """Forget an editor's decision on one value: the tagger decides again. False when there was none."""
    facet, value = resolved_value(facet, value)
    with db.session() as session:
        entry = lock_entry(session, entry_id)
        row = session.get(EntryFacet, (entry_id, facet, value))
        forgotten = row is not None and row.origin == EDITOR
        if forgotten:
            session.delete(row)
        _finish(
            session,
            settings,
            entry,
            [f"{facet}={value} laissé à l'étiquetage automatique"] if forgotten else [],
            author,
        )
    return forgotten


def _finish(session: Session, settings: Settings, entry: Entry, changes: list[str], author: str) -> None:
    """A revision noting the decisions (# ["+produit=ins", "−thematique=securite"]), re-tagging, one bump."""
    if changes:
        record_revision(entry, note="filtres : " + ", ".join(changes), author=author)
        finish_change(session, settings, [entry.id])
