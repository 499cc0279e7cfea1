"""BM25 over analyzed French text (bm25s): one score per document for a bag of query terms."""

from __future__ import annotations

import bm25s
import numpy as np


class LexicalIndex:
    """Okapi BM25 over pre-analyzed documents; scores every document at once for fusion."""

    def __init__(self, documents_terms: list[list[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(documents_terms)
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        if self.size:  # bm25s cannot index an empty corpus; an empty FAQ simply matches nothing
            self._bm25.index(documents_terms, show_progress=False)

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every document (0 where no term matches); unknown terms are ignored."""
        if not query_terms or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return self._bm25.get_scores(query_terms)
