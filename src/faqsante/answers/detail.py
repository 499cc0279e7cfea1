"""A published entry as the API and the portal both show it, built once so that both render the same data.

# entry_detail(...)  -> {"id", "question", "answer", "section", "sources", "updated_at", "origins", "notices",
#                        "related": [entry, ...]}
"""

from __future__ import annotations

from typing import Any

from faqsante.answers.related import related_entries
from faqsante.editing import support
from faqsante.health.notices import entry_notices
from faqsante.search import SearchEngine
from faqsante.store import Database, catalog


def entry_detail(engine: SearchEngine, db: Database, entry_id: str) -> dict[str, Any]:
    """A published entry, where it comes from, what the content-health report says of it, and the closest entries.

    # {..., "updated_at": "2026-11-29T12:00:00+00:00", "origins": [{"name", "url"}],
    #  "notices": [{"kind": "stale", "message": "…"}], "related": [...]}
    """
    published = catalog.get_entry(db, entry_id)
    entry = published.to_dict()
    notices = entry_notices(published.id, published.question, published.answer, published.section, published.sources)
    return {
        **entry,
        **catalog.provenance(db, published.id).to_dict(),
        "notices": [notice.to_dict() for notice in notices],
        "related": related_entries(engine, entry),
        "contacts": [contact.to_dict() for contact in support.contacts_for_entry(db, published.id)],
    }
