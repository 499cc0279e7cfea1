"""What a retriever's score arrays are, declared as data: whose text matched (side) and how (kind).

Fusion weighs a feature by its side and kind, calibration reads it by name, and two dense models can
score side by side: the second names its model.

# Feature("answer", "bm25")             -> "answer_bm25"             BM25 over the entry's text
# Feature("question", "cosine")         -> "question_cosine"         the best accepted question, densely
# Feature("answer", "cosine", "minilm") -> "answer_cosine@minilm"    a second dense model beside e5
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

Side = Literal["answer", "question"]  # the entry's own text, or one of the questions it is known to answer
Kind = Literal["bm25", "cosine"]  # lexical or dense evidence


@dataclass(frozen=True)
class Feature:
    side: Side
    kind: Kind
    model: str = ""  # "" for the pipeline's own embedder (or no model: BM25)

    @property
    def name(self) -> str:
        base = f"{self.side}_{self.kind}"
        return f"{base}@{self.model}" if self.model else base

    @property
    def lexical(self) -> bool:
        return self.kind == "bm25"


ANSWER_BM25 = Feature("answer", "bm25")
ANSWER_COSINE = Feature("answer", "cosine")
QUESTION_BM25 = Feature("question", "bm25")
QUESTION_COSINE = Feature("question", "cosine")

Scores = dict[Feature, np.ndarray]  # one float per document, in corpus order


def unique(features: Iterable[Feature]) -> list[Feature]:
    """The features in order; one given twice is an error (its scores would silently replace the other's)."""
    seen: list[Feature] = []
    for feature in features:
        if feature in seen:
            raise ValueError(f"two retrievers give the feature {feature.name!r}: name a second model apart")
        seen.append(feature)
    return seen
