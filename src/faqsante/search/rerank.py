"""Re-ranking: a second look at the best few documents of a question, after fusion.

A reranker may spend more per document than a retriever (it sees ``depth`` documents, not the corpus) and
only reorders the top: every other document keeps its fused score. Chosen by ``SearchSettings.reranker``:

# "identity"   the fused order as it is (default)
# "proximity"  adds up to ``weight`` to a document whose text holds the question's terms close together

A reranker stays off by default until it wins across the folds of ``faqsante eval --folds 5 --reranker …``.
``proximity`` did not (figures in ``SearchSettings.reranker``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Protocol

import numpy as np

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.corpus import Document
from faqsante.search.query import Query


class Reranker(Protocol):
    def rerank(self, query: Query, documents: list[Document], fused: np.ndarray) -> np.ndarray:
        """The scores of every document after the second look (in corpus order, like ``fused``)."""
        ...


class Identity:
    def rerank(self, query: Query, documents: list[Document], fused: np.ndarray) -> np.ndarray:
        return fused


class Proximity:
    """Terms of the question found close together in an answer are stronger evidence than scattered ones.

    # "durée session Pro Santé Connect": "la durée d'une session Pro Santé Connect est de 4 h" holds the five
    # stems within 8 terms (closeness 1.0, + weight); an answer naming « session » and, far below, « durée »
    # gets a share of it (the most terms one window of ``window`` terms holds, over the question's terms)
    """

    def __init__(self, analyzer: FrenchAnalyzer, depth: int = 20, window: int = 8, weight: float = 0.05) -> None:
        self.analyzer = analyzer
        self.depth = depth
        self.window = window
        self.weight = weight

    def rerank(self, query: Query, documents: list[Document], fused: np.ndarray) -> np.ndarray:
        wanted = set(query.terms)
        if len(wanted) < 2 or fused.size == 0:
            return fused  # one term is close to itself: nothing to learn
        depth = min(self.depth, fused.size)
        top = np.argpartition(-fused, depth - 1)[:depth]
        reranked = fused.copy()
        for row in top:
            terms = self.analyzer.terms(documents[row].text)
            reranked[row] += self.weight * closeness(terms, wanted, self.window)
        return reranked


def closeness(terms: list[str], wanted: set[str], window: int) -> float:
    """The largest share of ``wanted`` that ``window`` consecutive terms hold.

    # closeness(["durée", "session", "connect", "4", "h"], {"durée", "session", "prix"}, 3) -> 2/3
    """
    inside: Counter[str] = Counter()
    best = 0
    for position, term in enumerate(terms):
        if term in wanted:
            inside[term] += 1
        if position >= window and terms[position - window] in wanted:
            leaving = terms[position - window]
            inside[leaving] -= 1
            if not inside[leaving]:
                del inside[leaving]
        best = max(best, len(inside))
    return best / len(wanted)


RERANKERS: dict[str, Callable[[FrenchAnalyzer], Reranker]] = {
    "identity": lambda _analyzer: Identity(),
    "proximity": Proximity,
}


def make_reranker(name: str, analyzer: FrenchAnalyzer) -> Reranker:
    try:
        return RERANKERS[name](analyzer)
    except KeyError:
        raise ValueError(f"unknown reranker {name!r} (known: {', '.join(sorted(RERANKERS))})") from None
