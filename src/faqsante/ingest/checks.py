"""What a parsed entry must satisfy before it meets a database, checked the same way for SQLite and PostgreSQL.

SQLite stores almost anything; PostgreSQL refuses NUL characters in text and strings longer than their
column. Checking at parse time, against the columns' own sizes, keeps both engines holding the same data,
so that a backup of a SQLite database always restores into PostgreSQL (issue #11.6):

    "Réponse\x00"                 refused: NUL character (PostgreSQL text cannot hold it)
    "\ud800"                       refused: lone surrogate (not encodable in UTF-8)
    section of 300 characters      refused: the column holds 255
    id "../../../etc/passwd"       refused: ids are letters, digits, "-" and "_"
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from faqsante.config import MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH
from faqsante.errors import IngestError
from faqsante.store.models import (
    MAX_FACET_VALUE_LENGTH,
    MAX_ID_LENGTH,
    MAX_SECTION_LENGTH,
    MAX_SOURCE_NAME_LENGTH,
)
from faqsante.store.storable import unstorable

if TYPE_CHECKING:  # base calls these checks on every entry it parses
    from faqsante.ingest.base import ParsedEntry


# Ids end up in URLs (/reponses/{id}) and file names of exports: no separators, no dots.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def check_text(value: str, label: str, limit: int | None = None) -> str | None:
    """Why ``value`` cannot be stored (in French), or None when it can: the models' rule, then the column's size."""
    problem = unstorable(value, label)
    if problem:
        return problem
    if limit is not None and len(value) > limit:
        return f"{label} dépasse la longueur permise ({len(value)} caractères, {limit} au plus)"
    return None


def check_source_name(path: Path, name: str) -> None:
    problem = check_text(name, "le nom de source", MAX_SOURCE_NAME_LENGTH)
    if problem:
        raise IngestError(path, problem)


def check_entry(path: Path, entry: ParsedEntry) -> None:
    """Raise an ``IngestError`` naming the file and the line (else the entry's rank) of the first problem."""
    problem = _first_problem(entry)
    if problem:
        where = "" if entry.line else f"entrée n° {entry.position + 1} : "
        raise IngestError(path, where + problem, line=entry.line)


def _first_problem(entry: ParsedEntry) -> str | None:
    fields: list[tuple[str | None, str, int | None]] = [
        (entry.answer, "la réponse", MAX_ANSWER_LENGTH),
        (entry.question, "la question", MAX_QUESTION_LENGTH),
        (entry.section, "la rubrique", MAX_SECTION_LENGTH),
        *((question, "une autre question", MAX_QUESTION_LENGTH) for question in entry.questions),
        *((name, "le nom de source", MAX_SOURCE_NAME_LENGTH) for name in entry.sources),
        *(
            (value, f"la valeur de filtre « {facet} »", MAX_FACET_VALUE_LENGTH)
            for facet, values in entry.facets.items()
            for value in values
        ),
    ]
    for value, label, limit in fields:
        problem = check_text(value, label, limit) if value is not None else None
        if problem:
            return problem
    return check_id(entry.id) if entry.id is not None else None


def check_id(value: str) -> str | None:
    """Why ``value`` cannot be an entry id (in French), or None when it can: an ingested entry's or the one a
    question history names."""
    problem = check_text(value, "l'identifiant", MAX_ID_LENGTH)
    if problem is None and not ID_PATTERN.fullmatch(value):
        return f"identifiant invalide « {value[:40]} » : lettres sans accent, chiffres, « - » et « _ » seulement"
    return problem
