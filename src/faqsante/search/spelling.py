"""Typo tolerance: a question word the corpus never uses is matched to the closest word it does use.

# "referencment" -> "referencement", "teleconsulation" -> "teleconsultation"
Works on folded surface words (accents are already forgiven by folding), before stemming.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

MIN_LENGTH = 6  # shorter words are too ambiguous to correct: "veut" is no typo of "peut"


class Speller:
    def __init__(self, words: Iterable[str]) -> None:
        counts = Counter(words)
        # Most frequent first, so that among equally close words the common one wins.
        self._vocabulary = [word for word, _ in counts.most_common()]
        self._known = set(self._vocabulary)
        self._rank = {word: rank for rank, word in enumerate(self._vocabulary)}
        self._by_length: dict[int, list[str]] = {}
        for word in self._vocabulary:
            self._by_length.setdefault(len(word), []).append(word)

    def correct(self, word: str) -> str | None:
        """The closest known word within 1 edit (2 for words of 10 letters or more), or None."""
        if word in self._known or len(word) < MIN_LENGTH or not word.isalpha():
            return None
        budget = 1 if len(word) < 10 else 2
        best: tuple[int, int, str] | None = None  # (distance, frequency rank, word)
        for length in range(len(word) - budget, len(word) + budget + 1):
            # Each length's list is most frequent first, and extractOne keeps the first of equal matches.
            match = process.extractOne(
                word, self._by_length.get(length, ()), scorer=Levenshtein.distance, score_cutoff=budget
            )
            if match and (best is None or (match[1], self._rank[match[0]]) < best[:2]):
                best = (match[1], self._rank[match[0]], match[0])
        return best[2] if best else None
