"""A question as every retriever reads it: analysed once, encoded once (lazily, only if a retriever asks).

# "Comment activer ma e-CPS ?"  ->  terms {activ: 1, ecps: 1, e: 1, cps: 1}, vector (384,) computed on first use
An editors' glossary (``search.expansion``) adds the names the question's names stand for: to the terms BM25
scores (``searched``) and to what the model reads; ``terms`` stay the visitor's own words.
"""

from __future__ import annotations

import threading

import numpy as np

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.embedders import Embedder
from faqsante.search.expansion import Expander


class Query:
    """One question for one ask: the lexical terms and the dense vector are shared by all retrievers."""

    def __init__(
        self,
        text: str,
        analyzer: FrenchAnalyzer,
        embedder: Embedder | None,
        *,
        long_question_words: int,
        expander: Expander | None = None,
    ) -> None:
        self.text = text
        self._embedder = embedder
        self.terms: dict[str, float] = {}
        for term in analyzer.terms(text):
            self.terms[term] = self.terms.get(term, 0.0) + 1.0
        long = len(text.split()) > long_question_words
        # what the model reads: the question, or its content words when long (a shorter encoder input)
        self.dense_text = (analyzer.content_words(text) if long else "") or text
        self.searched = self.terms  # what BM25 scores: the visitor's terms and the glossary's names
        added = expander.names_for(text) if expander is not None else []
        if expander is not None and added:
            self.searched = dict(self.terms)
            for term, weight in expander.terms(added).items():
                self.searched[term] = self.searched.get(term, 0.0) + weight
            self.dense_text = f"{self.dense_text} ({', '.join(added)})"
        self._vectors: dict[str, np.ndarray] = {}  # embedder identity -> the question's vector
        self._lock = threading.Lock()

    @property
    def vector(self) -> np.ndarray | None:
        """The question's embedding by the pipeline's embedder (None without one), computed on first use."""
        return None if self._embedder is None else self.vector_for(self._embedder)

    def vector_for(self, embedder: Embedder) -> np.ndarray:
        """The question encoded by ``embedder`` (the pipeline's or a second dense model's), once per model."""
        with self._lock:
            vector = self._vectors.get(embedder.identity)
            if vector is None:
                vector = self._vectors[embedder.identity] = embedder.queries([self.dense_text])[0]
            return vector

    def with_vector(self, vector: np.ndarray | None) -> Query:
        """The same question with an already computed vector (calibration encodes its questions in batches)."""
        if self._embedder is not None and vector is not None:
            self._vectors[self._embedder.identity] = vector
        return self
