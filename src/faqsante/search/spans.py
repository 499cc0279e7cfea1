"""The sentence that answers: which passage of a result's answer a visitor should read first.

Each sentence of every published answer (``search.sentences``) is scored against the question with the same
two kinds of evidence as the ranking, inside its answer: lexical (the question's analysed terms it holds,
weighted by their idf over the corpus) and dense (cosine of its own vector with the question's, which the
ask already encoded). Each is scaled to [0, 1] within the answer and the two are mixed (``LEXICAL_SHARE``).
A sentence also takes a share of its neighbours' evidence (``CARRY``): a lead that restates the question is
followed by the sentence that answers it. The first span is the run of adjacent sentences with the most
evidence, each sentence past the first costing ``SENTENCE_COST``, within a passage's length.

# answer "Oui. La session dure 4 h. Elle se prolonge à chaque action."  question "durée de session"
#   -> evidence [0.0, 1.0, 0.4] (+ carried) -> spans [{"start": 5, "end": 25}, ...]

Everything an answer contributes is computed when the index is built, not per question: each sentence's
offsets, its analysed terms (ids into the index's own vocabulary) and its vector. Sentence vectors are encoded
by ``embedder.passages`` (through the machine-wide vector cache, so a sentence known from any database is
never encoded again); an answer of one sentence reuses its passage vector. All are saved under ``index_dir``
by a digest of the answers; the vectors are read memory-mapped as float16: at 50,000 entries the file is
paged in for the hits shown.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from faqsante.analysis import FrenchAnalyzer
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
# Chosen by 5-fold cross-validation on the dev set (questions by other writers, cold; lexical share 0.3-0.7,
# carry 0-0.5, cost 0-0.3, chosen on each split's training folds): on the held-out folds .786 .776 .769 .724
# .704 (mean .752) of first spans hold the answering passage, against .804 .657 .731 .690 .611 (.698) for the
# best sentence grown towards its better neighbour. These values (chosen on two splits, best over all folds)
# give .839 .776 .846 .741 .704 (.781).
LEXICAL_SHARE = 0.7  # of a sentence's evidence; dense similarity is the rest
CARRY = 0.25  # share of each neighbour's evidence a sentence takes
SENTENCE_COST = 0.2  # evidence a sentence must bring to join the passage
_NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class SentenceIndex:
    """Every answer's sentences, as offsets, with their analysed terms and their vectors (none without an embedder).

    # documents [e1, e2]  rows {"e1": 0, "e2": 1}   offsets [0, 2, 3]   bounds [[0, 4], [5, 25], [0, 80]]
    # vocabulary {"session": 0, "dur": 1, ...}   term_offsets [0, 0, 3, 9]   term_ids [0, 1, 7, 0, ...]
    # vectors (3, 384) float16
    """

    documents: list[Document]  # what the offsets were computed from, in row order
    rows: dict[str, int]
    offsets: np.ndarray  # (documents + 1,) index of each answer's first sentence in ``bounds``
    bounds: np.ndarray  # (sentences, 2) start and end in the answer
    vocabulary: dict[str, int]  # every term of every sentence
    term_offsets: np.ndarray  # (sentences + 1,) where each sentence's terms start in ``term_ids``
    term_ids: np.ndarray  # the distinct terms of each sentence, ids into ``vocabulary``
    vectors: np.ndarray | None  # (sentences, dim) float16, L2-normalised before rounding
    terms: LexicalIndex | None  # the answers' BM25 index, for its document frequencies

    def sentences(self, doc: Document) -> list[tuple[int, int]]:
        first, last = self._range(doc)
        return [(int(start), int(end)) for start, end in self.bounds[first:last]]

    def spans(self, documents: Sequence[Document], query: Query, analyzer: FrenchAnalyzer) -> list[list[Span]]:
        """For each document, the passages of its answer that answer ``query``, best first (none for an empty
        answer). The question's words and vector are read once for all of them."""
        ranges = [self._range(doc) for doc in documents]
        rows = np.concatenate([np.arange(first, last) for first, last in ranges] or [_NONE])
        lexical = self._lexical(rows, query, analyzer)
        dense = None
        if self.vectors is not None and query.vector is not None and rows.size:
            dense = np.asarray(self.vectors[rows], dtype=np.float32) @ query.vector
        found = []
        position = 0
        for doc, (first, last) in zip(documents, ranges, strict=True):
            bounds = [(int(start), int(end)) for start, end in self.bounds[first:last]]
            part = slice(position, position + len(bounds))
            position += len(bounds)
            if len(bounds) <= 1:
                found.append([Span(start, end) for start, end in bounds])
                continue
            scores = _scaled(lexical[part])
            if dense is not None:
                scores = LEXICAL_SHARE * scores + (1 - LEXICAL_SHARE) * _scaled(dense[part])
            found.append(_best_passages(bounds, scores, passage_limit(len(doc.answer))))
        return found

    def _range(self, doc: Document) -> tuple[int, int]:
        """Where the document's sentences lie in ``bounds``; a document of another index state is an error."""
        row = self.rows.get(doc.id)
        if row is None or self.documents[row] is not doc:
            raise ValueError(f"document {doc.id!r} is not in this sentence index")
        return int(self.offsets[row]), int(self.offsets[row + 1])

    def _lexical(self, rows: np.ndarray, query: Query, analyzer: FrenchAnalyzer) -> np.ndarray:
        """The idf-weighted share of the question's words each sentence of ``rows`` holds; a compound is one word,
        held through any of its forms (« e-CPS »: ecps, e, cps), weighing as its rarest form.

        # question "durée session e-CPS"  ->  words [{dur: 2.1}, {session: 1.4}, {ecps: 3.0, e: 0.2, cps: 2.5}]
        # a sentence holding "session" and "cps" -> (1.4 + 2.5) / (2.1 + 1.4 + 3.0)
        """
        words = [analyzer.terms_of([token]) for token in analyzer.tokens(query.text)]
        weights = [{term: self._idf(term) for term in forms} for forms in words if forms]
        total = sum(max(forms.values()) for forms in weights) or 1.0
        starts, ends = self.term_offsets[rows], self.term_offsets[rows + 1]
        held_ids = np.concatenate(
            [self.term_ids[start:end] for start, end in zip(starts, ends, strict=True)] or [_NONE]
        )
        owners = np.repeat(np.arange(rows.size), ends - starts)
        held = np.zeros((rows.size, len(weights)))
        for word, forms in enumerate(weights):
            for term, weight in forms.items():
                column = self.vocabulary.get(term)
                if column is not None:
                    holders = owners[held_ids == column]
                    held[holders, word] = np.maximum(held[holders, word], weight)
        result: np.ndarray = held.sum(axis=1) / total
        return result

    def _idf(self, term: str) -> float:
        """Lucene's BM25 idf over the answers; a term no answer holds weighs as the rarest."""
        if self.terms is None:
            return 1.0
        size = self.terms.size
        column = self.terms.vocabulary.get(term)
        df = 0 if column is None else int(self.terms.matrix.indptr[column + 1] - self.terms.matrix.indptr[column])
        return math.log1p((size - df + 0.5) / (df + 0.5))


