"""faqsante: an FAQ knowledge base and question-answering service for French e-health support desks.

The public surface is small: open a database, import sources, ask questions, catch the errors.
# from faqsante import Faqsante
# faq = Faqsante.open("sqlite:///var/faqsante.db")
# faq.import_sources([Path("data/sample")])
# answer, _ = faq.ask("Comment activer ma e-CPS ?", channel="python")
Everything else is internal and may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faqsante.errors import (
    BackupError,
    EditConflict,
    FaqsanteError,
    IngestError,
    InvalidInput,
    InvalidQuery,
    NotFound,
)

if TYPE_CHECKING:
    from faqsante.mail.smtp import DeliveryError
    from faqsante.service import Faqsante

__all__ = [
    "BackupError",
    "DeliveryError",
    "EditConflict",
    "Faqsante",
    "FaqsanteError",
    "IngestError",
    "InvalidInput",
    "InvalidQuery",
    "NotFound",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``Faqsante`` and ``DeliveryError`` load on first use: ``import faqsante.cli`` stays quick (no numpy, no
    model) for the commands that do not search."""
    if name == "Faqsante":
        from faqsante.service import Faqsante

        return Faqsante
    if name == "DeliveryError":
        from faqsante.mail.smtp import DeliveryError

        return DeliveryError
    raise AttributeError(f"module 'faqsante' has no attribute {name!r}")
