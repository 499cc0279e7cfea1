"""The entries closest to an entry: what a reader of one answer is offered next.

# related_entries(engine, entry) -> [{"id", "question", "answer", "section", "sources", ...}, ...] (5 at most)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.errors import InvalidQuery
from faqsante.search import SearchEngine
from faqsante.store import catalog

RELATED_COUNT = 5
ENTRY_FIELDS = tuple(field.name for field in dataclasses.fields(catalog.PublishedEntry))


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
