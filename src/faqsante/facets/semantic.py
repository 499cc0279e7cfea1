"""Similarity of each entry to each value description, from the passage vectors search already stores.

Entry vectors are search's own (``search.dense.sync_embeddings``), read and written through the caller's
session: tagging runs inside the transaction of a content change (which sees the new text, and which a
write on another connection would wait for), and what it computes is what search then reuses.
Description vectors (about 60 short texts) are query-side vectors like search's questions, cached the same
way (``search.dense.question_vectors``), by the model and the text: an edited description is re-embedded
and nothing else is.

Raw cosine similarities of e5 are compressed (0.75-0.90) and differ from one description to another, so
each value's column is standardised over the corpus: a z-score of 2 means "unusually close to this value".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from faqsante.facets.taxonomy import FALLBACK_VALUE, Taxonomy
from faqsante.search.corpus import Document
from faqsante.search.dense import question_vectors, sync_embeddings
from faqsante.search.embedders import Embedder


class SemanticScores:
    """z-scores (entries × values) and, per entry and facet, the rank of each value among the facet's."""

    def __init__(self, z: np.ndarray, columns: dict[tuple[str, str], int], facet_columns: dict[str, list[int]]) -> None:
        self.z = z
        self.columns = columns
        self._rank = np.zeros(z.shape, dtype=np.int32)
        for cols in facet_columns.values():
            self._rank[:, cols] = np.argsort(np.argsort(-z[:, cols], axis=1), axis=1)

    def score(self, row: int, facet: str, value: str) -> tuple[float, int]:
        """(z-score, rank within the facet, 0 = closest) of one entry for one value; rank -1 when unknown."""
        column = self.columns.get((facet, value))
        if column is None:
            return 0.0, -1
        return float(self.z[row, column]), int(self._rank[row, column])


def semantic_scores(
    session: Session,
    documents: list[Document],
    taxonomy: Taxonomy,
    embedder: Embedder,
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> SemanticScores | None:
    """Standardised similarities of ``documents`` (in order) to every described value; None without documents."""
    if len(documents) < 2:
        return None  # a z-score needs a corpus
    columns: dict[tuple[str, str], int] = {}
    facet_columns: dict[str, list[int]] = {}
    texts: list[str] = []
    for facet in taxonomy:
        for value in facet.values.values():
            if value.key == FALLBACK_VALUE or not value.description:
                continue
            columns[(facet.key, value.key)] = len(texts)
            facet_columns.setdefault(facet.key, []).append(len(texts))
            texts.append(value.description)
    if not texts:
        return None
    entries, _ = sync_embeddings(session, documents, embedder, progress, cache_dir=cache_dir)
    similarity = entries @ question_vectors(texts, embedder, cache_dir).T  # descriptions read as questions
    std = similarity.std(axis=0)
    z = (similarity - similarity.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return SemanticScores(z.astype(np.float32), columns, facet_columns)
