"""The question answering core: published entries in, ranked and calibrated answers out.

Indexes are derived state: built from the database on first use and rebuilt whenever its
``data_version`` moves, so every web worker and CLI process serves the same content. A move made by glossary
changes alone (``glossary.only_glossary_changed``) swaps the editors' glossary into the current state instead:
no index is read again, and the next question is searched with it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from faqsante.analysis import FrenchAnalyzer
from faqsante.config import Settings
from faqsante.content import title_book  # a module, not a name: content.titles reads the search package
from faqsante.errors import InvalidQuery
from faqsante.search.cache import AnswerCache, answer_key
from faqsante.search.calibration import Calibration
from faqsante.search.corpus import Document, FacetFilter, load_documents
from faqsante.search.embedders import Embedder, make_embedder
from faqsante.search.expansion import Expander
from faqsante.search.fitting import fit_calibration
from faqsante.search.fusion import question_evidence
from faqsante.search.glossary import load_editors, only_glossary_changed
from faqsante.search.index_files import IndexFiles, code_version, digest
from faqsante.search.pipeline import Pipeline
from faqsante.search.query import Query
from faqsante.search.results import AskResult, Hit
from faqsante.search.retrievers import BuildContext
from faqsante.search.retrievers.dense import DenseRetriever
from faqsante.search.retrievers.lexical import LexicalRetriever
from faqsante.search.settings import DEFAULT, SearchSettings
from faqsante.search.spans import SentenceIndex, build_sentence_index
from faqsante.store import Database
from faqsante.store.questions import accepted_questions, unanswerable_questions
from faqsante.text import short_enough_question


@dataclass(frozen=True)
class QuestionSet:
    """The questions search learns from: ``accepted`` (entry id, text) are indexed, ``unanswerable`` only calibrate."""

    accepted: list[tuple[str, str]]
    unanswerable: list[str]

    @classmethod
    def load(cls, db: Database) -> QuestionSet:
        with db.session() as session:
            return cls(accepted_questions(session), unanswerable_questions(session))


QuestionSource = Callable[[Database], QuestionSet]


@dataclass(frozen=True)
class _State:
    """Everything one data version needs to answer; swapped whole so readers never see half an index."""

    version: int
    pipeline: Pipeline
    facets: FacetFilter
    calibration: Calibration
    sentences: SentenceIndex
    answers: AnswerCache = field(default_factory=AnswerCache)  # goes with its state: new content, no stale answer

    def with_glossary(self, version: int, expander: Expander) -> _State:
        """The same indexes and calibration searched with another editors' glossary (and no answer cached)."""
        pipeline = dataclasses.replace(self.pipeline, expander=expander)
        return dataclasses.replace(self, version=version, pipeline=pipeline, answers=AnswerCache())


@dataclass(frozen=True)
class Ranking:
    """The best documents for a question with their fused scores and confidences, and the question's evidence."""

    documents: list[Document]
    scores: np.ndarray
    confidences: np.ndarray
    answerable: float  # the calibrated chance that the FAQ answers the question at all
    abstained: bool
    query: Query | None = None  # the question as analysed and encoded: the spans read it again
    sentences: SentenceIndex | None = None  # the sentences of the same index state as ``documents``


