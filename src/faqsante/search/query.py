"""A question as every retriever reads it: analysed once, encoded once (lazily, only if a retriever asks).

# "Comment activer ma e-CPS ?"  ->  terms {activ: 1, ecps: 1, e: 1, cps: 1}, vector (384,) computed on first use
"""

from __future__ import annotations

import threading

import numpy as np

from faqsante.search.analysis import FrenchAnalyzer
from faqsante.search.embedders import Embedder


class Query:
    """One question for one ask: the lexical terms and the dense vector are shared by all retrievers."""

    def __init__(
        self, text: str, analyzer: FrenchAnalyzer, embedder: Embedder | None, *, long_question_words: int
    ) -> None:
        self.text = text
        self._embedder = embedder
        self.terms: dict[str, float] = {}
        for term in analyzer.terms(text):
            self.terms[term] = self.terms.get(term, 0.0) + 1.0
        long = len(text.split()) > long_question_words
        # what the model reads: the question, or its content words when long (a shorter encoder input)
        self.dense_text = (analyzer.content_words(text) if long else "") or text
        self._vector: np.ndarray | None = None
        self._lock = threading.Lock()

    @property
    def vector(self) -> np.ndarray | None:
        """The question's embedding (None without an embedder), computed by the first retriever that reads it."""
        if self._embedder is None:
            return None
        with self._lock:
            if self._vector is None:
                self._vector = self._embedder.queries([self.dense_text])[0]
            return self._vector

    def with_vector(self, vector: np.ndarray | None) -> Query:
        """The same question with an already computed vector (calibration encodes its questions in batches)."""
        self._vector = vector
        return self
