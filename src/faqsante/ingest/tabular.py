"""Record-shaped sources: CSV rows, JSON objects and JSONL lines, each one FAQ entry.

All three go through ``record_to_entry``, so a column alias or a status spelling works in every
format. It is also what ``faqsante export`` writes, and reading an export back restores ids,
sources, statuses and facets:

    {"id": "e-1f2a", "question": "Qu'est-ce que l'INS ?", "answer": "L'identité nationale …",
     "section": "Identitovigilance et INS", "sources": ["faq-ans.txt"], "status": "published",
     "facets": {"produit": ["INS"]}}

In a CSV the same record is a row; ``sources`` and facet columns hold ``;``-separated values and
the ``facets`` column, when present, holds the JSON object.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faqsante.csv_cells import unescape_formula
from faqsante.errors import IngestError
from faqsante.ingest.base import ParsedEntry, Parser, register
from faqsante.store.models import MAX_OWNER_LENGTH
from faqsante.text import column_key

if TYPE_CHECKING:
    from faqsante.facets.taxonomy import Taxonomy

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "question": ("question", "titre", "title", "q"),
    "answer": ("answer", "réponse", "answer_text", "texte"),
    "section": ("section", "rubrique", "catégorie", "category"),
    "id": ("id",),
    "sources": ("sources",),
    "status": ("status", "statut"),
    "facets": ("facets", "facettes"),
    "questions": ("questions",),
    "review_at": ("review_at", "relecture", "date_relecture"),
    "owner": ("owner", "responsable"),
}
STATUS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "published": ("published", "publié", "publiée"),
    "archived": ("archived", "archivé", "archivée"),
}
SOURCE_SEPARATORS = re.compile(r";")
QUESTION_SEPARATORS = re.compile(r"\n")  # a question is one line; a CSV cell holds one per line
FACET_SEPARATORS = re.compile(r"[;|]")
CSV_DELIMITERS = (",", ";", "\t")

Refuse = Callable[[str], IngestError]  # builds the error for the record at hand


FIELD_OF_COLUMN = {column_key(alias): name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
STATUS_OF = {column_key(spelling): status for status, spellings in STATUS_SPELLINGS.items() for spelling in spellings}


def load_json(path: Path, text: str, first_line: int | None = 1, label: str = "JSON") -> Any:
    """``json.loads`` whose error names the file and the line, counted from ``first_line``.

    Besides syntax errors, refuses what ``json`` cannot hold: nesting deeper than Python's stack
    (``[[[[…]]]]``) and integers of thousands of digits (Python refuses to convert them, CVE-2020-10735).
    """

    def line_of(lineno: int) -> int | None:
        return first_line + lineno - 1 if first_line else None

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(
            path, f"{label} invalide : {exc.msg} (colonne {exc.colno})", line=line_of(exc.lineno)
        ) from None
    except RecursionError:
        depth, lineno = _deepest(text)
        raise IngestError(path, f"{label} trop imbriqué ({depth} niveaux)", line=line_of(lineno)) from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise IngestError(path, f"{label} invalide : nombre trop long ({exc})", line=first_line) from None


JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def _deepest(text: str) -> tuple[int, int]:
    """The deepest nesting of a JSON text and the line (from 1) where it is first reached; strings skipped."""
    depth = deepest = 0
    line = deepest_line = 1
    for match in JSON_TOKENS.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif token in "]}":
            depth -= 1
    return deepest, deepest_line


def record_to_entry(path: Path, record: Mapping[str, Any], position: int, line: int | None = None) -> ParsedEntry:
    """One CSV row or JSON object to an entry; unknown keys are ignored, bad values refused.

    Errors carry the line when the format has one (CSV, JSONL), else the entry's rank (JSON).
    """
    where = "" if line else f"entrée n° {position + 1} : "

    def refuse(message: str) -> IngestError:
        return IngestError(path, where + message, line=line)

    fields: dict[str, Any] = {}
    facet_columns = set(_taxonomy().facets)  # a column per filter of taxonomy.yaml: "produit", "thematique"…
    for key, value in record.items():
        column = column_key(str(key))
        name = FIELD_OF_COLUMN.get(column) or (column if column in facet_columns else None)
        if name and _is_blank(fields.get(name)):  # with two aliases ("question", "titre"), the first filled wins
            fields[name] = value

    answer = _text(fields.get("answer"), "answer", refuse)
    if answer is None:
        raise refuse("réponse vide ou absente")
    return ParsedEntry(
        answer=answer,
        question=_text(fields.get("question"), "question", refuse),
        section=_text(fields.get("section"), "section", refuse),
        position=position,
        line=line,
        id=_text(fields.get("id"), "id", refuse),
        sources=_values(fields.get("sources"), SOURCE_SEPARATORS, "sources", refuse),
        status=_status(fields.get("status"), refuse),
        facets=_facets(fields, refuse),
        questions=_values(fields.get("questions"), QUESTION_SEPARATORS, "questions", refuse),
        review_at=_day(fields.get("review_at"), refuse),
        owner=_owner(fields.get("owner"), refuse),
    )


def _day(value: Any, refuse: Refuse) -> date | None:
    """# "2027-03-31" -> date(2027, 3, 31); blank -> None"""
    text = _text(value, "review_at", refuse)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise refuse(f"« review_at » n'est pas une date AAAA-MM-JJ : « {text[:40]} »") from None


