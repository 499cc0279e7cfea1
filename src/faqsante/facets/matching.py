"""Accent-insensitive phrase matching: how taxonomy aliases and keywords are found in an entry's text.

# "Les éditeurs de l’e-CPS" folds to "les editeurs de l e cps" (and, case kept, "Les editeurs de l e CPS")
# the alias "e-CPS" folds to "e cps" and matches it; "éditeur" also matches "éditeurs" (plural -s/-x/-es);
# "financ*" matches "financement", "financés"…; a short acronym in capitals ("MES", "INS") must stay in capitals,
# so that "mes documents" is not Mon espace santé; "=Convergence" keeps its capital too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from faqsante.text import fold_words, is_acronym

WILDCARD = "zzwildcardzz"  # stands for "*" while an alias goes through fold_words(), which drops punctuation
ACRONYM_MAX_LETTERS = 4
EXACT_CASE = "="  # prefix of a phrase that must match with its capitals
PLURAL_MIN_LENGTH = 3  # "de", "e" (of "e-CPS") take no plural ending


def plain(phrase: str) -> str:
    """A phrase as people write it, without the matching marks: "=Convergence" -> "Convergence", "financ*" -> "financ"."""
    return phrase.removeprefix(EXACT_CASE).replace("*", "")


def is_short_acronym(phrase: str) -> bool:
    """ "MES", "INS", "SONS", "HL7": short, in capitals; "CI-SIS" or "HOP'EN" are long enough to be safe."""
    return is_acronym(phrase) and sum(c.isalpha() for c in phrase) <= ACRONYM_MAX_LETTERS


def phrase_pattern(phrase: str) -> tuple[str, bool]:
    """The regex source of one alias and whether it matches case-sensitively.

    Case counts for short acronyms, and for a phrase written with a leading "=" (« =Convergence »: the
    platform, not « indicateurs de convergence »).
    """
    exact_case = phrase.startswith(EXACT_CASE)
    phrase = phrase.removeprefix(EXACT_CASE)
    acronym = is_short_acronym(phrase)
    tokens = fold_words(phrase.replace("*", WILDCARD), keep_case=acronym or exact_case).split()
    parts = []
    for token in tokens:
        if token.endswith(WILDCARD):
            parts.append(re.escape(token[: -len(WILDCARD)]) + r"\w*")
        else:
            plural = not acronym and len(token) >= PLURAL_MIN_LENGTH
            parts.append(re.escape(token) + ("(?:s|x|es)?" if plural else ""))
    return " ".join(parts), acronym or exact_case


@dataclass(frozen=True)
class FoldedText:
    """A text folded once, both ways, so that many phrase sets can be counted in it cheaply."""

    lower: str
    cased: str

    @classmethod
    def of(cls, text: str) -> FoldedText:
        return cls(lower=fold_words(text), cased=fold_words(text, keep_case=True))


class PhraseSet:
    """A set of phrases compiled into (at most) two regexes: case-insensitive words and exact-case acronyms."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = tuple(p for p in phrases if fold_words(plain(p)))
        words: list[str] = []
        acronyms: list[str] = []
        for phrase in self.phrases:
            pattern, acronym = phrase_pattern(phrase)
            (acronyms if acronym else words).append(pattern)
        self._words = _compile(words, r"a-z0-9")
        self._acronyms = _compile(acronyms, r"A-Za-z0-9")

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def count(self, text: FoldedText) -> int:
        """Non-overlapping occurrences of any phrase, the longest phrase winning where two overlap."""
        spans: list[tuple[int, int]] = []
        for pattern, folded in ((self._words, text.lower), (self._acronyms, text.cased)):
            if pattern is not None:
                spans.extend(match.span() for match in pattern.finditer(folded))
        found, end = 0, -1
        for start, stop in sorted(spans, key=lambda span: (span[0], span[0] - span[1])):
            if start >= end:
                found, end = found + 1, stop
        return found


def _compile(patterns: list[str], word_chars: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    alternatives = "|".join(sorted(set(patterns), key=len, reverse=True))
    return re.compile(rf"(?<![{word_chars}])(?:{alternatives})(?![{word_chars}])")