def _scaled(values: np.ndarray) -> np.ndarray:
    """# [0.2, 0.6, 0.4] -> [0.0, 1.0, 0.5] ; all equal -> all 0"""
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def _best_passages(bounds: list[tuple[int, int]], scores: np.ndarray, limit: int) -> list[Span]:
    """The passage with the most evidence, then the other answering sentences, best first, at most ``MAX_SPANS``.

    # scores [0.1, 1.0, 0.6, 0.0]  ->  evidence with carry [0.35, 1.175, 0.85, 0.15]
    #   ->  sentences 0 to 2 (0.35 + 1.175 + 0.85 - 2 × 0.2), the last one left out (0.15 < 0.2), then none
    """
    evidence = scores.astype(np.float64)
    evidence[1:] += CARRY * scores[:-1]
    evidence[:-1] += CARRY * scores[1:]
    first, last = _best_run(bounds, evidence, limit)
    others = [int(i) for i in np.argsort(-scores, kind="stable") if not first <= i <= last and scores[i] >= ANSWERING]
    passage = Span(bounds[first][0], bounds[last][1])
    return [passage, *(Span(*bounds[i]) for i in others[: MAX_SPANS - 1])]


def _best_run(bounds: list[tuple[int, int]], evidence: np.ndarray, limit: int) -> tuple[int, int]:
    """The first and last sentence of the run that maximises its evidence less ``SENTENCE_COST`` per sentence past
    its first, among runs at most ``limit`` characters long; of equal runs, the one ending first, then the shortest.

    Runs ending at ``last`` score ``gain[last + 1] - gain[first]`` (``gain``: cumulated evidence less the costs);
    the best first sentence of a run ending at ``last`` is the one with the least ``gain`` among those close
    enough, kept in a deque as ``last`` moves forward: linear in the sentences, however many an answer has.
    # evidence [0.1, 1.2, 0.9, 0.1]  ->  gain [0, -0.1, 0.9, 1.6, 1.5]  ->  (1, 2): 1.6 - (-0.1) + 0.2
    """
    gain = np.concatenate([[0.0], np.cumsum(evidence - SENTENCE_COST)])
    best, run = -math.inf, (0, 0)
    starts: deque[int] = deque()  # candidate first sentences, by increasing gain
    for last in range(len(bounds)):
        while starts and gain[starts[-1]] >= gain[last]:
            starts.pop()
        starts.append(last)
        while bounds[last][1] - bounds[starts[0]][0] > limit:  # the sentence alone always fits (split_sentences)
            starts.popleft()
        score = gain[last + 1] - gain[starts[0]] + SENTENCE_COST
        if score > best:
            best, run = score, (starts[0], last)
    return run


