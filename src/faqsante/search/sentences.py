"""Sentences of an answer: where they start and end, so a result can point at the one that answers.

# "Oui. La session dure 4 h, cf. art. 3.\\n- puis saisissez le code"
#   ->  [(0, 4), (5, 37), (40, 63)]          "Oui." · "La session dure 4 h, cf. art. 3." · "puis saisissez le code"

Offsets index the answer as stored (Python code points), so every channel can cut or mark the same text.
Rules, in order: a line is never part of two sentences (imported answers break lines between paragraphs and
list items); a list marker (« - », « • », « 1. ») is not part of its item; inside a line, a sentence ends
after « . ! ? … » (closing quotes or brackets included) followed by a space and a capital, a digit or an
opening quote, unless the word before the period is an abbreviation (« M. », « cf. », « p. ex. ») or an
initial. Periods inside a word never end anything: « 1.5 », « esante.gouv.fr/x.html », « ETHT.01 ».
A sentence longer than a passage is cut at its clauses (« ; », « : », « , ») or, failing that, between words.
"""

from __future__ import annotations

import re

# A span is a passage, not the whole answer: at most this many characters, or half the answer when longer.
PASSAGE_CHARACTERS = 240

_MARKER = re.compile(r"[ \t]*(?:[-•*–]|\d{1,3}[.)])[ \t]+")
# The end of a sentence: the punctuation, what closes after it, then the space before the next one.
_END = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[\"»”’)\]])*(?=\s+[«\"“(\[]?[A-ZÀ-ÖØ-Þ0-9])")
_ABBREVIATION_BEFORE = re.compile(r"(?:^|[\s(«\"'’])(?P<word>[^\W\d_]{1,5})\.$")
ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle dr pr me st ste cf ex p pp art al env vol no n° fig éd ed réf ref av bd bld tél tel "
    "min max approx ann chap hab nb ps vs".split()
)
_CLAUSE = re.compile(r"[;:,](?=\s)")


def passage_limit(answer_length: int) -> int:
    """The longest span of an answer: # 1,000 characters -> 500 ; 300 -> 240"""
    return max(PASSAGE_CHARACTERS, answer_length // 2)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, in order, none empty, none longer than ``passage_limit``."""
    limit = passage_limit(len(text))
    bounds: list[tuple[int, int]] = []
    position = 0
    for line in text.splitlines(keepends=True):
        start, end = position, position + len(line.rstrip("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"))
        position += len(line)
        marker = _MARKER.match(text, start, end)
        if marker is not None and marker.end() < end:
            start = marker.end()
        for first, last in _line_sentences(text, start, end):
            bounds.extend(_cut(text, first, last, limit))
    return bounds


def _line_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of one line, ``text[start:end]``."""
    ends: list[int] = []
    begin = start
    for match in _END.finditer(text, start, end):
        if match.group().startswith(".") and _abbreviated(text[begin : match.start() + 1]):
            continue
        ends.append(match.end())
        begin = match.end()
    pieces = (_stripped(text, first, last) for first, last in zip([start, *ends], [*ends, end], strict=True))
    return [piece for piece in pieces if piece is not None]


def _abbreviated(before: str) -> bool:
    """Does this stretch end on an abbreviation's period? # "voir cf." -> True ; "le 4 h." -> False"""
    match = _ABBREVIATION_BEFORE.search(before)
    if match is None:
        return False
    word = match.group("word")
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The range without its surrounding spaces; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """A sentence longer than ``limit`` cut at its last clause mark that fits, else at its last space that fits."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        window = text[start : start + limit]
        clauses = [match.end() for match in _CLAUSE.finditer(window) if match.end() > limit // 3]
        spaces = [index for index, char in enumerate(window) if char.isspace() and index > limit // 3]
        cut = start + (clauses[-1] if clauses else spaces[-1] if spaces else limit)
        piece = _stripped(text, start, cut)
        if piece is not None:
            pieces.append(piece)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    piece = _stripped(text, start, end)
    if piece is not None:
        pieces.append(piece)
    return pieces
