"""The sentence that answers: which passage of a result's answer a visitor should read first.

Each sentence of every published answer (``search.sentences``) is scored against the question with the same
two kinds of evidence as the ranking, inside its answer: lexical (the question's analysed terms it holds,
weighted by their idf over the corpus) and dense (cosine of its own vector with the question's, which the
ask already encoded). Each is scaled to [0, 1] within the answer and the two are averaged, as the ranking
shares lexical and dense evidence 50/50.

# answer "Oui. La session dure 4 h. Elle se prolonge à chaque action."  question "durée de session"
#   -> scores [0.0, 1.0, 0.4]  -> spans [{"start": 5, "end": 25}, ...]

Sentence vectors are derived like passage vectors: encoded by ``embedder.passages`` (through the machine-wide
vector cache, so a sentence known from any database is never encoded again), saved with the sentences'
offsets under ``index_dir`` by a digest of the answers, and an answer of one sentence reuses its passage
vector. They are read memory-mapped as float16: at 50,000 entries the file is paged in for the hits shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from faqsante.search.analysis import FrenchAnalyzer
from faqsante.search.corpus import Document
from faqsante.search.embedders import Embedder
from faqsante.search.encoding import encode_texts
from faqsante.search.index_files import IndexFiles, code_version, digest
from faqsante.search.lexical import LexicalIndex
from faqsante.search.query import Query
from faqsante.search.results import Span
from faqsante.search.sentences import passage_limit, split_sentences

MAX_SPANS = 3  # the best passage, then at most two other sentences that also answer
ANSWERING = 0.5  # a sentence answers when it scores at least halfway between the answer's worst and best


@dataclass(frozen=True)
class SentenceIndex:
    """Every answer's sentences, as offsets, and their vectors (none without an embedder).

    # documents [e1, e2]  rows {"e1": 0, "e2": 1}   offsets [0, 2, 3]   bounds [[0, 4], [5, 25], [0, 80]]   vectors (3, 384) float16
    """

    documents: list[Document]  # what the offsets were computed from, in row order
    rows: dict[str, int]
    offsets: np.ndarray  # (documents + 1,) index of each answer's first sentence in ``bounds``
    bounds: np.ndarray  # (sentences, 2) start and end in the answer
    vectors: np.ndarray | None  # (sentences, dim) float16, L2-normalised before rounding
    terms: LexicalIndex | None  # the answers' BM25 index, for its document frequencies

    def _row(self, doc: Document) -> int | None:
        """The document's row, None when it is not this index's (a state reloaded meanwhile)."""
        row = self.rows.get(doc.id)
        return row if row is not None and self.documents[row] is doc else None

    def sentences(self, doc: Document) -> list[tuple[int, int]]:
        row = self._row(doc)
        if row is None:
            return split_sentences(doc.answer)
        return [(int(start), int(end)) for start, end in self.bounds[self.offsets[row] : self.offsets[row + 1]]]

    def spans(self, doc: Document, query: Query, analyzer: FrenchAnalyzer) -> list[Span]:
        """The passages of ``doc.answer`` that answer ``query``, best first (none for an empty answer)."""
        bounds = self.sentences(doc)
        if len(bounds) <= 1:
            return [Span(start, end) for start, end in bounds]
        lexical = _scaled(self._lexical(doc.answer, bounds, query, analyzer))
        dense = self._dense(doc, len(bounds), query)
        scores = lexical if dense is None else (lexical + _scaled(dense)) / 2
        return _best_passages(bounds, scores, passage_limit(len(doc.answer)))

    def _lexical(
        self, answer: str, bounds: list[tuple[int, int]], query: Query, analyzer: FrenchAnalyzer
    ) -> np.ndarray:
        """The idf-weighted share of the question's words each sentence holds; a compound is one word, held
        through any of its forms (« e-CPS »: ecps, e, cps), weighing as its rarest form."""
        words = [analyzer.terms_of([token]) for token in analyzer.tokens(query.text)]
        weights = [{term: self._idf(term) for term in forms} for forms in words if forms]
        total = sum(max(forms.values()) for forms in weights) or 1.0
        held = [set(analyzer.terms(answer[start:end])) for start, end in bounds]
        return (
            np.array(
                [
                    sum(max((w for t, w in forms.items() if t in terms), default=0.0) for forms in weights)
                    for terms in held
                ]
            )
            / total
        )

    def _idf(self, term: str) -> float:
        """Lucene's BM25 idf over the answers; a term no answer holds weighs as the rarest."""
        if self.terms is None:
            return 1.0
        size = self.terms.size
        column = self.terms.vocabulary.get(term)
        df = 0 if column is None else int(self.terms.matrix.indptr[column + 1] - self.terms.matrix.indptr[column])
        return math.log1p((size - df + 0.5) / (df + 0.5))

    def _dense(self, doc: Document, count: int, query: Query) -> np.ndarray | None:
        row = self._row(doc)
        if self.vectors is None or row is None or query.vector is None:
            return None
        first = int(self.offsets[row])
        similarities: np.ndarray = np.asarray(self.vectors[first : first + count], dtype=np.float32) @ query.vector
        return similarities


