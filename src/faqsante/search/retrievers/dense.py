"""Cosine between the question's vector and each entry's passage vector (heading, question, answer).

Each retriever holds its embedder and asks the question's vector of it, so a second dense model is one more
retriever with its own feature (``Feature("answer", "cosine", "minilm")``)."""

from __future__ import annotations

from faqsante.search.dense import DenseIndex, sync_embeddings
from faqsante.search.embedders import Embedder
from faqsante.search.features import ANSWER_COSINE, Feature, Scores
from faqsante.search.query import Query
from faqsante.search.retrievers.base import BuildContext


class DenseRetriever:
    def __init__(self, index: DenseIndex, embedded: int, embedder: Embedder, feature: Feature = ANSWER_COSINE) -> None:
        self.index = index
        self.embedded = embedded  # passages the model computed while building: 0 when nothing changed
        self.embedder = embedder
        self.features: tuple[Feature, ...] = (feature,)

    def score(self, query: Query, exclude: frozenset[str] = frozenset()) -> Scores:
        return {self.features[0]: self.index.scores(query.vector_for(self.embedder))}


def build(context: BuildContext) -> DenseRetriever | None:
    if context.embedder is None:
        return None
    matrix, embedded = sync_embeddings(
        context.db, context.documents, context.embedder, context.progress, cache_dir=context.files.directory
    )
    return DenseRetriever(DenseIndex(matrix), embedded, context.embedder)
