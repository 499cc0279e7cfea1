"""Combine the lexical and dense scores of every document into one ranking score and a confidence."""

from __future__ import annotations

import numpy as np

LEXICAL_WEIGHT = 0.5


def _unit(scores: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1] within one query: BM25 and cosine live on different scales."""
    low, high = float(scores.min()), float(scores.max())
    return (scores - low) / (high - low) if high > low else np.zeros_like(scores)


def fuse(lexical: np.ndarray, dense: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(fused score, confidence) per document."""
    if lexical.size == 0:
        return lexical.astype(np.float32), lexical.astype(np.float32)
    fused = _unit(lexical) if dense is None else LEXICAL_WEIGHT * _unit(lexical) + (1 - LEXICAL_WEIGHT) * _unit(dense)
    return fused, fused