class SearchEngine:
    """Cheap to create; loads lazily on the first ``ask`` or ``refresh``. Thread-safe.

    ``questions`` replaces the database's questions (``faqsante eval --warm`` scores folds without writing).
    ``background``: a change seen by the poll is built in a daemon thread while questions are answered from
    the previous state (a web worker: after 1,537 imported questions, the first ask waited 70 s and SIGTERM
    waited for it, #19.12); without it, the asking thread rebuilds (a command line answers what it just wrote).
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        search: SearchSettings = DEFAULT,
        *,
        questions: QuestionSource = QuestionSet.load,
        background: bool = False,
    ) -> None:
        self.db = db
        self.settings = settings
        self.search = search
        self.analyzer = FrenchAnalyzer()
        self.last_embedded = 0  # passage vectors computed by the last reload: 0 when nothing changed
        self._questions = questions
        self._embedder: Embedder | None = None
        self._embedder_ready = False
        self._state: _State | None = None
        self._lock = threading.Lock()
        self._last_poll = 0.0
        self._background = background
        self._builder: threading.Thread | None = None
        self._builder_lock = threading.Lock()

    @property
    def embedder(self) -> Embedder | None:
        if not self._embedder_ready:
            self._embedder = make_embedder(self.settings.embedder, self.settings.encode_processes)
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
            state = self._state
            if state is not None and state.version == version:
                return False
            if state is not None and only_glossary_changed(self.db, state.version, version):
                self.last_embedded = 0
                self._state = state.with_glossary(version, self._expander())
            else:
                self._state = self._build(version, load_documents(self.db), progress)
            return True
        finally:
            self._lock.release()

    def _build(self, version: int, documents: list[Document], progress: Callable[[int, int], None] | None) -> _State:
        questions = self._questions(self.db)
        files = IndexFiles(self.settings.index_dir)
        context = BuildContext(
            self.db, documents, questions.accepted, self.analyzer, self.embedder, files, self.search, progress
        )
        pipeline = Pipeline.build(context)
        dense = next((r for r in pipeline.retrievers if isinstance(r, DenseRetriever)), None)
        lexical = next((r for r in pipeline.retrievers if isinstance(r, LexicalRetriever)), None)
        self.last_embedded = dense.embedded if dense is not None else 0
        sentences = build_sentence_index(
            documents,
            self.embedder,
            files,
            self.analyzer,
            passages=dense.index.matrix if dense is not None else None,
            terms=lexical.index if lexical is not None else None,
            progress=progress,
        )
        calibration = self._calibration(pipeline, files, questions)  # fitted without the editors' glossary
        searched = dataclasses.replace(pipeline, expander=self._expander())
        return _State(version, searched, FacetFilter(documents), calibration, sentences)

    def _expander(self) -> Expander:
        return Expander(load_editors(self.db), self.analyzer)

    def _calibration(self, pipeline: Pipeline, files: IndexFiles, questions: QuestionSet) -> Calibration:
        """Fitted once per corpus, questions and embedder, then read from ``index_dir``."""
        identity = self.embedder.identity if self.embedder is not None else "none"
        key = digest(
            [
                code_version(),
                identity,
                repr(self.search),
                *(doc.text for doc in pipeline.documents),
                *(f"{entry_id}\0{text}" for entry_id, text in questions.accepted),
                "\0unanswerable",
                *questions.unanswerable,
            ]
        )
        kind = f"calibration-{identity}"

        def fitted() -> Calibration:  # ~800 searches
            calibration = fit_calibration(
                pipeline, files, labelled=questions.accepted, unanswerable=questions.unanswerable
            )
            files.save_json(kind, key, calibration.to_dict())
            return calibration

        return files.built_once(kind, lambda: _saved_calibration(files, kind, key), fitted)

    def _current_state(self) -> _State:
        """The state to answer from, polling the database's data version at most once a second."""
        state = self._state
        if state is None or not self._background:
            if state is None or time.monotonic() - self._last_poll >= self.search.poll_interval_s:
                self.refresh()
        elif time.monotonic() - self._last_poll >= self.search.poll_interval_s:
            self._refresh_in_background(state)
        assert self._state is not None
        return self._state

    def _refresh_in_background(self, state: _State) -> None:
        """Start building a new data version in a daemon thread (one at a time); answers keep coming from
        ``state`` until it is swapped in. A daemon thread never holds up the process's exit on SIGTERM. A version
        that only the glossary moved is swapped in at once: the answer being asked already uses it."""
        with self._builder_lock:
            self._last_poll = time.monotonic()
            if self._builder is not None and self._builder.is_alive():
                return
            version = self.db.data_version()
            if version == state.version:
                return
            if only_glossary_changed(self.db, state.version, version):  # a swap, not a build: before this answer
                self.refresh()
                return
            self._builder = threading.Thread(target=self.refresh, name="faqsante-reindex", daemon=True)
            self._builder.start()

    def wait_for_rebuild(self, timeout: float | None = None) -> bool:
        """Wait for a background rebuild to end; True when none is running (a bench, a test, a shutdown log)."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)
        return builder is None or not builder.is_alive()

    @property
    def calibration(self) -> Calibration:
        return self._current_state().calibration

    @property
    def sentence_index(self) -> SentenceIndex:
        return self._current_state().sentences

    @property
    def indexed_version(self) -> int | None:
        """The data version answers come from now (None before the first load): a gauge for monitoring."""
        return self._state.version if self._state is not None else None

    def rank(self, query: str, *, top_k: int = 10, facets: dict[str, list[str]] | None = None) -> Ranking:
        """The ranked documents behind ``ask``; validation and refresh included."""
        query = _validated(query)
        state = self._current_state()
        if not state.pipeline.documents:  # nothing published yet: an honest empty answer, not an error
            return Ranking([], np.zeros(0), np.zeros(0), 0.0, True)
        calibration = state.calibration
        asked = state.pipeline.query(query)
        scores = state.pipeline.scores(asked)
        fused = state.pipeline.fuse(scores, calibration.weights, asked)
        answerable = calibration.answerable_probability(question_evidence(scores, fused))
        ranked = fused
        allowed = state.facets.mask(facets)
        if allowed is not None:
            ranked = np.where(allowed, fused, -np.inf)
        top = (
            np.argpartition(-ranked, min(top_k, len(ranked)) - 1)[:top_k]
            if len(ranked) > top_k
            else np.arange(len(ranked))
        )
        order = [int(row) for row in top[np.argsort(-ranked[top], kind="stable")] if np.isfinite(ranked[row])]
        # confidence against the best of all documents: the same entry gets the same confidence with any filter
        confidences = calibration.confidences(answerable, fused[order], float(fused.max()))
        abstained = not order or calibration.abstains(answerable)
        documents = [state.pipeline.documents[row] for row in order]
        return Ranking(documents, fused[order], confidences, answerable, abstained, asked, state.sentences)

    def ask(self, query: str, *, top_k: int = 10, facets: dict[str, list[str]] | None = None) -> AskResult:
        """The best entries for a question, best first, and whether none is good enough to offer."""
        key = answer_key(_validated(query), top_k, facets)
        return self._current_state().answers.get_or_compute(key, lambda: self._answer(query, top_k, facets))

    def _answer(self, query: str, top_k: int, facets: dict[str, list[str]] | None) -> AskResult:
        ranking = self.rank(query, top_k=top_k, facets=facets)
        shown = self._titles(ranking.documents)
        hits = [
            _hit(doc, float(score), float(confidence), shown.get(doc.id))
            for doc, score, confidence in zip(ranking.documents, ranking.scores, ranking.confidences, strict=True)
        ]
        if ranking.query is not None and ranking.sentences is not None:
            spans = ranking.sentences.spans(ranking.documents, ranking.query, self.analyzer)
            hits = [dataclasses.replace(hit, spans=found) for hit, found in zip(hits, spans, strict=True)]
        return AskResult(query=_validated(query), abstained=ranking.abstained, results=hits)

    def _titles(self, documents: list[Document]) -> dict[str, str]:
        """The title of each hit, as every channel shows it (``content.title_book``: built once per data version)."""
        with self.db.session() as session:
            return title_book.shown_titles(session, [doc.id for doc in documents])


def fixed_questions(accepted: Sequence[tuple[str, str]], unanswerable: Sequence[str]) -> QuestionSource:
    """A question source that ignores the database: evaluation folds, experiments."""
    questions = QuestionSet(list(accepted), list(unanswerable))
    return lambda _db: questions


def _saved_calibration(files: IndexFiles, kind: str, key: str) -> Calibration | None:
    saved = files.load_json(kind, key)
    if saved is None:
        return None
    try:
        return Calibration.from_dict(saved)
    except (KeyError, TypeError, ValueError):
        return None  # another format: fitted again


def _validated(query: str) -> str:
    query = " ".join((query or "").split())
    if not query:
        raise InvalidQuery("La question est vide : saisissez quelques mots.")
    return short_enough_question(query, InvalidQuery)


def _hit(doc: Document, score: float, confidence: float, title: str | None) -> Hit:
    return Hit(
        id=doc.id,
        question=doc.question,
        answer=doc.answer,
        section=doc.section,
        sources=list(doc.sources),
        score=score,
        confidence=confidence,
        title=title or "",
        facets={name: sorted(values) for name, values in sorted(doc.facets.items()) if values},
    )
