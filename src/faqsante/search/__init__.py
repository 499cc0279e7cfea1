"""Search: French analysis, glossary expansion, lexical and dense retrieval, fusion and abstention.

>>> engine = SearchEngine(db, settings)
>>> engine.ask("Comment activer ma e-CPS ?").to_dict()
"""

from faqsante.search.engine import SearchEngine
from faqsante.search.results import AskResult, Hit

__all__ = ["AskResult", "Hit", "SearchEngine"]
