"""Retrievers: each scores every document for a query and names the score arrays it gives.

Adding a retriever is one module with a ``build(context) -> Retriever | None`` function and one line in ``BUILDERS``:

# lexical.build    ->  {"answer_bm25": (documents,)}
# dense.build      ->  {"answer_cosine": (documents,)}                 (nothing without an embedder)
# questions.build  ->  {"question_bm25": …, "question_cosine": …}       (nothing while no entry has a question)
"""

from faqsante.search.retrievers import dense, lexical, questions
from faqsante.search.retrievers.base import BuildContext, Builder, Retriever

BUILDERS: list[Builder] = [lexical.build, dense.build, questions.build]

__all__ = ["BUILDERS", "BuildContext", "Builder", "Retriever"]
