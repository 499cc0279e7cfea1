"""The entries closest to an entry: what a reader of one answer is offered next.

Search ranks the entries for this entry's own text; only those above the engine's offered floor are kept
(``closeness``: asked that text, were the entry absent, the engine would offer them), and those sharing the
entry's section, product or topic (the ``produit`` and ``thematique`` filters) come first, in search's order.
# related_entries(engine, entry, {"produit": ["psc"]}) -> [{"id", "question", "answer", "section", ...}, ...] (5 at most, maybe none)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from faqsante.answers import catalog
from faqsante.answers.closeness import confidences_without, offered_floor
from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.errors import InvalidQuery
from faqsante.search import SearchEngine
from faqsante.search.results import Hit

RELATED_COUNT = 5
CANDIDATES = 4 * RELATED_COUNT  # enough close ones for those sharing a section or product to come first
SHARED_FACETS = ("produit", "thematique")  # product and topic
ENTRY_FIELDS = tuple(field.name for field in dataclasses.fields(catalog.PublishedEntry))


def related_entries(
    engine: SearchEngine, entry: dict[str, Any], facets: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """The closest entries to ``entry`` (``facets``: its filter values), itself left out; none is far."""
    text = entry["question"] or entry["answer"]
    try:
        result = engine.ask(_cut(text, MAX_QUESTION_LENGTH), top_k=CANDIDATES + 1)
    except InvalidQuery:
        return []
    floor = offered_floor(engine)
    close = [hit for hit, confidence in confidences_without(engine, result.results, entry["id"]) if confidence >= floor]
    ranked = sorted(close, key=lambda hit: not _shares(hit, entry.get("section"), facets or {}))  # stable
    return [{name: getattr(hit, name) for name in ENTRY_FIELDS} for hit in ranked[:RELATED_COUNT]]


def _shares(hit: Hit, section: str | None, facets: dict[str, list[str]]) -> bool:
    """# same section, or a product or topic in common: {"produit": ["psc"]} and a hit tagged psc"""
    if section and hit.section == section:
        return True
    return any(set(hit.facets.get(name, ())) & set(facets.get(name, ())) for name in SHARED_FACETS)


def _cut(text: str, limit: int) -> str:
    """# a 900-character answer -> its first words, under the question length limit"""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0]