def _scaled(values: np.ndarray) -> np.ndarray:
    """# [0.2, 0.6, 0.4] -> [0.0, 1.0, 0.5] ; all equal -> all 0"""
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def _best_passages(bounds: list[tuple[int, int]], scores: np.ndarray, limit: int) -> list[Span]:
    """The best sentence grown into a passage, then the other answering sentences, best first, at most ``MAX_SPANS``.

    The passage takes in the better-scored neighbour, one sentence at a time, while it stays within ``limit``
    and short of the whole answer: on the dev set, the best sentence alone holds the answering words in 58 %
    of cases, grown this way in 70 %.
    # scores [0.1, 1.0, 0.6, 0.0], sentences of 60 characters, limit 240  ->  sentences 1 to 2, then none
    """
    best = int(np.argmax(scores))
    first, last = best, best
    while True:
        grown = [
            (float(scores[row]), low, high)
            for row, low, high in ((first - 1, first - 1, last), (last + 1, first, last + 1))
            if 0 <= row < len(bounds)
            and bounds[high][1] - bounds[low][0] <= limit
            and (high - low + 1) < len(bounds)  # never the whole answer
        ]
        if not grown:
            break
        _, first, last = max(grown)
    others = [int(i) for i in np.argsort(-scores, kind="stable") if not first <= i <= last and scores[i] >= ANSWERING]
    passage = Span(bounds[first][0], bounds[last][1])
    return [passage, *(Span(*bounds[i]) for i in others[: MAX_SPANS - 1])]


def build_sentence_index(
    documents: list[Document],
    embedder: Embedder | None,
    files: IndexFiles,
    *,
    passages: np.ndarray | None = None,
    terms: LexicalIndex | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SentenceIndex:
    """The sentences of every answer and their vectors, loaded from ``files`` when the same answers were split
    and encoded by the same code and model; ``passages`` (one row per document) serve one-sentence answers."""
    identity = embedder.identity if embedder is not None else "none"
    kind = f"sentences-{identity}"
    key = digest([code_version(), identity, *(f"{doc.id}\0{doc.answer}" for doc in documents)])
    rows = {doc.id: row for row, doc in enumerate(documents)}

    def saved() -> SentenceIndex | None:
        arrays = files.load_arrays(kind, key)
        vectors = files.load_array(f"{kind}-vectors", key) if embedder is not None else None
        if arrays is None or (embedder is not None and vectors is None):
            return None
        offsets, bounds = arrays.get("offsets"), arrays.get("bounds")
        if offsets is None or bounds is None or len(offsets) != len(documents) + 1:
            return None
        if vectors is not None and vectors.shape != (len(bounds), embedder.dim if embedder else 0):
            return None
        return SentenceIndex(documents, rows, offsets, bounds, vectors, terms)

    def built() -> SentenceIndex:
        split = [split_sentences(doc.answer) for doc in documents]
        offsets = np.zeros(len(documents) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(bounds) for bounds in split])
        bounds = np.array([pair for pairs in split for pair in pairs], dtype=np.int32).reshape(-1, 2)
        files.save_arrays(kind, key, {"offsets": offsets, "bounds": bounds})
        vectors = None
        if embedder is not None:
            vectors = _sentence_vectors(documents, split, embedder, files, passages, progress)
            files.save_array(f"{kind}-vectors", key, vectors)
        return SentenceIndex(documents, rows, offsets, bounds, vectors, terms)

    return files.built_once(kind, saved, built)


def _sentence_vectors(
    documents: list[Document],
    split: list[list[tuple[int, int]]],
    embedder: Embedder,
    files: IndexFiles,
    passages: np.ndarray | None,
    progress: Callable[[int, int], None] | None,
) -> np.ndarray:
    """(sentences, dim) float16: one-sentence answers take their passage's vector, the others are encoded."""
    texts = [
        doc.answer[start:end]
        for doc, bounds in zip(documents, split, strict=True)
        if len(bounds) > 1 or passages is None
        for start, end in bounds
    ]
    reported = (lambda done, total: progress(done, total) if total else None) if progress else None
    encoded, _ = encode_texts(texts, embedder, "passage", files.directory, progress=reported)  # after the passages
    rows = iter(encoded)
    vectors = [
        passages[number] if len(bounds) == 1 and passages is not None else next(rows)
        for number, (doc, bounds) in enumerate(zip(documents, split, strict=True))
        for _ in bounds
    ]
    return np.array(vectors, dtype=np.float16).reshape(-1, embedder.dim)
