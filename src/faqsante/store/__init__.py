"""Storage: the database is the single source of truth; everything else is derived from it."""

from faqsante.store.db import Database

__all__ = ["Database"]
