"""The retrievers of one index state and how their scores are fused and re-ranked: what ranking and calibration share."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.corpus import Document
from faqsante.search.embedders import Embedder
from faqsante.search.expansion import Expander
from faqsante.search.features import Feature, Scores, unique
from faqsante.search.fusion import FusionWeights, fuse
from faqsante.search.query import Query
from faqsante.search.rerank import Identity, Reranker, make_reranker
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
    reranker: Reranker = field(default_factory=Identity)
    expander: Expander | None = None  # the editors' glossary; calibration is fitted without it (``engine``)

    def __post_init__(self) -> None:
        unique(self.features)  # two retrievers giving one feature is an error, not a silent overwrite

    @classmethod
    def build(cls, context: BuildContext) -> Pipeline:
        built = (builder(context) for builder in BUILDERS)
        retrievers = [r for r in built if r is not None]
        reranker = make_reranker(context.settings.reranker, context.analyzer)
        return cls(context.documents, retrievers, context.analyzer, context.embedder, context.settings, reranker)

    @property
    def features(self) -> list[Feature]:
        return [feature for retriever in self.retrievers for feature in retriever.features]

    def query(self, text: str) -> Query:
        return Query(
            text,
            self.analyzer,
            self.embedder,
            long_question_words=self.settings.long_question_words,
            expander=self.expander,
        )

    def scores(self, query: Query, exclude: frozenset[str] = frozenset()) -> Scores:
        """Every retriever's arrays over all documents; the query is encoded at most once per model, by the first
        retriever that needs it."""
        scores: Scores = {}
        for retriever in self.retrievers:
            for feature, values in retriever.score(query, exclude).items():
                if feature in scores:
                    raise ValueError(f"two retrievers gave the feature {feature.name!r}")
                scores[feature] = values
        return scores

    def fuse(self, scores: Scores, weights: FusionWeights, query: Query | None = None) -> np.ndarray:
        """The fused score of every document; ``query`` given, an entry that has the question as one of its
        accepted questions, word for word, comes first whatever its answer says (an editor said so), then the
        reranker takes its second look at the best documents."""
        if not self.documents:
            return np.zeros(0)
        fused = fuse(scores, weights)
        if query is not None:
            for retriever in self.retrievers:
                if isinstance(retriever, QuestionRetriever):
                    rows = retriever.asked_before(query)
                    fused[rows] += 1.0  # fused scores lie in [0, 1]: these now lead
            fused = self.reranker.rerank(query, self.documents, fused)
        return fused
