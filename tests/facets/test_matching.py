"""Alias matching: accents and case ignored, plurals and wildcards accepted, short acronyms kept in capitals."""

import pytest

from faqsante.facets.matching import FoldedText, PhraseSet


def count(phrases: list[str], text: str) -> int:
    return PhraseSet(phrases).count(FoldedText.of(text))


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("téléconsultation", "TELECONSULTATIONS en ville", 1),  # accents, case, plural
        ("e-CPS", "l'application e CPS, l’e-CPS", 2),  # hyphen, space, apostrophe
        ("financ*", "financement, financés, financer", 3),  # wildcard
        ("éditeur", "les éditeurs de logiciels", 1),
        ("DMP", "un DMP, des DMPs, le dmp", 1),  # acronym: capitals only, no plural
        ("MES", "mes documents dans MES", 1),  # the pronoun is not Mon espace santé
        ("INS", "INSEE, INSi, l'INS", 1),  # whole words only
        ("=Convergence", "la plateforme Convergence et des indicateurs de convergence", 1),  # exact case
    ],
)
def test_phrase_matching(phrase: str, text: str, expected: int) -> None:
    assert count([phrase], text) == expected


def test_longest_phrase_wins_at_a_position() -> None:
    assert count(["MSS", "MSS Pro"], "le flux MSS Pro") == 1


def test_empty_phrase_set_matches_nothing() -> None:
    phrases = PhraseSet(["", "  "])
    assert not phrases
    assert phrases.count(FoldedText.of("n'importe quoi")) == 0
