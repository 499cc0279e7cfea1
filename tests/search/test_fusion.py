"""Fusion of named score arrays: min-max per array, weights by evidence side and kind, NaN is no evidence."""

import numpy as np
import pytest

from faqsante.search.fusion import FusionWeights, fuse, question_evidence, unit


def test_unit_scales_to_the_unit_interval_and_reads_nan_as_zero():
    assert np.allclose(unit(np.array([2.0, 4.0, 3.0])), [0.0, 1.0, 0.5])
    assert np.allclose(unit(np.array([1.0, np.nan, 3.0])), [0.0, 0.0, 1.0])
    assert not unit(np.array([5.0, 5.0])).any() and not unit(np.array([np.nan])).any()


def test_weights_split_by_side_then_by_kind():
    weights = FusionWeights(lexical=0.4, question=0.5)
    present = {"answer_bm25", "answer_cosine", "question_bm25", "question_cosine"}
    assert weights.of("answer_bm25", present) == pytest.approx(0.2)
    assert weights.of("question_cosine", present) == pytest.approx(0.3)
    assert sum(weights.of(name, present) for name in present) == pytest.approx(1.0)
    # no question in the corpus: the answer side has the whole say; no embedder: BM25 has it
    assert weights.of("answer_cosine", {"answer_bm25", "answer_cosine"}) == pytest.approx(0.6)
    assert weights.of("answer_bm25", {"answer_bm25"}) == 1.0


def test_fuse_ranks_by_weighted_scaled_evidence():
    scores = {"answer_bm25": np.array([0.0, 10.0, 5.0]), "answer_cosine": np.array([0.9, 0.7, 0.8])}
    fused = fuse(scores, FusionWeights(lexical=0.5, question=0.5))
    assert np.allclose(fused, [0.5, 0.5, 0.5])
    fused = fuse(scores, FusionWeights(lexical=0.8, question=0.5))
    assert list(np.argsort(-fused)) == [1, 2, 0]


def test_question_evidence_is_the_best_of_each_array_and_the_margin():
    scores = {"answer_bm25": np.array([0.0, np.e - 1]), "question_cosine": np.array([np.nan, 0.8])}
    evidence = question_evidence(scores, np.array([0.2, 0.9]))
    assert evidence == pytest.approx({"answer_bm25": 1.0, "question_cosine": 0.8, "margin": 0.7})


def test_a_document_without_questions_is_scored_on_its_answer_alone():
    scores = {
        "answer_bm25": np.array([4.0, 4.0, 0.0]),
        "question_bm25": np.array([np.nan, 8.0, 2.0]),
    }
    fused = fuse(scores, FusionWeights(lexical=1.0, question=0.5))
    # row 0: answer 1.0 and no question -> 1.0; row 1: (1.0 + 1.0) / 2; row 2: (0.0 + 0.0) / 2
    assert np.allclose(fused, [1.0, 1.0, 0.0])
