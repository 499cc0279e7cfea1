"""Answers to recently asked questions, so a popular question costs one search per index version.

Support desks see the same few questions all day; each uncached answer embeds the query (tens of
milliseconds of CPU). One cache lives in each index state, so new content drops it whole:

    key = (normalized query, top_k, facets)   e.g. ("Comment activer ma e-CPS ?", 10, (("produit", ("INS",)),))
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from faqsante.search.results import AskResult

DEFAULT_SIZE = 2048


def answer_key(query: str, top_k: int, facets: dict[str, list[str]] | None) -> Hashable:
    """Filters compare as sets: ``{"produit": ["DMP", "INS"]}`` and ``{"produit": ["INS", "DMP"]}`` are one key."""
    filters = tuple(sorted((name, tuple(sorted(set(values)))) for name, values in (facets or {}).items() if values))
    return (query, top_k, filters)


class AnswerCache:
    """A thread-safe LRU of answers; errors are not cached, so a bad question is re-checked every time."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, AskResult] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], AskResult]) -> AskResult:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        # Computed outside the lock: two threads missing at once both search, rather than all waiting.
        answer = compute()
        with self._lock:
            self._answers[key] = answer
            if len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer

    def __len__(self) -> int:
        return len(self._answers)
