"""Combine lexical and dense evidence into one ranking score, and describe each hit for calibration."""

from __future__ import annotations

import numpy as np

LEXICAL_WEIGHT = 0.5  # equal say: on the dev set any weight in 0.3-0.6 ranks the same
EXPANSION_WEIGHT = 0.2  # glossary expansions widen a question; they must not outweigh its own words

# What the calibrator sees of a hit: absolute evidence (cosine, BM25) and how it stands out.
FEATURES = ("cosine", "log_bm25", "gap_to_next", "cosine_gap_to_best", "gap_to_first", "is_first")


def _unit(scores: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1] within one query: BM25 and cosine live on different scales."""
    low, high = float(scores.min()), float(scores.max())
    return (scores - low) / (high - low) if high > low else np.zeros_like(scores)


def fuse(lexical: np.ndarray, dense: np.ndarray | None) -> np.ndarray:
    """The fused score of every document, in [0, 1]."""
    if lexical.size == 0 or dense is None:
        return _unit(lexical)
    return LEXICAL_WEIGHT * _unit(lexical) + (1 - LEXICAL_WEIGHT) * _unit(dense)


def hit_features(order: list[int], fused: np.ndarray, lexical: np.ndarray, dense: np.ndarray | None) -> np.ndarray:
    """One row of ``FEATURES`` per ranked document (rows in ``order``, best first)."""
    rows = np.asarray(order, dtype=np.int64)
    scores = fused[rows]
    following = np.append(scores[1:], scores[-1:]) if len(rows) else scores
    cosine = dense[rows] if dense is not None else np.zeros(len(rows))
    best_cosine = float(dense.max()) if dense is not None and dense.size else 0.0
    return np.column_stack(
        [
            cosine,
            np.log1p(np.maximum(lexical[rows], 0.0)),
            scores - following,
            cosine - best_cosine,
            scores - (scores[0] if len(rows) else 0.0),
            np.arange(len(rows)) == 0,
        ]
    ).astype(np.float64)
