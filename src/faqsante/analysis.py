"""French text analysis: the same pipeline turns answers and questions into comparable index terms.

# "L’e-CPS s'active-t-elle via l'appli ?"  becomes  ["ecps", "e", "cps", "activ", "appli"]

Steps: NFKC, typographic apostrophes, elision, tokens that keep codes whole ("ETHT.01", "3422",
"e-CPS" also as "ecps"), case and accent folding, stop words, Snowball French stemming.
Accents are folded *before* stemming so that a question typed without accents ("referencement")
meets the accented answer ("référencement") on the same stem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer

from faqsante.text import fold, is_acronym, normalize

STOPWORDS_FILE = Path(__file__).with_name("stopwords_fr.txt")

ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu)'", re.IGNORECASE)
# A token is a run of letters/digits, possibly joined by . - / _ inside: "ETHT.01", "SUN-ES", "3422".
TOKEN = re.compile(r"\w+(?:[.\-/_]\w+)*")
JOINERS = re.compile(r"[.\-/_]")
# Inverted subject pronouns are grammar, not compounds: "active-t-elle", "peut-on", "est-ce".
INVERSION = re.compile(r"-(?:t-)?(?:il|elle|on|ils|elles|je|tu|nous|vous|ce|moi|toi|y|en)\b", re.IGNORECASE)


def load_stopwords(path: Path = STOPWORDS_FILE) -> frozenset[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(fold(line) for line in lines if line)


@dataclass(frozen=True)
class Token:
    """One surface word, folded; whether it was written as an acronym ("MES", "INS"); a compound's parts."""

    text: str
    acronym: bool
    parts: tuple[Token, ...] = ()


class FrenchAnalyzer:
    """Stateless apart from the stemmer's cache; safe to share between threads."""

    def __init__(self, stopwords: frozenset[str] | None = None) -> None:
        self.stopwords = load_stopwords() if stopwords is None else stopwords

    def tokens(self, text: str) -> list[Token]:
        """Folded surface words; a compound is one token carrying its parts.

        # "l'e-CPS et SUN-ES"  ->  ecps(parts: e, cps), et, sunes(parts: sun, es)
        """
        text = INVERSION.sub(" ", ELISION.sub(" ", normalize(text)))
        return [token_of(raw) for raw in TOKEN.findall(text)]

    def keep(self, token: Token) -> bool:
        """Stop words go, unless written as an acronym: "mes" (my) goes, "MES" (Mon espace santé) stays."""
        return token.acronym or token.text not in self.stopwords

    def terms(self, text: str) -> list[str]:
        """Index terms of a text, what BM25 counts: a compound gives its joined form and its parts."""
        return self.terms_of(self.tokens(text))

    def terms_of(self, tokens: list[Token]) -> list[str]:
        return [stem(t.text) for token in tokens for t in (token, *token.parts) if self.keep(t)]

    def content_words(self, text: str) -> str:
        """The words of a text that are not stop words, as written (a model reads accents and case).

        # "Comment je fais pour activer ma e-CPS ?"  ->  "activer e-CPS"
        """
        text = INVERSION.sub(" ", ELISION.sub(" ", normalize(text)))
        words = (match.group() for match in TOKEN.finditer(text))
        return " ".join(w for w in words if self.keep(Token(fold(JOINERS.sub("", w)), is_acronym(w))))


@lru_cache(maxsize=200_000)
def token_of(raw: str) -> Token:
    """One surface word as written ("e-CPS"), folded: a word's tokens are computed once (analysis time halves)."""
    pieces = [p for p in JOINERS.split(raw) if p]
    parts = tuple(Token(fold(p), is_acronym(p)) for p in pieces) if len(pieces) > 1 else ()
    return Token(fold("".join(pieces)), is_acronym(raw), parts)


_STEMMER = Stemmer.Stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a folded word; codes and numbers ("3422", "etht01") stay as written."""
    if any(c.isdigit() for c in word):
        return word
    stem: str = _STEMMER.stemWord(word)
    return stem
