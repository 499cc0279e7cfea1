"""E-health acronyms and their expansions: a curated file plus definitions found in the answers.

Shown by ``faqsante glossary`` and read by title suggestions. (Search no longer widens questions with
it: the expansion measured flat or harmful on questions written by other people.) Editors extend
``glossary.yaml``; the answers teach the rest:

# "l'identité nationale de santé (INS)"              ->  INS: identité nationale de santé
# "AMOA = Assistant à Maîtrise d'Ouvrage"             ->  AMOA: Assistant à Maîtrise d'Ouvrage
# "IHE PAM (Patient Administration Management)"      ->  PAM: Patient Administration Management
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from faqsante.search.corpus import Document, load_documents
from faqsante.store import Database
from faqsante.text import fold, normalize

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")

ACRONYM = r"[A-Z][A-Za-z0-9'’\-_]*[A-Z0-9][A-Za-z0-9]*"
# "long form (ACR)": the long form is read backwards from the parenthesis, at most 10 words.
LONG_THEN_ACRONYM = re.compile(r"((?:[\w'’\-]+\s+){0,9}[\w'’\-]+)\s*\((" + ACRONYM + r")\)")
# "ACR (long form)" and "ACR = long form" / "ACR : long form": up to the end of the clause.
ACRONYM_THEN_LONG = re.compile(r"\b(" + ACRONYM + r")\s*(?:\(([^()]{4,90})\)|[=:]\s*([^.;:()\n]{4,90}))")
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "a", "au", "aux", "pour", "sur", "of", "the"}


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    expansions: tuple[str, ...]
    definition: str | None = None
    origin: str = "curated"  # curated (glossary.yaml) | extracted (found in an answer)


def load_curated(path: Path = GLOSSARY_FILE) -> list[GlossaryEntry]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        GlossaryEntry(
            term=str(item["terme"]),
            expansions=tuple(str(form) for form in item.get("formes", [])),
            definition=item.get("definition"),
        )
        for item in items
    ]


def extract_definitions(texts: Iterable[str]) -> list[GlossaryEntry]:
    """Acronyms defined in running text, kept only when the letters fit the long form."""
    found: dict[str, dict[str, str]] = {}  # acronym -> folded long form -> long form as first written
    for text in texts:
        text = normalize(text)
        for match in LONG_THEN_ACRONYM.finditer(text):
            long_form = _long_form_for(match.group(2), match.group(1))
            if long_form:
                found.setdefault(match.group(2), {}).setdefault(fold(long_form), long_form)
        for match in ACRONYM_THEN_LONG.finditer(text):
            acronym, long_form = match.group(1), _without_elision((match.group(2) or match.group(3)).strip())
            if _initials_fit(acronym, long_form.split()):
                found.setdefault(acronym, {}).setdefault(fold(long_form), long_form)
    return [
        GlossaryEntry(term=term, expansions=tuple(sorted(forms.values(), key=fold)), origin="extracted")
        for term, forms in sorted(found.items())
    ]


def _long_form_for(acronym: str, preceding: str) -> str | None:
    """The shortest tail of the preceding words whose initials spell the acronym."""
    words = preceding.split()
    for start in range(len(words) - 1, -1, -1):
        tail = _without_elision(" ".join(words[start:])).split()
        if _initials_fit(acronym, tail):
            return " ".join(tail)
    return None


def _without_elision(phrase: str) -> str:
    # "l'agence du numérique en santé"  ->  "agence du numérique en santé"
    return re.sub(r"^[ldLD]['’]", "", phrase)


def _initials_fit(acronym: str, words: list[str]) -> bool:
    """Do the acronym's letters come, in order, from the starts of the words (small words optional)?

    # "INS" fits "identité nationale de santé"; "CNIL" fits "Commission Nationale de l'Informatique
    # et des Libertés"; "AF" does not fit "plateau d'imagerie".
    """
    letters = [c for c in fold(acronym) if c.isalpha()]
    cleaned = [re.sub(r"^[ldjs]'", "", fold(word)) for word in words]
    cleaned = [word for word in cleaned if word]
    if not letters or len(cleaned) < 2 or len(cleaned) > 2 * len(letters) + 3:
        return False
    if cleaned[0] in SMALL_WORDS or cleaned[0][0] != letters[0]:  # "à financement" is no long form
        return False
    position = 0
    for word in cleaned:
        if position < len(letters) and word[0] == letters[position]:
            position += 1
        elif word not in SMALL_WORDS and not (position and word[0] == letters[position - 1]):
            return False
    # Letters left over may sit inside the last word, as acronyms often take them: "d'OuvrAge" in AMOA.
    rest = iter(cleaned[-1][1:])
    return all(letter in rest for letter in letters[position:])


def load_glossary(source: Database | Iterable[Document] | None = None) -> list[GlossaryEntry]:
    """Curated entries, then those extracted from published answers for terms the file lacks."""
    curated = load_curated()
    if source is None:
        return curated
    documents = load_documents(source) if isinstance(source, Database) else list(source)
    known = {fold(entry.term) for entry in curated}
    extracted = [
        entry for entry in extract_definitions(doc.answer for doc in documents) if fold(entry.term) not in known
    ]
    return sorted([*curated, *extracted], key=lambda entry: fold(entry.term))
