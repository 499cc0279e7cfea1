"""Calibrated confidence and abstention at answer time; the fitting lives in ``faqsante.search.fitting``.

Two questions, two models:
- is the question answered by the FAQ at all? a logistic regression on the question's best evidence
  (``fusion.question_evidence``); below ``threshold`` the engine abstains;
- does this entry answer it? that chance times a decreasing function of the entry's fused-score gap to
  the best entry. A property of (question, entry): the same whatever ``top_k``, never higher lower down.

Fitted per corpus and embedder, without labelled questions (see ``fitting``), and saved under
``index_dir`` as JSON, keyed by what it was fitted from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from faqsante.search.fusion import FusionWeights


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic regression on standardised features."""

    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        if features.size == 0:
            return np.zeros(0)
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.weights) + self.bias)))
        return probabilities


@dataclass(frozen=True)
class Calibration:
    evidence: list[str]  # names of the question evidence ``answerable`` reads, in order
    answerable: Logistic
    threshold: float  # abstain when the chance that the FAQ answers is below this
    rank_bias: float  # chance that an entry is the answer, given it: sigmoid(bias + slope * gap to the best)
    rank_slope: float  # >= 0, so a lower fused score never gets a higher confidence
    weights: FusionWeights

    def answerable_probability(self, evidence: dict[str, float]) -> float:
        row = np.array([[evidence.get(name, 0.0) for name in self.evidence]])
        return float(self.answerable.probability(row)[0])

    def confidences(self, answerable: float, fused: np.ndarray, best: float) -> np.ndarray:
        """Confidence of entries with these fused scores, ``best`` being the question's best fused score."""
        gap = np.asarray(fused, dtype=np.float64) - best
        return answerable / (1.0 + np.exp(-(self.rank_bias + self.rank_slope * gap)))

    def abstains(self, answerable: float) -> bool:
        return answerable < self.threshold

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        return cls(
            evidence=list(data["evidence"]),
            answerable=Logistic(**data["answerable"]),
            threshold=float(data["threshold"]),
            rank_bias=float(data["rank_bias"]),
            rank_slope=float(data["rank_slope"]),
            weights=FusionWeights(**data["weights"]),
        )
