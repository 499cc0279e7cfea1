"""The question answering core: published entries in, ranked and calibrated answers out.

Indexes are derived state: built from the database on first use and rebuilt whenever its
``data_version`` moves, so every web worker and CLI process serves the same content.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from faqsante.config import MAX_QUESTION_LENGTH, Settings
from faqsante.errors import InvalidQuery
from faqsante.search.analysis import FrenchAnalyzer
from faqsante.search.corpus import Document, FacetFilter, load_documents
from faqsante.search.dense import DenseIndex, sync_embeddings
from faqsante.search.embedders import Embedder, make_embedder
from faqsante.search.fusion import fuse
from faqsante.search.lexical import LexicalIndex
from faqsante.search.results import AskResult, Hit
from faqsante.store import Database

POLL_INTERVAL_S = 1.0
ABSTAIN_BELOW = 0.5


@dataclass(frozen=True)
class _State:
    """Everything one data version needs to answer; swapped whole so readers never see half an index."""

    version: int
    documents: list[Document]
    facets: FacetFilter
    lexical: LexicalIndex
    dense: DenseIndex | None


class SearchEngine:
    """Cheap to create; loads lazily on the first ``ask`` or ``refresh``. Thread-safe."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.analyzer = FrenchAnalyzer()
        self.last_embedded = 0  # vectors computed by the last reload: 0 when nothing changed
        self._embedder: Embedder | None = None
        self._embedder_ready = False
        self._state: _State | None = None
        self._lock = threading.Lock()
        self._last_poll = 0.0

    @property
    def embedder(self) -> Embedder | None:
        if not self._embedder_ready:
            self._embedder = make_embedder(self.settings.embedder)
            self._embedder_ready = True
        return self._embedder

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> bool:
        """Rebuild the indexes if the database changed since the last load; True when it reloaded."""
        # While another thread rebuilds, keep answering from the current state rather than queueing.
        if not self._lock.acquire(blocking=self._state is None):
            return False
        try:
            self._last_poll = time.monotonic()
            version = self.db.data_version()
            if self._state is not None and self._state.version == version:
                return False
            documents = load_documents(self.db)
            dense = None
            self.last_embedded = 0
            if self.embedder is not None:
                matrix, self.last_embedded = sync_embeddings(self.db, documents, self.embedder, progress)
                dense = DenseIndex(matrix)
            self._state = _State(
                version=version,
                documents=documents,
                facets=FacetFilter(documents),
                lexical=LexicalIndex([self.analyzer.terms(doc.text) for doc in documents]),
                dense=dense,
            )
            return True
        finally:
            self._lock.release()

    def ask(self, query: str, *, top_k: int = 10, facets: dict[str, list[str]] | None = None) -> AskResult:
        """The best entries for a question, best first, and whether to abstain."""
        query = _validated(query)
        if self._state is None or time.monotonic() - self._last_poll >= POLL_INTERVAL_S:
            self.refresh()
        state = self._state
        assert state is not None
        lexical = state.lexical.scores(self.analyzer.terms(query))
        dense = None
        if state.dense is not None and self.embedder is not None:
            dense = state.dense.scores(self.embedder.queries([query])[0])
        scores, confidences = fuse(lexical, dense)
        allowed = state.facets.mask(facets)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        order = [row for row in np.argsort(-scores, kind="stable")[:top_k] if np.isfinite(scores[row])]
        hits = [_hit(state.documents[row], float(scores[row]), float(confidences[row])) for row in order]
        abstained = not hits or hits[0].confidence < ABSTAIN_BELOW
        return AskResult(query=query, abstained=abstained, results=hits)


def _validated(query: str) -> str:
    query = " ".join((query or "").split())
    if not query:
        raise InvalidQuery("La question est vide : saisissez quelques mots.")
    if len(query) > MAX_QUESTION_LENGTH:
        raise InvalidQuery(
            f"La question est trop longue ({len(query)} caractères, {MAX_QUESTION_LENGTH} au plus) : "
            "reformulez-la plus brièvement."
        )
    return query


def _hit(doc: Document, score: float, confidence: float) -> Hit:
    return Hit(
        id=doc.id,
        question=doc.question,
        answer=doc.answer,
        section=doc.section,
        sources=list(doc.sources),
        score=score,
        confidence=confidence,
    )
