"""Retrievers declare their features as data: two dense models score side by side, one feature given twice is
an error."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from faqsante.search import SearchEngine
from faqsante.search.dense import DenseIndex, passage_text
from faqsante.search.embedders import FakeEmbedder
from faqsante.search.features import ANSWER_BM25, ANSWER_COSINE, Feature
from faqsante.search.fusion import FusionWeights
from faqsante.search.pipeline import Pipeline
from faqsante.search.retrievers.dense import DenseRetriever


class SecondModel(FakeEmbedder):
    """Another model: its own identity, and it counts the questions it encodes."""

    key = "fake:second-model"

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def queries(self, texts: list[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return super().queries(texts)


@pytest.fixture(scope="module")
def pipeline(seed_db, settings_for) -> Pipeline:
    return SearchEngine(seed_db, settings_for(seed_db, "fake"))._current_state().pipeline


def with_retriever(pipeline: Pipeline, retriever: DenseRetriever) -> Pipeline:
    return dataclasses.replace(pipeline, retrievers=[*pipeline.retrievers, retriever])


def test_a_second_dense_model_scores_beside_the_first_with_its_own_question_vector(pipeline):
    second = SecondModel()
    matrix = second.passages([passage_text(doc) for doc in pipeline.documents])
    both = with_retriever(
        pipeline, DenseRetriever(DenseIndex(matrix), 0, second, Feature("answer", "cosine", "second"))
    )
    query = both.query("Comment activer ma e-CPS ?")
    scores = both.scores(query)
    assert {ANSWER_BM25, ANSWER_COSINE, Feature("answer", "cosine", "second")} <= set(scores)
    assert second.encoded == ["Comment activer ma e-CPS ?"]  # once, by the second model, for its own retriever
    assert (
        query.vector is not None and scores[ANSWER_COSINE].shape == scores[Feature("answer", "cosine", "second")].shape
    )
    fused = both.fuse(scores, FusionWeights(0.5, 0.5), query)
    assert fused.shape == (len(pipeline.documents),) and np.isfinite(fused).all()


def test_one_feature_given_by_two_retrievers_is_an_error_not_an_overwrite(pipeline):
    second = SecondModel()
    matrix = second.passages([passage_text(doc) for doc in pipeline.documents])
    with pytest.raises(ValueError, match="answer_cosine"):
        with_retriever(pipeline, DenseRetriever(DenseIndex(matrix), 0, second))  # ANSWER_COSINE again
