"""A published entry as the API and the portal both show it, built once so that both render the same data.

# entry_detail(...)  -> {"id", "question", "answer", "section", "sources", "added_at", "updated_at", "origins",
#                        "notices", "facets", "related": [entry, ...]}
"""

from __future__ import annotations

from typing import Any

from faqsante.answers import catalog
from faqsante.answers.related import related_entries
from faqsante.editing import support
from faqsante.facets.entry_tags import tags_by_entry
from faqsante.health.notices import entry_notices
from faqsante.search import SearchEngine
from faqsante.store import Database


def entry_detail(engine: SearchEngine, db: Database, entry_id: str) -> dict[str, Any]:
    """A published entry, where it comes from, what the content-health report says of it, and the closest entries.

    # {..., "added_at": "2026-11-29T12:00:00+00:00", "updated_at": "2026-12-05T09:30:00+00:00",
    #  "origins": [{"name", "url"}], "notices": [{"kind": "stale", "message": "…"}],
    #  "facets": {"produit": ["e_cps"]}, "related": [...]}
    """
    published = catalog.get_entry(db, entry_id)
    entry = published.to_dict()
    notices = entry_notices(published.id, published.question, published.answer, published.section, published.sources)
    facets = {name: sorted(values) for name, values in tags_by_entry(db, [published.id])[published.id].items()}
    return {
        **entry,
        **catalog.provenance(db, published.id).to_dict(),
        "notices": [notice.to_dict() for notice in notices],
        "facets": facets,
        "related": related_entries(engine, entry, facets),
        "contacts": [contact.to_dict() for contact in support.contacts_for_entry(db, published.id)],
    }
