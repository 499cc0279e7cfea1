"""The query-log row behind a results page, named in its links so that only the visitor who searched can use it.

A result link carries ``?from=<row id>.<tag>`` (the live search sends it back as ``&suite=``), the tag a keyed
hash of the row id and the visitor's id (``web/visitor.py``):

    # QueryLinks(secret, visitor).token(12)                       -> "12.3f9a0c…" (32 hex digits)
    # QueryLinks(secret, visitor).own("12.3f9a0c…")               -> 12
    # QueryLinks(secret, someone_else).own("12.3f9a0c…")          -> None
    # own("12"), own("13.3f9a0c…"), own("x"), own(None)           -> None

A shared, copied or guessed link therefore neither shows another visitor's question (« Retour aux résultats
pour … ») nor counts a click on it, and a live search never refines someone else's row (#19.3).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from faqsante.web.deps import app_secret, get_visitor

MAX_TOKEN_LENGTH = 64  # "2147483647." + 32 hex digits, with room to spare


@dataclass(frozen=True)
class QueryLinks:
    secret: str
    visitor: str

    def token(self, query_id: int) -> str:
        return f"{query_id}.{self._tag(str(query_id))}"

    def own(self, token: str | None) -> int | None:
        """The row id ``token`` names, if this visitor's search wrote it; None for anything else."""
        row, _, tag = (token or "").partition(".")
        if not (row.isascii() and row.isdigit()) or not hmac.compare_digest(tag.encode(), self._tag(row).encode()):
            return None
        return int(row)

    def _tag(self, row: str) -> str:
        message = f"query-log:{row}:{self.visitor}".encode()
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def query_links(request: Request) -> QueryLinks:
    return QueryLinks(app_secret(request), get_visitor(request))


QueryLinksDep = Annotated[QueryLinks, Depends(query_links)]
