"""The retrievers of one index state and how their scores are fused: what ranking and calibration share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from faqsante.search.analysis import FrenchAnalyzer
from faqsante.search.corpus import Document
from faqsante.search.embedders import Embedder
from faqsante.search.fusion import FusionWeights, fuse
from faqsante.search.query import Query
from faqsante.search.retrievers import BUILDERS, BuildContext, Retriever
from faqsante.search.retrievers.questions import QuestionRetriever
from faqsante.search.settings import SearchSettings


@dataclass(frozen=True)
class Pipeline:
    documents: list[Document]
    retrievers: list[Retriever]
    analyzer: FrenchAnalyzer
    embedder: Embedder | None
    settings: SearchSettings

    @classmethod
    def build(cls, context: BuildContext) -> Pipeline:
        built = (builder(context) for builder in BUILDERS)
        return cls(
            context.documents, [r for r in built if r is not None], context.analyzer, context.embedder, context.settings
        )

    @property
    def features(self) -> list[str]:
        return [name for retriever in self.retrievers for name in retriever.features]

    def query(self, text: str) -> Query:
        return Query(text, self.analyzer, self.embedder, long_question_words=self.settings.long_question_words)

    def scores(self, query: Query, exclude: frozenset[str] = frozenset()) -> dict[str, np.ndarray]:
        """Every retriever's arrays over all documents; the query is encoded at most once, by the first that needs it."""
        return {
            name: values for retriever in self.retrievers for name, values in retriever.score(query, exclude).items()
        }

    def fuse(self, scores: dict[str, np.ndarray], weights: FusionWeights, query: Query | None = None) -> np.ndarray:
        """The fused score of every document; an entry that has the question as one of its accepted questions,
        word for word, comes first whatever its answer says (``query`` given): an editor said so."""
        if not self.documents:
            return np.zeros(0)
        fused = fuse(scores, weights)
        if query is not None:
            for retriever in self.retrievers:
                if isinstance(retriever, QuestionRetriever):
                    rows = retriever.asked_before(query)
                    fused[rows] += 1.0  # fused scores lie in [0, 1]: these now lead
        return fused
