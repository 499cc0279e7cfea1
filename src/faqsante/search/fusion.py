"""One ranking score from named score arrays, and the question-level evidence calibration reads.

Each array is min-max scaled within the query (BM25 and cosine live on different scales), then weighted.
A feature (``features.Feature``) is answer or question evidence, lexical (bm25) or dense (cosine):

# weights(lexical=0.5, question=0.5): answer_bm25 .25, answer_cosine .25, question_bm25 .25, question_cosine .25
# Two dense models on a side share its dense part: answer_cosine .125, answer_cosine@minilm .125.
# A document without a question (NaN) is scored on its answer alone, as if its questions matched as well as
# its answer does: having no alternate question is no evidence against an entry.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from faqsante.search.features import Feature, Scores


@dataclass(frozen=True)
class FusionWeights:
    lexical: float  # lexical share within each side (the rest is dense)
    question: float  # question side's share when the corpus has questions (the rest is the answer side)

    def of(self, feature: Feature, present: Collection[Feature]) -> float:
        """The weight of one feature, given which features the pipeline produces."""
        same_side = [other for other in present if other.side == feature.side]
        alike = sum(other.lexical == feature.lexical for other in same_side)  # two dense models split their share
        both_kinds = alike < len(same_side)
        kind_share = (self.lexical if feature.lexical else 1 - self.lexical) if both_kinds else 1.0
        sides = {other.side for other in present}
        side_share = (self.question if feature.side == "question" else 1 - self.question) if len(sides) > 1 else 1.0
        return kind_share / alike * side_share


def unit(scores: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1] over the documents that have evidence; NaN (no evidence) becomes 0."""
    finite = np.isfinite(scores)
    if not finite.any():
        return np.zeros(scores.shape)
    low, high = float(scores[finite].min()), float(scores[finite].max())
    scaled = (scores - low) / (high - low) if high > low else np.zeros(scores.shape)
    return np.where(finite, scaled, 0.0)


def fuse(scores: Scores, weights: FusionWeights) -> np.ndarray:
    """The fused score of every document, in [0, 1]: each side's weighted evidence, averaged over the sides a
    document has evidence on (weighted by the sides' shares)."""
    if not scores:
        return np.zeros(0)
    present = set(scores)
    size = len(next(iter(scores.values())))
    total, share = np.zeros(size), np.zeros(size)
    for side in sorted({feature.side for feature in present}):
        features = [feature for feature in scores if feature.side == side]
        has = np.zeros(size, dtype=bool)
        side_score = np.zeros(size)
        for feature in features:
            has |= np.isfinite(scores[feature])
            side_score += weights.of(feature, present) * unit(scores[feature])
        side_share = sum(weights.of(feature, present) for feature in features)
        total += np.where(has, side_score, 0.0)
        share += np.where(has, side_share, 0.0)
    return np.where(share > 0, total / np.where(share > 0, share, 1.0), 0.0)


def question_evidence(scores: Scores, fused: np.ndarray) -> dict[str, float]:
    """What abstention reads of a question: the best absolute evidence of each kind and the fused margin.

    # {"answer_bm25": 2.3 (log1p of the best BM25), "answer_cosine": 0.86, ..., "margin": 0.12}
    Computed over all documents, so a question's evidence is the same whatever ``top_k`` the caller asked.
    """
    evidence: dict[str, float] = {}
    for feature, values in scores.items():
        finite = values[np.isfinite(values)]
        best = float(finite.max()) if finite.size else 0.0
        evidence[feature.name] = float(np.log1p(max(best, 0.0))) if feature.lexical else best
    top_two = np.partition(fused, fused.size - 2)[-2:] if fused.size >= 2 else np.array([0.0, *fused])  # no full sort
    evidence["margin"] = float(top_two[-1] - top_two[0]) if top_two.size == 2 else 0.0
    return evidence
