"""Cosine between the question's vector and each entry's passage vector (heading, question, answer)."""

from __future__ import annotations

import numpy as np

from faqsante.search.dense import DenseIndex, sync_embeddings
from faqsante.search.query import Query
from faqsante.search.retrievers.base import BuildContext


class DenseRetriever:
    features: tuple[str, ...] = ("answer_cosine",)

    def __init__(self, index: DenseIndex, embedded: int) -> None:
        self.index = index
        self.embedded = embedded  # passages the model computed while building: 0 when nothing changed

    def score(self, query: Query, exclude: frozenset[str] = frozenset()) -> dict[str, np.ndarray]:
        assert query.vector is not None  # built only with an embedder, which the query shares
        return {"answer_cosine": self.index.scores(query.vector)}


def build(context: BuildContext) -> DenseRetriever | None:
    if context.embedder is None:
        return None
    matrix, embedded = sync_embeddings(
        context.db, context.documents, context.embedder, context.progress, cache_dir=context.files.directory
    )
    return DenseRetriever(DenseIndex(matrix), embedded)
