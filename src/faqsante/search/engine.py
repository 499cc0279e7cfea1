"""The question answering core: published entries in, ranked and calibrated answers out.

Indexes are derived state: built from the database on first use and rebuilt whenever its
``data_version`` moves, so every web worker and CLI process serves the same content.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from faqsante.config import MAX_QUESTION_LENGTH, Settings
from faqsante.content.titles import display_title
from faqsante.errors import InvalidQuery
from faqsante.search.analysis import FrenchAnalyzer
from faqsante.search.cache import AnswerCache, answer_key
from faqsante.search.calibration import Calibrator, load_calibrator
from faqsante.search.corpus import Document, FacetFilter, load_documents
from faqsante.search.dense import DenseIndex, sync_embeddings
from faqsante.search.embedders import Embedder, make_embedder
from faqsante.search.fusion import EXPANSION_WEIGHT, FEATURES, fuse, hit_features
from faqsante.search.glossary import QueryExpander, load_glossary
from faqsante.search.index_files import IndexFiles, code_version, digest
from faqsante.search.lexical import LexicalIndex
from faqsante.search.query import QueryAnalyzer
from faqsante.search.results import AskResult, Hit
from faqsante.search.spelling import Speller
from faqsante.store import Database

POLL_INTERVAL_S = 1.0


@dataclass(frozen=True)
class _State:
    """Everything one data version needs to answer; swapped whole so readers never see half an index."""

    version: int
    documents: list[Document]
    facets: FacetFilter
    lexical: LexicalIndex
    queries: QueryAnalyzer
    dense: DenseIndex | None
    answers: AnswerCache = field(default_factory=AnswerCache)  # goes with its state: new content, no stale answer


@dataclass(frozen=True)
class Ranking:
    """The best documents for a question with their fused scores, calibration features and confidences."""

    documents: list[Document]
    scores: np.ndarray
    features: np.ndarray
    confidences: np.ndarray


class SearchEngine:
    """Cheap to create; loads lazily on the first ``ask`` or ``refresh``. Thread-safe."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.analyzer = FrenchAnalyzer()
        self.last_embedded = 0  # vectors computed by the last reload: 0 when nothing changed
        self.calibrator: Calibrator | None = load_calibrator(
            "lexical" if settings.embedder.strip() in ("", "none") else "hybrid"
        )
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
            self._state = self._build(version, load_documents(self.db), progress)
            return True
        finally:
            self._lock.release()

    def _build(self, version: int, documents: list[Document], progress: Callable[[int, int], None] | None) -> _State:
        dense = None
        self.last_embedded = 0
        if self.embedder is not None:
            matrix, self.last_embedded = sync_embeddings(
                self.db, documents, self.embedder, progress, cache_dir=self.settings.index_dir
            )
            dense = DenseIndex(matrix)
        files = IndexFiles(self.settings.index_dir)
        key = digest([code_version(), *(doc.text for doc in documents)])
        analyzed = files.load_object("lexical", key)
        if analyzed is None:
            analyzed = self._analyze(documents)
            files.save_object("lexical", key, analyzed)
        lexical, queries = analyzed
        return _State(version, documents, FacetFilter(documents), lexical, queries, dense)

    def _analyze(self, documents: list[Document]) -> tuple[LexicalIndex, QueryAnalyzer]:
        """The lexical side of the index: minutes for 50,000 entries, hence kept in ``index_dir``."""
        texts = [doc.text for doc in documents]
        tokens = [self.analyzer.tokens(text) for text in texts]
        terms = [self.analyzer.terms_of(doc_tokens) for doc_tokens in tokens]
        words = (t.text for doc_tokens in tokens for token in doc_tokens for t in (token, *token.parts))
        queries = QueryAnalyzer(
            self.analyzer,
            Speller(words),
            QueryExpander(load_glossary(documents), self.analyzer, texts),
            known_stems={term for doc_terms in terms for term in doc_terms},
        )
        return LexicalIndex.build(terms), queries

    def _current_state(self) -> _State:
        """The state to answer from, polling the database's data version at most once a second."""
        if self._state is None or time.monotonic() - self._last_poll >= POLL_INTERVAL_S:
            self.refresh()
        assert self._state is not None
        return self._state

    @property
    def indexed_version(self) -> int | None:
        """The data version answers come from now (None before the first load): a gauge for monitoring."""
        return self._state.version if self._state is not None else None

    def rank(self, query: str, *, top_k: int = 10, facets: dict[str, list[str]] | None = None) -> Ranking:
        """The ranked documents behind ``ask``; validation and refresh included."""
        query = _validated(query)
        state = self._current_state()
        if not state.documents:  # nothing published yet: an honest empty answer, not an error
            return Ranking([], np.zeros(0), np.zeros((0, len(FEATURES))), np.zeros(0))
        analyzed = state.queries.analyze(query)
        lexical = state.lexical.scores(analyzed.weighted_terms(EXPANSION_WEIGHT))
        dense = None
        if state.dense is not None and self.embedder is not None:
            dense = state.dense.scores(self.embedder.queries([analyzed.dense_text])[0])
        scores = fuse(lexical, dense)
        allowed = state.facets.mask(facets)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        top = np.argpartition(-scores, min(top_k, len(scores)) - 1)[:top_k] if len(scores) > top_k else np.arange(len(scores))
        order = [int(row) for row in top[np.argsort(-scores[top], kind="stable")] if np.isfinite(scores[row])]
        features = hit_features(order, scores, lexical, dense)
        confidences = self.calibrator.confidence(features) if self.calibrator else scores[order]
        return Ranking([state.documents[row] for row in order], scores[order], features, confidences)

    def ask(self, query: str, *, top_k: int = 10, facets: dict[str, list[str]] | None = None) -> AskResult:
        """The best entries for a question, best first, and whether none is good enough to offer."""
        key = answer_key(_validated(query), top_k, facets)
        return self._current_state().answers.get_or_compute(key, lambda: self._answer(query, top_k, facets))

    def _answer(self, query: str, top_k: int, facets: dict[str, list[str]] | None) -> AskResult:
        ranking = self.rank(query, top_k=top_k, facets=facets)
        hits = [
            _hit(doc, float(score), float(confidence))
            for doc, score, confidence in zip(ranking.documents, ranking.scores, ranking.confidences, strict=True)
        ]
        if not hits:
            abstained = True
        elif self.calibrator is not None:
            abstained = self.calibrator.abstains(ranking.features[0])
        else:
            abstained = hits[0].confidence < 0.5
        return AskResult(query=_validated(query), abstained=abstained, results=hits)


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
        title=display_title(doc.title, doc.answer, doc.section),
    )
