"""The filters an editor ticks on an entry: each choice is final, the tagger never undoes it."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from faqsante.config import Settings
from faqsante.editing.entries import finish_change, lock_entry
from faqsante.facets.entry_tags import REJECTED, decide_tag
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.store import Database
from faqsante.store.lifecycle import record_revision, require_entry
from faqsante.store.models import EntryFacet


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
        if changes:
            record_revision(entry, note="filtres : " + ", ".join(changes), author=author)
            finish_change(session, settings, [entry_id])
    return changes