def build_sentence_index(
    documents: list[Document],
    embedder: Embedder | None,
    files: IndexFiles,
    analyzer: FrenchAnalyzer,
    *,
    passages: np.ndarray | None = None,
    terms: LexicalIndex | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SentenceIndex:
    """The sentences of every answer, their terms and their vectors, loaded from ``files`` when the same answers
    were split, analysed and encoded by the same code and model; ``passages`` (one row per document) serve
    one-sentence answers."""
    identity = embedder.identity if embedder is not None else "none"
    kind = f"sentences-{identity}"
    key = digest([code_version(), identity, *(f"{doc.id}\0{doc.answer}" for doc in documents)])
    rows = {doc.id: row for row, doc in enumerate(documents)}

    def index(arrays: dict[str, np.ndarray], vectors: np.ndarray | None) -> SentenceIndex:
        vocabulary = {str(term): column for column, term in enumerate(arrays["vocabulary"])}
        return SentenceIndex(
            documents, rows, arrays["offsets"], arrays["bounds"], vocabulary, arrays["term_offsets"],
            arrays["term_ids"], vectors, terms,
        )  # fmt: skip

    def saved() -> SentenceIndex | None:
        arrays = files.load_arrays(kind, key)
        vectors = files.load_array(f"{kind}-vectors", key) if embedder is not None else None
        if arrays is None or (embedder is not None and vectors is None):
            return None
        if {"offsets", "bounds", "vocabulary", "term_offsets", "term_ids"} - arrays.keys():
            return None
        if len(arrays["offsets"]) != len(documents) + 1 or len(arrays["term_offsets"]) != len(arrays["bounds"]) + 1:
            return None
        if vectors is not None and vectors.shape != (len(arrays["bounds"]), embedder.dim if embedder else 0):
            return None
        return index(arrays, vectors)

    def built() -> SentenceIndex:
        split = [split_sentences(doc.answer) for doc in documents]
        arrays = {**_sentence_arrays(split), **_sentence_terms(documents, split, analyzer)}
        files.save_arrays(kind, key, arrays)
        vectors = None
        if embedder is not None:
            vectors = _sentence_vectors(documents, split, embedder, files, passages, progress)
            files.save_array(f"{kind}-vectors", key, vectors)
        return index(arrays, vectors)

    return files.built_once(kind, saved, built)


def _sentence_arrays(split: list[list[tuple[int, int]]]) -> dict[str, np.ndarray]:
    """# [[(0, 4), (5, 25)], [(0, 80)]]  ->  offsets [0, 2, 3], bounds [[0, 4], [5, 25], [0, 80]]"""
    offsets = np.zeros(len(split) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(bounds) for bounds in split])
    bounds = np.array([pair for pairs in split for pair in pairs], dtype=np.int32).reshape(-1, 2)
    return {"offsets": offsets, "bounds": bounds}


def _sentence_terms(
    documents: list[Document], split: list[list[tuple[int, int]]], analyzer: FrenchAnalyzer
) -> dict[str, np.ndarray]:
    """Each sentence's distinct analysed terms, as ids into a vocabulary of them all (CSR-like arrays).

    # ["La session dure.", "Oui."]  ->  vocabulary ["session", "dur", "oui"], term_offsets [0, 2, 3], term_ids [0, 1, 2]
    """
    vocabulary: dict[str, int] = {}
    ids: list[int] = []
    term_offsets = [0]
    for doc, bounds in zip(documents, split, strict=True):
        for start, end in bounds:
            ids += sorted(
                {vocabulary.setdefault(term, len(vocabulary)) for term in analyzer.terms(doc.answer[start:end])}
            )
            term_offsets.append(len(ids))
    return {
        "vocabulary": np.asarray(list(vocabulary), dtype=str),
        "term_offsets": np.asarray(term_offsets, dtype=np.int64),
        "term_ids": np.asarray(ids, dtype=np.int32),
    }


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
