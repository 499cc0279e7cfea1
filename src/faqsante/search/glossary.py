"""E-health acronyms and synonyms: a shipped file, the editors' entries, and definitions found in the answers.

Three layers, by key (the term's folded words: « e-CPS » and « E-CPS » are one key, "e cps"):
1. ``glossary.yaml``, shipped with the package: the default;
2. the editors' entries (``glossary_terms``, edited in /admin): a new term, or a shipped or found term replaced,
   or turned off (``enabled`` false: the term is in no layer any more);
3. acronyms the answers define, for the keys neither layer has.
Shown by ``faqsante glossary`` and /admin/glossaire, read by topics (« AMOA » lists its answers) and by title
tidying (spellings). Search applies the editors' entries only (``search.expansion``): widening every question
with the whole glossary measured flat or harmful on questions written by other people. The answers teach:

# "l'identité nationale de santé (INS)"              ->  INS: identité nationale de santé
# "AMOA = Assistant à Maîtrise d'Ouvrage"             ->  AMOA: Assistant à Maîtrise d'Ouvrage
# "IHE PAM (Patient Administration Management)"      ->  PAM: Patient Administration Management
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.corpus import Document, load_documents
from faqsante.store import Database
from faqsante.store.models import GlossaryChange, GlossaryTerm
from faqsante.text import fold, normalize

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")

ACRONYM = r"[A-Z][A-Za-z0-9'’\-_]*[A-Z0-9][A-Za-z0-9]*"
# "long form (ACR)": the long form is read backwards from the parenthesis, at most 10 words.
LONG_THEN_ACRONYM = re.compile(r"((?:[\w'’\-]+\s+){0,9}[\w'’\-]+)\s*\((" + ACRONYM + r")\)")
# "ACR (long form)" and "ACR = long form" / "ACR : long form": up to the end of the clause.
ACRONYM_THEN_LONG = re.compile(r"\b(" + ACRONYM + r")\s*(?:\(([^()]{4,90})\)|[=:]\s*([^.;:()\n]{4,90}))")
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "a", "au", "aux", "pour", "sur", "of", "the"}
_ANALYZER = FrenchAnalyzer()


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    expansions: tuple[str, ...]
    definition: str | None = None
    origin: str = "curated"  # curated (glossary.yaml) | extracted (found in an answer) | editor (glossary_terms)
    # acronym: the term stands for its expansions, each for the term (every entry of the file, every found one)
    # synonym: every name stands for every other
    kind: str = "acronym"
    enabled: bool = True  # False: an editor turned the term off; listed in the workspace, applied nowhere

    @cached_property
    def key(self) -> str:
        return glossary_key(self.term)


def glossary_key(term: str) -> str:
    """What tells two terms apart: their folded words, a compound's parts apart.

    # "l'E-CPS" -> "e cps" ; "carte-CPS" and "Carte CPS" -> "carte cps" ; "Mon espace Santé" -> "mon espace sante"
    """
    return " ".join(part.text for token in _ANALYZER.tokens(term) for part in token.parts or (token,))


@lru_cache(maxsize=2)
def load_curated(path: Path = GLOSSARY_FILE) -> tuple[GlossaryEntry, ...]:
    """The shipped file, read once."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return tuple(
        GlossaryEntry(
            term=str(item["terme"]),
            expansions=tuple(str(form) for form in item.get("formes", [])),
            definition=item.get("definition"),
        )
        for item in items
    )


def load_editors(db: Database) -> list[GlossaryEntry]:
    """The editors' entries, those turned off included, by key."""
    with db.session() as session:
        return read_editors(session)


def read_editors(session: Session) -> list[GlossaryEntry]:
    """``load_editors`` through the caller's session."""
    return [
        GlossaryEntry(
            term=row.term,
            expansions=tuple(row.forms.splitlines()),
            definition=row.definition,
            origin="editor",
            kind=row.kind,
            enabled=row.enabled,
        )
        for row in session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.key))
    ]


def written_terms(session: Session) -> list[str]:
    """The terms titles spell as written: the shipped ones and the editors' in force (an answer's spelling is no
    rule, so found ones are not). # ["INS", "e-CPS", "Medimail", "carte CPS", …]"""
    by_key = {entry.key: entry for entry in load_curated()} | {entry.key: entry for entry in read_editors(session)}
    return [entry.term for entry in by_key.values() if entry.enabled]


def only_glossary_changed(db: Database, since: int, now: int) -> bool:
    """Were all the data versions after ``since`` up to ``now`` made by glossary changes (and nothing else)?

    # versions 41 (a glossary edit) and 42 (a glossary edit) since 40  -> True
    # 41 (a glossary edit) and 42 (an entry saved)             since 40  -> False: the content moved too
    A restore sets a version no change recorded, so it never passes for a glossary change.
    """
    if now <= since:
        return False
    with db.session() as session:
        recorded = session.scalar(
            select(func.count(func.distinct(GlossaryChange.version))).where(
                GlossaryChange.version > since, GlossaryChange.version <= now
            )
        )
    return recorded == now - since


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


def load_glossary(
    source: Database | Iterable[Document] | None = None, *, db: Database | None = None, disabled: bool = False
) -> list[GlossaryEntry]:
    """The glossary, layer over layer (see the module's docstring), sorted by term.

    ``source``: the published answers to extract definitions from (a database: its own, and its editors' entries
    too); ``db``: whose editors' entries apply; ``disabled``: keep the terms editors turned off (the workspace).
    """
    editors_db = db if db is not None else source if isinstance(source, Database) else None
    editors = load_editors(editors_db) if editors_db is not None else []
    if source is None:
        found = []
    elif isinstance(source, Database):
        found = found_definitions(source)
    else:
        found = extract_definitions(doc.answer for doc in source)
    return layered(editors, found, disabled=disabled)


def layered(
    editors: Iterable[GlossaryEntry] = (), found: Iterable[GlossaryEntry] = (), *, disabled: bool = False
) -> list[GlossaryEntry]:
    """The shipped entries, replaced or turned off by the editors', then the found ones for the keys left."""
    by_key = {entry.key: entry for entry in load_curated()}
    by_key |= {entry.key: entry for entry in editors}
    for entry in found:
        by_key.setdefault(entry.key, entry)
    entries = [entry for entry in by_key.values() if disabled or entry.enabled]
    return sorted(entries, key=lambda entry: fold(entry.term))


_found: dict[str, tuple[int, list[GlossaryEntry]]] = {}  # database URL -> (data version, its answers' definitions)


def found_definitions(db: Database) -> list[GlossaryEntry]:
    """The definitions the published answers give (``extract_definitions``), read once per data version: reading
    them takes 0.4 s for the 334 seed answers."""
    version = db.data_version()
    cached = _found.get(db.url)
    if cached is None or cached[0] != version:
        cached = _found[db.url] = (version, extract_definitions(doc.answer for doc in load_documents(db)))
    return cached[1]
