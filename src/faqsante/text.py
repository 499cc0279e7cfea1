"""Text normalisation shared by ingest, search, tagging, content checks and analytics: one place, one rule each.

# normalize("L’INS\u00a0")            -> "L'INS "           NFKC, straight apostrophes
# fold("Téléconsultation")            -> "teleconsultation" lower case, no accents or ligatures (one word)
# fold_words("l’e-CPS", keep_case=True) -> "l e CPS"        also no punctuation: phrase matching
# fold_for_comparison("L’INS  est")   -> "l'ins est"        what makes two texts "the same" (content hash)
# column_key(" Type offre ")          -> "type_offre"       names of columns, facets and statuses as typed
# is_acronym("MES") -> True; is_acronym("Mes") -> False     written in capitals
# short_enough_question("x" * 501)  -> InvalidInput « La question est trop longue (501 caractères, 500 au plus) … »
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.errors import InvalidInput

APOSTROPHES = re.compile("[’‘ʼ´`]")  # a regex scan, not str.translate: a dict table costs a lookup per character
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
NON_WORD = re.compile(r"[^0-9A-Za-z]+")
KEY_SEPARATORS = re.compile(r"[\s-]+")


def normalize(text: str) -> str:
    """NFKC and straight apostrophes: what every other step expects."""
    return APOSTROPHES.sub("'", unicodedata.normalize("NFKC", text))


def strip_accents(text: str) -> str:
    """Without accents or ligatures, case kept: "Œuvre éditée" -> "OEuvre editee"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without accents or ligatures: "Téléconsultation" -> "teleconsultation", "œuvre" -> "oeuvre"."""
    return strip_accents(word.lower())


def fold_words(text: str, *, keep_case: bool = False) -> str:
    """Without accents, ligatures or punctuation, one space between words; lower case unless ``keep_case``."""
    text = NON_WORD.sub(" ", strip_accents(text)).strip()
    return text if keep_case else text.lower()


def fold_for_comparison(text: str) -> str:
    """Compare texts the way a reader would: NFKC, straight apostrophes, collapsed spaces, lower case.

    # "L’INS  est\u00a0composée"  becomes  "l'ins est composée"
    """
    return " ".join(normalize(text).split()).lower()


def column_key(name: str) -> str:
    """Names as people type them in a header or a filter.

    # " Réponse "  becomes  "reponse";  "Type offre"  becomes  "type_offre";  "Archivé"  becomes  "archive"
    """
    return KEY_SEPARATORS.sub("_", fold(name.strip()))


def is_acronym(word: str) -> bool:
    """Written in capitals, two letters or more: "MES", "INS", "HL7", "CI-SIS"; not "Mes", "INSi", "e-CPS"."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def short_enough_question(text: str, error: type[InvalidInput] = InvalidInput) -> str:
    """``text``, unless longer than any question (searched, submitted or kept as an entry's) may be."""
    if len(text) > MAX_QUESTION_LENGTH:
        raise error(
            f"La question est trop longue ({len(text)} caractères, {MAX_QUESTION_LENGTH} au plus) : "
            "reformulez-la plus brièvement.",
            "question",
        )
    return text
