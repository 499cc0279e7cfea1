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


class InvalidInput(FaqsanteError):
    """Something a person typed that cannot be accepted as is (a malformed e-mail, an over-long comment).

    ``field`` names the input at fault, when there is one, so that a form can point at it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class InvalidQuery(InvalidInput):
    """A question that cannot be searched (empty, too long)."""


class EditConflict(FaqsanteError):
    """An editor saved over a version of an entry that someone else changed in the meantime."""


class BackupError(FaqsanteError):
    """A backup could not be written, read or restored; a failed restore changed nothing."""
