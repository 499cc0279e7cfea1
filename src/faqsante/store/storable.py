"""One rule for every text that meets the database, whoever wrote it: an import, an editor, a visitor, a URL.

PostgreSQL refuses the NUL character in text, SQLite keeps it (and a backup of it then fails to restore into
PostgreSQL); a lone surrogate (half of a UTF-16 pair) has no UTF-8 form, so neither driver can send it. Every
text column of the models is a ``StoredString`` or a ``StoredText``: the value is checked as it is bound, in a
write or in a lookup, and refused with the same French error on both engines (#19.5):

    Entry(answer="Réponse\\x00")       flush  -> UnstorableText « … caractère NUL U+0000 à la position 8 »
    session.get(Entry, "a\\x00b")       select -> UnstorableText (the web answers 404 for an id in the path)
    Entry.answer.contains("\\ud800")   select -> UnstorableText (400)
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DontWrapMixin

from faqsante.errors import InvalidInput

UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def unstorable(value: str, label: str) -> str | None:
    """Why ``value`` cannot be stored (in French, naming ``label``), or None when it can."""
    bad = UNSTORABLE.search(value)
    if bad is None:
        return None
    char = bad.group()
    kind = "caractère NUL" if char == "\x00" else "demi-paire de substitution UTF-16 (texte mal encodé)"
    return f"{label} contient un caractère interdit : {kind} U+{ord(char):04X} à la position {bad.start() + 1}"


class UnstorableText(InvalidInput, DontWrapMixin):
    """A text neither database can hold as it is; raised as is out of SQLAlchemy (``DontWrapMixin``)."""


def _checked(value: Any) -> Any:
    problem = unstorable(value, "Le texte envoyé") if isinstance(value, str) else None
    if problem:
        raise UnstorableText(f"{problem} : retirez-le puis réessayez.")
    return value


class StoredString(TypeDecorator[str]):
    """``String(n)`` holding only what both databases store identically."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return _checked(value)


class StoredText(TypeDecorator[str]):
    """``Text`` holding only what both databases store identically."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return _checked(value)
