"""What the API and the portal both serve, built once so that both render the same data.

# ask_logged(...)    -> ({"query", "abstained", "results": [hit, ...], "topic": {...} | null}, query_log id)
# entry_detail(...)  -> {"id", "question", "answer", "section", "sources", "updated_at", "origins", "notices",
#                        "related": [entry, ...]}
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.content.notices import entry_notices
from faqsante.errors import InvalidQuery
from faqsante.search import SearchEngine
from faqsante.store import Database, audience, catalog
from faqsante.topics import TopicFinder, answer
from faqsante.web.metrics import record_answer

RELATED_COUNT = 5
ENTRY_FIELDS = tuple(field.name for field in dataclasses.fields(catalog.PublishedEntry))


def ask_logged(
    engine: SearchEngine,
    db: Database,
    topics: TopicFinder,
    query: str,
    *,
    top_k: int,
    channel: str,
    refines: int | None = None,
    facets: dict[str, list[str]] | None = None,
    close_k: int | None = None,
) -> tuple[dict[str, Any], int]:
    """Answer a question within the facet filters (web/facets.py), its topic included (``faqsante.topics.answer``);
    log what was shown and how long it took."""
    started = time.perf_counter()
    result, shown = answer(engine, topics, query, top_k=top_k, facets=facets, close_k=close_k)
    latency_ms = (time.perf_counter() - started) * 1000
    record_answer(result)
    topic = shown["topic"]
    query_id = audience.record_query(
        db,
        result.query,
        result_ids=[entry["id"] for entry in (topic["results"] if topic else shown["results"])],
        abstained=result.abstained and topic is None,  # a topic's answers are no gap in the FAQ
        top_confidence=result.results[0].confidence if result.results else None,
        latency_ms=latency_ms,
        channel=channel,
        refines=refines,
    )
    return shown, query_id


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
    }


def related_entries(engine: SearchEngine, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries search ranks best for this entry's own text, itself left out."""
    text = entry["question"] or entry["answer"]
    try:
        result = engine.ask(_cut(text, MAX_QUESTION_LENGTH), top_k=RELATED_COUNT + 1)
    except InvalidQuery:
        return []
    hits = [hit for hit in result.results if hit.id != entry["id"]][:RELATED_COUNT]
    return [{name: getattr(hit, name) for name in ENTRY_FIELDS} for hit in hits]


def _cut(text: str, limit: int) -> str:
    """# a 900-character answer -> its first words, under the question length limit"""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0]
