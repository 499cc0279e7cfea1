"""An ask as every channel serves it: search's answer, its topic, and the query log row that records it.

# ask_logged(...)    -> ({"query", "abstained", "results": [hit, ...], "topic": {...} | null}, query_log id)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from faqsante.answers.topics import TopicFinder, answer
from faqsante.feedback import audience
from faqsante.search import AskResult, SearchEngine
from faqsante.store import Database


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
    observe: Callable[[AskResult], None] | None = None,
) -> tuple[dict[str, Any], int]:
    """Answer a question within the facet filters (web/facets.py), its topic included (``faqsante.answers.topics.answer``);
    log what was shown and how long it took."""
    started = time.perf_counter()
    result, shown = answer(engine, topics, query, top_k=top_k, facets=facets, close_k=close_k)
    latency_ms = (time.perf_counter() - started) * 1000
    if observe is not None:
        observe(result)  # the web app counts answers and abstentions (web/metrics.py)
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
