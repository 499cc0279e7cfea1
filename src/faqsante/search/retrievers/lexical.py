"""BM25 over what a reader sees of each entry (heading, question, answer), with the French analyzer.

Plain on purpose: expansion by the whole glossary, spelling correction and concept weights measured flat or
harmful on questions written by other people (5-fold cross-validation, see ``faqsante eval --folds``); only
the editors' glossary entries widen a question (``Query.searched``, ``search.expansion``).
"""

from __future__ import annotations

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.features import ANSWER_BM25, Feature, Scores
from faqsante.search.index_files import IndexFiles, code_version, digest
from faqsante.search.lexical import LexicalIndex
from faqsante.search.query import Query
from faqsante.search.retrievers.base import BuildContext
from faqsante.search.settings import SearchSettings


def analysed_index(
    kind: str, texts: list[str], analyzer: FrenchAnalyzer, files: IndexFiles, settings: SearchSettings
) -> LexicalIndex:
    """The BM25 index of texts, loaded from ``index_dir`` when the same texts were analysed by the same code."""
    key = digest([code_version(), f"{settings.bm25_k1}:{settings.bm25_b}", *texts])

    def analysed() -> LexicalIndex:
        index = LexicalIndex.build([analyzer.terms(text) for text in texts], k1=settings.bm25_k1, b=settings.bm25_b)
        files.save_arrays(kind, key, index.to_arrays())
        return index

    return files.built_once(kind, lambda: _saved_index(files, kind, key), analysed)


def _saved_index(files: IndexFiles, kind: str, key: str) -> LexicalIndex | None:
    saved = files.load_arrays(kind, key)
    if saved is None:
        return None
    try:
        return LexicalIndex.from_arrays(saved)
    except (KeyError, ValueError, IndexError):
        return None  # a damaged file: analysed again


class LexicalRetriever:
    features: tuple[Feature, ...] = (ANSWER_BM25,)

    def __init__(self, index: LexicalIndex) -> None:
        self.index = index

    def score(self, query: Query, exclude: frozenset[str] = frozenset()) -> Scores:
        return {ANSWER_BM25: self.index.scores(query.searched)}


def build(context: BuildContext) -> LexicalRetriever:
    texts = [doc.text for doc in context.documents]
    return LexicalRetriever(analysed_index("lexical-answers", texts, context.analyzer, context.files, context.settings))
