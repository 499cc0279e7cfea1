"""What a retriever is and what it is built from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.corpus import Document
from faqsante.search.embedders import Embedder
from faqsante.search.features import Feature, Scores
from faqsante.search.index_files import IndexFiles
from faqsante.search.query import Query
from faqsante.search.settings import SearchSettings
from faqsante.store import Database


class Retriever(Protocol):
    """Scores every document of the corpus (one float per document, in corpus order) for a query."""

    features: tuple[Feature, ...]  # the arrays ``score`` returns

    def score(self, query: Query, exclude: frozenset[str] = frozenset()) -> Scores:
        """``exclude``: texts to ignore (a question scored against an index that holds it: calibration)."""
        ...


@dataclass(frozen=True)
class BuildContext:
    """What a retriever may be built from."""

    db: Database
    documents: list[Document]
    questions: list[tuple[str, str]]  # (entry id, question text): main and accepted alternate questions
    analyzer: FrenchAnalyzer
    embedder: Embedder | None
    files: IndexFiles
    settings: SearchSettings
    progress: Callable[[int, int], None] | None = None


Builder = Callable[[BuildContext], "Retriever | None"]
