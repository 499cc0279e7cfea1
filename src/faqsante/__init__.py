"""faqsante: an FAQ knowledge base and question-answering service for French e-health support desks.

The public surface is small: open a database, ingest sources, ask questions.
"""

from faqsante.errors import FaqsanteError, IngestError, InvalidQuery, NotFound

__all__ = ["FaqsanteError", "IngestError", "InvalidQuery", "NotFound"]
__version__ = "0.1.0"
