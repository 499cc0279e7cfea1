"""The exceptions users can catch, from the most general to the most specific.

Messages are in French: they reach end users and support teams unchanged.
"""

from __future__ import annotations

from pathlib import Path


class FaqsanteError(Exception):
    """Base class of every error faqsante raises on purpose."""


class IngestError(FaqsanteError):
    """A source could not be parsed; nothing from the run was written."""

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}, ligne {line}" if line else self.path
        super().__init__(f"{where} : {message}")


class NotFound(FaqsanteError):
    """An entry, question or user that does not exist."""


class InvalidQuery(FaqsanteError):
    """A question that cannot be searched (empty, too long)."""
