"""French dates and periods in running text, each with the last day it covers.

# "d'ici la fin de l'année 2022"   ->  Period("fin de l'année 2022", end=2022-12-31)
# "à partir d'août 2021"           ->  Period("août 2021", end=2021-08-31)
# "d'ici le 30 décembre 2021"      ->  Period("30 décembre 2021", end=2021-12-30)
# "mi 2022"                        ->  Period("mi 2022", end=2022-07-31)
# "décret n° 2016-46", "2017/745"  ->  nothing (numbers, not years)

The end of a period is what tells whether a promise ("seront disponibles à partir de …") is already past.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from faqsante.text import fold, normalize

MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}  # fmt: skip
# Seasons and parts of a year, as the months they end on.
PARTS_OF_YEAR = {
    "debut": 3, "mi": 7, "milieu": 7, "fin": 12, "courant": 12,
    "printemps": 6, "ete": 9, "rentree": 10, "automne": 12, "hiver": 12,
}  # fmt: skip
ORDINAL = r"(1er|1re|premier|premiere|[1-4]\s*(?:e|eme|ème|è|nd|nde)|second|seconde|deuxieme|troisieme|quatrieme)"

_MONTH = r"(janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)"
_YEAR = r"(20\d\d)(?![\d/-]|\s*-\s*\d)"  # "2016-46" and "2017/745" are references, not years
_PART = r"(debut|mi|milieu|fin|courant|printemps|ete|rentree|automne|hiver)"


@dataclass(frozen=True)
class Period:
    """A date or period found in a text: its words as written, where they start, and its last day."""

    text: str
    start: int
    end_date: date


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _ordinal(word: str) -> int:
    digits = re.match(r"\d", word)
    if digits:
        return int(digits.group())
    return {"premier": 1, "premiere": 1, "second": 2, "seconde": 2, "deuxieme": 2, "troisieme": 3}.get(word, 4)


# Most specific first: a span taken by one pattern is not read again by the next.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], date]]] = [
    (
        re.compile(rf"\b(\d{{1,2}})(?:er)?\s+{_MONTH}\s+{_YEAR}"),
        lambda m: date(int(m[3]), MONTHS[m[2]], min(int(m[1]), calendar.monthrange(int(m[3]), MONTHS[m[2]])[1])),
    ),
    (re.compile(rf"\b{_MONTH}\s+{_YEAR}"), lambda m: _last_day(int(m[2]), MONTHS[m[1]])),
    (
        re.compile(rf"\b{ORDINAL}\s+semestre\s+(?:de\s+l'annee\s+)?{_YEAR}"),
        lambda m: _last_day(int(m[2]), 6 * min(_ordinal(m[1]), 2)),
    ),
    (
        re.compile(rf"\b{ORDINAL}\s+trimestre\s+(?:de\s+l'annee\s+)?{_YEAR}"),
        lambda m: _last_day(int(m[2]), 3 * min(_ordinal(m[1]), 4)),
    ),
    (
        re.compile(rf"\b{_PART}[\s-]+(?:de\s+l'annee\s+|d'annee\s+|de\s+l'an\s+)?{_YEAR}"),
        lambda m: _last_day(int(m[2]), PARTS_OF_YEAR[m[1]]),
    ),
    (re.compile(rf"(?<![\d/.°-]){_YEAR}"), lambda m: date(int(m[1]), 12, 31)),
]


def fold_text(text: str) -> str:
    """Lower case, no accents, straight apostrophes; same length as ``normalize(text)`` for French prose."""
    return fold(normalize(text))


def find_periods(text: str) -> list[Period]:
    """Every date or period of ``text``, in reading order (offsets refer to ``normalize(text)``)."""
    shown = normalize(text)
    folded = fold(shown)
    if len(folded) != len(shown):  # a ligature or rare letter changed length: quote the folded text instead
        shown = folded
    taken: list[tuple[int, int]] = []
    periods: list[Period] = []
    for pattern, last_day in _PATTERNS:
        for match in pattern.finditer(folded):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            try:
                end_date = last_day(match)
            except ValueError:  # "31 février": not a date
                continue
            taken.append(match.span())
            periods.append(Period(shown[match.start() : match.end()], match.start(), end_date))
    return sorted(periods, key=lambda period: period.start)