def _owner(value: Any, refuse: Refuse) -> str | None:
    text = _text(value, "owner", refuse)
    if text and len(text) > MAX_OWNER_LENGTH:
        raise refuse(f"« owner » trop long ({len(text)} caractères, {MAX_OWNER_LENGTH} au plus)")
    return " ".join(text.split()) if text else None


def _taxonomy() -> Taxonomy:
    """The filters of taxonomy.yaml, imported when first needed: the facets package reaches search, which
    reaches the store, which imports this package (an import at the top would be a cycle)."""
    from faqsante.facets.taxonomy import load_taxonomy

    return load_taxonomy()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any, name: str, refuse: Refuse) -> str | None:
    # Numbers are accepted (a JSON id of 12 is the id "12"); lists, objects and booleans are not.
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise refuse(f"« {name} » doit être un texte, pas {type(value).__name__}")
    return re.sub(r"\r\n?", "\n", str(value)).strip() or None


def _values(value: Any, separators: re.Pattern[str], name: str, refuse: Refuse) -> tuple[str, ...]:
    """A list, or a string of separated values, to distinct non-empty values in order.

    # "INS ; DMP|INS"  becomes  ("INS", "DMP")   (with separators ; and |)
    """
    if isinstance(value, str):
        value = separators.split(value)
    elif value is None:
        value = []
    elif not isinstance(value, list):
        raise refuse(f"« {name} » doit être une liste ou un texte, pas {type(value).__name__}")
    texts = (_text(item, name, refuse) for item in value)
    return tuple(dict.fromkeys(text for text in texts if text))


def _status(value: Any, refuse: Refuse) -> str:
    text = _text(value, "status", refuse)
    if text is None:
        return "published"
    try:
        return STATUS_OF[column_key(text)]
    except KeyError:
        raise refuse(f"statut inconnu « {text} » (attendu : published ou archived, publié ou archivé)") from None


def _facets(fields: Mapping[str, Any], refuse: Refuse) -> dict[str, tuple[str, ...]]:
    """Facets from a ``facets`` object (or its JSON text, in a CSV) and from facet columns, merged."""
    given = fields.get("facets")
    if isinstance(given, str):
        try:
            given = json.loads(given) if given.strip() else None
        except json.JSONDecodeError as exc:
            raise refuse(f"« facets » n'est pas un objet JSON valide ({exc.msg})") from None
        except (RecursionError, ValueError):  # nested too deep, or a number of thousands of digits
            raise refuse("« facets » n'est pas un objet JSON lisible (trop imbriqué ou nombre trop long)") from None
    if given is not None and not isinstance(given, dict):
        raise refuse("« facets » doit être un objet {facette: [valeurs]}")

    known = list(_taxonomy().facets)
    collected: dict[str, list[str]] = {facet: [] for facet in known}
    for key, value in (given or {}).items():
        facet = column_key(str(key))
        if facet not in collected:
            raise refuse(f"facette inconnue « {key} » (facettes connues : {', '.join(known)})")
        collected[facet].extend(_values(value, FACET_SEPARATORS, facet, refuse))
    for facet in known:
        collected[facet].extend(_values(fields.get(facet), FACET_SEPARATORS, facet, refuse))
    return {facet: tuple(dict.fromkeys(values)) for facet, values in collected.items() if values}


