"""Question to question: the visitor's words against every question an entry is known to answer.

An entry's evidence is its best-matching question, lexically and densely; entries without any question
get no evidence (NaN), which the fuser reads as "nothing to add", not as a bad match:

# questions [("e1", "Comment activer ma e-CPS ?"), ("e1", "activation e-CPS"), ("e7", "Prix de la CPS")]
# "activer e-cps"  ->  question_bm25 [e1: 4.1 (best of two), e7: 0.9, others: NaN]
"""

from __future__ import annotations

import numpy as np

from faqsante.search.dense import DenseIndex, question_vectors
from faqsante.search.features import QUESTION_BM25, QUESTION_COSINE, Feature, Scores
from faqsante.search.lexical import LexicalIndex
from faqsante.search.query import Query
from faqsante.search.retrievers.base import BuildContext
from faqsante.search.retrievers.lexical import analysed_index


class QuestionRetriever:
    features: tuple[Feature, ...] = (QUESTION_BM25, QUESTION_COSINE)

    def __init__(
        self, owners: np.ndarray, texts: list[str], size: int, lexical: LexicalIndex, dense: DenseIndex | None
    ) -> None:
        self.owners = owners  # document row of each question
        self._rows_of: dict[str, list[int]] = {}  # question text -> its rows (several entries may share it)
        for row, text in enumerate(texts):
            self._rows_of.setdefault(text, []).append(row)
        self.size = size
        self.lexical = lexical
        self.dense = dense
        # which questions hold each term (the BM25 columns, rows in order) and how many terms each question has
        self._holders = lexical.matrix if lexical.matrix.has_sorted_indices else lexical.matrix.sorted_indices()
        self._term_counts = np.bincount(self._holders.indices, minlength=len(owners))
        if dense is None:
            self.features = (QUESTION_BM25,)

    def score(self, query: Query, exclude: frozenset[str] = frozenset()) -> Scores:
        skipped = None
        if exclude:
            skipped = np.zeros(len(self.owners), dtype=bool)
            skipped[[row for text in exclude for row in self._rows_of.get(text, [])]] = True
        scores = {QUESTION_BM25: self._best(self.lexical.scores(query.searched), skipped)}
        if self.dense is not None and query.vector is not None:
            scores[QUESTION_COSINE] = self._best(self.dense.scores(query.vector), skipped)
        return scores

    def asked_before(self, query: Query) -> list[int]:
        """Documents owning a question with exactly the words of this one (accents, case, word order aside):
        the questions holding every term of the query (its BM25 columns) and no other."""
        columns = {self.lexical.vocabulary.get(term, -1) for term in query.terms}
        if -1 in columns or not columns:  # a word no accepted question has; no words at all is never a match
            return []
        holders = self._holders
        holding = sorted((holders.indices[holders.indptr[c] : holders.indptr[c + 1]] for c in columns), key=len)
        rows = holding[0][self._term_counts[holding[0]] == len(columns)]  # the rarest term's, with no other term
        for others in holding[1:]:
            found = np.minimum(np.searchsorted(others, rows), len(others) - 1)
            rows = rows[others[found] == rows]
        return [int(owner) for owner in self.owners[rows]]

    def _best(self, per_question: np.ndarray, skipped: np.ndarray | None) -> np.ndarray:
        """The best question's score per document; NaN for documents without a (non-skipped) question."""
        values = per_question if skipped is None else np.where(skipped, -np.inf, per_question)
        best = np.full(self.size, -np.inf, dtype=values.dtype)  # float32: the maximum is exact, half the bytes
        np.maximum.at(best, self.owners, values)
        return np.where(np.isfinite(best), best.astype(np.float64), np.nan)


def build(context: BuildContext) -> QuestionRetriever | None:
    rows = {doc.id: row for row, doc in enumerate(context.documents)}
    pairs = [(rows[entry_id], text) for entry_id, text in context.questions if entry_id in rows]
    if not pairs:
        return None
    owners = np.array([row for row, _ in pairs], dtype=np.int64)
    texts = [text for _, text in pairs]
    lexical = analysed_index("lexical-questions", texts, context.analyzer, context.files, context.settings)
    dense = None
    if context.embedder is not None:
        dense = DenseIndex(question_vectors(texts, context.embedder, context.files.directory, context.progress))
    return QuestionRetriever(owners, texts, len(context.documents), lexical, dense)
