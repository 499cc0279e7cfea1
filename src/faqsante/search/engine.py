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


class SearchEngine:
    """Cheap to create; loads lazily on the first ``ask`` or ``refresh``. Thread-safe."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.analyzer = FrenchAnalyzer()
        self._state: _State | None = None
        self._lock = threading.Lock()
        self._last_poll = 0.0

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> bool:
        """Rebuild the indexes if the database changed since the last load; True when it reloaded."""
        with self._lock:
            self._last_poll = time.monotonic()
            version = self.db.data_version()
            if self._state is not None and self._state.version == version:
                return False
            documents = load_documents(self.db)
            self._state = _State(
                version=version,
                documents=documents,
                facets=FacetFilter(documents),
                lexical=LexicalIndex([self.analyzer.terms(doc.text) for doc in documents]),
            )
            return True

    def ask(self, query: str, *, top_k: int = 10, facets: dict[str, list[str]] | None = None) -> AskResult:
        """The best entries for a question, best first, and whether to abstain."""
        query = _validated(query)
        if self._state is None or time.monotonic() - self._last_poll >= POLL_INTERVAL_S:
            self.refresh()
        state = self._state
        assert state is not None
        scores = state.lexical.scores(self.analyzer.terms(query))
        allowed = state.facets.mask(facets)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:top_k]
        order = [row for row in order if scores[row] > 0]
        top = float(scores[order[0]]) if order else 0.0
        hits = [_hit(state.documents[row], float(scores[row]), _confidence(float(scores[row]), top)) for row in order]
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


def _confidence(score: float, top: float) -> float:
    # Placeholder until calibration: saturating in the raw BM25 score.
    return score / (score + 10.0) if score > 0 else 0.0


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