@register
class CsvParser(Parser):
    """A header row naming the columns, then one entry per row; ``,``, ``;`` or tab separated.

    A cell written ``'=…`` (a formula escaped by ``faqsante export``, as spreadsheets do) reads ``=…``.
    """

    name = "csv"
    extensions = (".csv", ".tsv")

    def parse(self, path: Path, text: str) -> list[ParsedEntry]:
        return [
            record_to_entry(path, record, position, line)
            for position, (line, record) in enumerate(csv_records(path, text, self._check_columns))
        ]

    @staticmethod
    def _check_columns(path: Path, columns: list[str]) -> None:
        if "answer" not in {FIELD_OF_COLUMN.get(column_key(column)) for column in columns}:
            expected = ", ".join(FIELD_ALIASES["answer"])
            raise IngestError(
                path,
                f"colonne de réponse introuvable (attendue : {expected}) ; colonnes trouvées : "
                + (", ".join(columns) or "aucune"),
                line=1,
            )


def csv_records(
    path: Path, text: str, check_columns: Callable[[Path, list[str]], None]
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, {column: cell})`` for each non-blank row of a CSV text, ``,``, ``;`` or tab separated, escaped
    formulas read back; ``check_columns`` refuses a header. Shared by FAQ files and question histories:

    # 'question;answer\nQ1;\'=1+1\n'  ->  (2, {"question": "Q1", "answer": "=1+1"})
    """
    header_line = text.partition("\n")[0]
    delimiter = max(CSV_DELIMITERS, key=header_line.count)  # the header has no quoted text to fool a count
    # strict: an unclosed quote is an error, not an answer that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        columns = [column.strip() for column in next(reader, [])]
        check_columns(path, columns)
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if any(cell.strip() for cell in row[len(columns) :]):
                    raise IngestError(
                        path,
                        f"{len(row)} valeurs pour {len(columns)} colonnes "
                        f"(un « {delimiter} » dans un texte sans guillemets ?)",
                        line=line,
                    )
                yield line, dict(zip(columns, (unescape_formula(cell) for cell in row), strict=False))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(path, f"CSV illisible : {exc}", line=line) from None


def jsonl_records(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """``(line, value)`` for each non-blank line of a JSON Lines text, read by ``load_json``."""
    # split("\n"), not splitlines(): U+2028 is legal unescaped inside a JSON string.
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            yield number, load_json(path, raw, first_line=number)


@register
class JsonParser(Parser):
    """A list of objects, or ``{"entries": [...]}``."""

    name = "json"
    extensions = (".json",)

    def parse(self, path: Path, text: str) -> list[ParsedEntry]:
        data = load_json(path, text)
        records = data.get("entries") if isinstance(data, dict) else data
        if not isinstance(records, list):
            raise IngestError(path, 'JSON attendu : une liste d\'objets, ou un objet {"entries": [...]}')
        entries: list[ParsedEntry] = []
        for position, record in enumerate(records):
            if not isinstance(record, dict):
                raise IngestError(path, f"entrée n° {position + 1} : un objet JSON {{…}} est attendu")
            entries.append(record_to_entry(path, record, position))
        return entries


@register
class JsonLinesParser(Parser):
    """One object per line; blank lines are skipped."""

    name = "jsonl"
    extensions = (".jsonl", ".ndjson")

    def parse(self, path: Path, text: str) -> list[ParsedEntry]:
        entries: list[ParsedEntry] = []
        for number, record in jsonl_records(path, text):
            if not isinstance(record, dict):
                raise IngestError(path, "chaque ligne doit être un objet JSON {…}", line=number)
            entries.append(record_to_entry(path, record, len(entries), number))
        return entries
