"""BM25 over analyzed French text: a documents × terms matrix of precomputed per-term scores.

A question's score is then one sparse column slice times its term weights, so a term may count
for less than one word (a three-word name is one concept) and 50,000 entries take a millisecond:

    scores = matrix[:, ids("session", "dure")] @ [1.0, 1.0]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np
from scipy import sparse


class LexicalIndex:
    """Okapi BM25 with Lucene's formula (idf = ln(1 + (N - df + .5) / (df + .5)), no (k1 + 1) factor)."""

    def __init__(self, vocabulary: dict[str, int], matrix: sparse.csc_matrix) -> None:
        self.vocabulary = vocabulary
        self.matrix = matrix
        self.size = matrix.shape[0]

    @classmethod
    def build(cls, documents_terms: list[list[str]], *, k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        frequencies: list[int] = []
        lengths = np.array([len(terms) for terms in documents_terms], dtype=np.float64)
        for row, terms in enumerate(documents_terms):
            for term, count in Counter(terms).items():
                rows.append(row)
                columns.append(vocabulary.setdefault(term, len(vocabulary)))
                frequencies.append(count)
        n = len(documents_terms)
        tf = np.asarray(frequencies, dtype=np.float64)
        row_index = np.asarray(rows, dtype=np.int64)
        column_index = np.asarray(columns, dtype=np.int64)
        df = np.bincount(column_index, minlength=len(vocabulary)).astype(np.float64)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        norm = k1 * (1 - b + b * lengths / max(float(lengths.mean()) if n else 0.0, 1e-9))
        values = idf[column_index] * tf / (tf + norm[row_index])
        matrix = sparse.csc_matrix(
            (values.astype(np.float32), (row_index, column_index)), shape=(n, len(vocabulary)), dtype=np.float32
        )
        return cls(vocabulary, matrix)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The index as plain arrays (saved as .npz): vocabulary in column order and the CSC matrix parts."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "terms": np.asarray(terms, dtype=str),
            "data": self.matrix.data,
            "indices": self.matrix.indices,
            "indptr": self.matrix.indptr,
            "shape": np.asarray(self.matrix.shape, dtype=np.int64),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> LexicalIndex:
        shape = (int(arrays["shape"][0]), int(arrays["shape"][1]))
        matrix = sparse.csc_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=shape)
        return cls({str(term): column for column, term in enumerate(arrays["terms"])}, matrix)

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for weighted query terms; unknown terms are ignored."""
        known = [(self.vocabulary[term], weight) for term, weight in query.items() if term in self.vocabulary]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        ids, weights = zip(*known, strict=True)
        return np.asarray(self.matrix[:, list(ids)] @ np.asarray(weights, dtype=np.float32)).reshape(-1)
