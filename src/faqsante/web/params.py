"""Bounds on what a request may carry, checked before any query runs: the same answer on SQLite and PostgreSQL.

# /reponses/x?from=2147483648   -> 422 « from : doit valoir au plus 2147483647 »  (PostgreSQL INTEGER ends there)
# /?q=carte&suite=1e20 digits   -> 422, not SQLite's OverflowError (its INTEGER ends at 2**63 - 1)
# /admin/analytics?au=9999-12-31 -> 422 « au : doit valoir au plus 2999-12-31 »  (not the OverflowError of the day after)
# {"question": "a\\ud800"}      -> 422 « contient un caractère invalide » (half of a UTF-16 pair: no database stores it)
Every integer a route takes is a ``RowId`` or a ``PageNumber`` (or has a tighter bound of its own):
tests/web/test_params.py walks the routes to keep it so.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from annotated_types import Ge, Le
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

MAX_ROW_ID = 2**31 - 1  # PostgreSQL INTEGER, the narrowest id column of the two databases
MAX_PAGE = 100_000  # (page - 1) * page size stays far inside both databases' OFFSET

RowId = Annotated[int, Ge(1), Le(MAX_ROW_ID)]
PageNumber = Annotated[int, Ge(1), Le(MAX_PAGE)]
# Reports reach days before and after the ones asked (date.max + 1 day overflows): far inside both ends.
Day = Annotated[date, Ge(date(1900, 1, 1)), Le(date(2999, 12, 31))]

_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    """JSON's ``"\\ud800"`` escape decodes to a lone surrogate, which UTF-8 cannot encode (URLs and forms cannot carry one)."""
    found = _SURROGATE.search(text)
    if found:
        raise PydanticCustomError("lone_surrogate", "lone surrogate U+{code}", {"code": f"{ord(found.group()):04X}"})
    return text


Text = Annotated[str, AfterValidator(_encodable)]
