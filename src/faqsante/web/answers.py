"""What the API and the portal both serve, built once so that both render the same data.

# ask_logged(...)    -> ({"query", "abstained", "results": [hit, ...], "topic": {...} | null}, query_log id)
# entry_detail(...)  -> {"id", "question", "answer", "section", "sources", "related": [entry, ...]}
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.errors import InvalidQuery
from faqsante.search import SearchEngine
from faqsante.store import Database, audience, catalog
from faqsante.topics import TopicFinder
from faqsante.web.metrics import record_answer

RELATED_COUNT = 5
TOPIC_POOL = 50  # a topic's answers follow search's ranking of its best TOPIC_POOL answers
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
    """Answer a question within the facet filters (web/facets.py); log what was shown and how long it took.

    A short query naming a topic (``faqsante.topics``) also gets ``topic``: that topic's first ``top_k``
    answers, which a reader is shown instead of an abstention. Without a topic, an abstention keeps only
    ``close_k`` results when given (the portal shows three « réponses proches », not ten unrelated ones).
    Topics are not looked for within filters: the filters already say what the visitor is after.
    """
    started = time.perf_counter()
    result = engine.ask(query, top_k=max(top_k, TOPIC_POOL) if not facets else top_k, facets=facets)
    topic = None if facets else topics.find(query, [hit.id for hit in result.results])
    hits = result.results[:top_k]
    if topic is None and result.abstained and close_k is not None:
        hits = hits[:close_k]
    answer = {**dataclasses.replace(result, results=hits).to_dict(), "topic": None}
    if topic is not None:
        answer["topic"] = topic.to_dict(catalog.published_entries(db, topic.entry_ids[:top_k]))
    latency_ms = (time.perf_counter() - started) * 1000
    record_answer(result)
    shown = [entry["id"] for entry in answer["topic"]["results"]] if topic else [hit.id for hit in hits]
    query_id = audience.record_query(
        db,
        result.query,
        result_ids=shown,
        abstained=result.abstained and topic is None,
        top_confidence=hits[0].confidence if hits else None,
        latency_ms=latency_ms,
        channel=channel,
        refines=refines,
    )
    return answer, query_id


def entry_detail(engine: SearchEngine, db: Database, entry_id: str) -> dict[str, Any]:
    """A published entry and the entries closest to it."""
    entry = catalog.get_entry(db, entry_id).to_dict()
    return {**entry, "related": related_entries(engine, entry)}


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
