"""Import a history of questions people asked, each tied to the entries that answer it, or to none.

A file (JSON, JSONL or CSV) holds items with ``q`` (or ``question``) and either ``entry_id`` or ``keys``,
snippets of the answer text (the format of ``../shared/eval/dev-questions.json``):
# {"q": "e-cps sur un nouveau téléphone ?", "keys": ["Téléchargez l’application e-CPS"]}
# {"q": "Comment activer ma e-CPS ?", "entry_id": "627b0cbf71bb"}
# {"q": "prix du timbre", "keys": []}                  <- the FAQ does not answer it: kept as such
An item matches the published entries whose answer contains one of its snippets, compared after NFKC,
straight apostrophes, collapsed whitespace and lower case; it becomes a question of each of them.

The whole file is read and checked before anything is written: a bad item is an error naming the file and
its line, and nothing is imported. ``faqsante eval --warm`` imports its training folds through ``import_items``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqsante.errors import IngestError, InvalidInput
from faqsante.ingest.base import decode
from faqsante.store.db import Database, bump_data_version
from faqsante.store.lifecycle import follow_merges
from faqsante.store.models import Entry
from faqsante.store.questions import clean_question, list_questions, record_question
from faqsante.text import fold_for_comparison

IMPORT_AUTHOR = "import"
QUESTION_FIELDS = ("q", "question")
FORMATS = ("json", "jsonl", "csv")
MAX_KEYS = 100  # snippets per item: a history names a few answers, not a corpus
CSV_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class QuestionItem:
    """One question of a history, where it was read (``line``: 1-based, None for items built in code)."""

    text: str
    entry_id: str | None = None
    keys: tuple[str, ...] = ()
    line: int | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.entry_id or self.keys)


@dataclass
class ImportReport:
    """What an import did, item by item.

    ``matched``: items tied to at least one entry; ``unmatched``: answerable items tied to none (their
    snippets are in no published answer, or their entry does not exist); ``unanswerable``: items without
    keys, kept as questions the FAQ does not answer. ``added`` / ``already`` / ``refused`` count questions
    (an item matching two entries is two questions): new, known before, or refused earlier by an editor.
    """

    items: int = 0
    matched: int = 0
    unanswerable: int = 0
    unmatched: list[QuestionItem] = field(default_factory=list)
    added: int = 0
    already: int = 0
    refused: int = 0
    entries: set[str] = field(default_factory=set)  # entries that gained or confirmed a question

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "matched": self.matched,
            "unanswerable": self.unanswerable,
            "unmatched": [{"q": item.text, "line": item.line} for item in self.unmatched],
            "added": self.added,
            "already": self.already,
            "refused": self.refused,
            "entries": len(self.entries),
        }


# ----------------------------------------------------------------------------------------- reading files


def read_question_file(path: Path, format: str | None = None) -> list[QuestionItem]:
    """Every item of a JSON, JSONL or CSV history; the first bad one is an ``IngestError`` with its line."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path, f"lecture impossible ({error.strerror})") from error
    text = decode(path, data)
    chosen = format or _format_of(path, text)
    if chosen == "csv":
        return _read_csv(path, text)
    if chosen == "jsonl":
        return [_item(path, record, line) for line, record in _jsonl_records(path, text)]
    if chosen == "json":
        return [
            _item(path, record, line, position) for position, (line, record) in enumerate(_json_records(path, text), 1)
        ]
    raise IngestError(path, f"format inconnu « {chosen} » (formats connus : {', '.join(FORMATS)})")


def items_from_records(records: Iterable[Mapping[str, Any]], source: str = "<questions>") -> list[QuestionItem]:
    """Items from dicts already in memory (an evaluation's folds): the same checks as a file's."""
    return [_item(Path(source), record, None, position) for position, record in enumerate(records, start=1)]


def _format_of(path: Path, text: str) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("json", "jsonl", "csv"):
        return suffix
    if suffix in ("ndjson",):
        return "jsonl"
    if suffix == "tsv":
        return "csv"
    stripped = text.lstrip()
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0].strip()
        return "jsonl" if first.endswith("}") else "json"
    raise IngestError(path, "format non reconnu (JSON, JSONL ou CSV) ; précisez-le avec --format")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _json_records(path: Path, text: str) -> list[tuple[int | None, Any]]:
    """A JSON list of objects, each with the line it starts on; or ``{"questions": [...]}`` (no lines then)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise IngestError(path, f"JSON invalide : {error.msg} (colonne {error.colno})", line=error.lineno) from None
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        return [(None, record) for record in data["questions"]]
    if not isinstance(data, list):
        raise IngestError(path, 'JSON attendu : une liste d\'objets, ou un objet {"questions": [...]}', line=1)
    # The text parsed once already: walk its list again to know the line each item starts on.
    decoder = json.JSONDecoder()
    records: list[tuple[int | None, Any]] = []
    position = text.index("[") + 1
    for _ in data:
        while text[position] in " \t\r\n,":
            position += 1
        record, end = decoder.raw_decode(text, position)
        records.append((_line_of(text, position), record))
        position = end
    return records


def _jsonl_records(path: Path, text: str) -> list[tuple[int, Any]]:
    records = []
    # split("\n"), not splitlines(): U+2028 is legal unescaped inside a JSON string.
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            records.append((number, json.loads(raw)))
        except json.JSONDecodeError as error:
            raise IngestError(path, f"JSON invalide : {error.msg} (colonne {error.colno})", line=number) from None
    return records


def _read_csv(path: Path, text: str) -> list[QuestionItem]:
    """A header row (``q`` or ``question``, ``entry_id``, ``keys``), one item per row.

    ``keys`` holds a JSON list of snippets, or one snippet as plain text; empty means "not answered".
    """
    header = text.partition("\n")[0]
    delimiter = max(CSV_DELIMITERS, key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    items: list[QuestionItem] = []
    line = 1
    try:
        columns = [column.strip().lower() for column in next(reader, [])]
        if not set(QUESTION_FIELDS) & set(columns):
            raise IngestError(
                path,
                f"colonne de question introuvable (attendue : q ou question) ; colonnes : {', '.join(columns) or 'aucune'}",
                line=1,
            )
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
                    raise IngestError(path, f"{len(row)} valeurs pour {len(columns)} colonnes", line=line)
                record: dict[str, Any] = dict(zip(columns, row, strict=False))
                keys = (record.get("keys") or "").strip()
                if keys.startswith("["):
                    try:
                        record["keys"] = json.loads(keys)
                    except json.JSONDecodeError as error:
                        raise IngestError(
                            path, f"« keys » n'est pas une liste JSON valide ({error.msg})", line=line
                        ) from None
                else:
                    record["keys"] = [keys] if keys else []
                items.append(_item(path, record, line))
            line = reader.line_num + 1
    except csv.Error as error:
        raise IngestError(path, f"CSV illisible : {error}", line=line) from None
    return items


def _item(path: Path, record: Any, line: int | None, position: int | None = None) -> QuestionItem:
    """One record checked: a question, and an entry id or a list of snippets (possibly empty)."""

    def refuse(message: str) -> IngestError:
        where = "" if line or position is None else f"élément n° {position} : "
        return IngestError(path, where + message, line=line)

    if not isinstance(record, dict):
        raise refuse('un objet {"q": …, "keys": […]} est attendu')
    raw = next((record[name] for name in QUESTION_FIELDS if _filled(record.get(name))), None)
    if not isinstance(raw, str):
        raise refuse("question absente ou vide (champ « q » ou « question »)")
    try:
        text = clean_question(raw)
    except InvalidInput as error:
        raise refuse(str(error)) from None
    entry_id = record.get("entry_id")
    if isinstance(entry_id, bool) or (entry_id is not None and not isinstance(entry_id, (str, int))):
        raise refuse("« entry_id » doit être un texte")
    entry_id = str(entry_id).strip() if _filled(entry_id) else None
    if entry_id and ("\x00" in entry_id or len(entry_id) > 32):
        raise refuse(f"identifiant d'entrée invalide « {entry_id[:40]} »")
    keys = record.get("keys", [])
    if keys is None:
        keys = []
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise refuse("« keys » doit être une liste de textes (extraits de réponses)")
    if len(keys) > MAX_KEYS:
        raise refuse(f"trop d'extraits dans « keys » ({len(keys)}, {MAX_KEYS} au plus)")
    folded = tuple(dict.fromkeys(fold_for_comparison(key) for key in keys if key.strip()))
    return QuestionItem(text=text, entry_id=entry_id, keys=folded, line=line or position)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


# ----------------------------------------------------------------------------------------- matching and import


class AnswerMatcher:
    """Which entries answer a question, by its snippets: an entry matches when its answer contains one of them,
    both folded (NFKC, straight apostrophes, collapsed spaces, lower case: the rule of ``../shared/eval/``).

    Answers are folded once, so one matcher serves a whole file, or every fold of an evaluation:
    # AnswerMatcher([("ecps", "Téléchargez l’application e-CPS…")]).match(["application E-CPS"])  ->  ["ecps"]
    """

    def __init__(self, answers: Iterable[tuple[str, str]]) -> None:
        self._answers = [(entry_id, fold_for_comparison(answer)) for entry_id, answer in answers]

    def match(self, keys: Iterable[str]) -> list[str]:
        folded = [fold_for_comparison(key) for key in keys if key.strip()]
        return [entry_id for entry_id, answer in self._answers if any(key in answer for key in folded)]


def match_entries(session: Session, items: Sequence[QuestionItem]) -> list[list[str]]:
    """For each item, the ids of the published entries that answer it (an entry id followed through merges)."""
    published = select(Entry.id, Entry.answer).where(Entry.status == "published").order_by(Entry.id)
    matcher = AnswerMatcher((entry_id, answer) for entry_id, answer in session.execute(published))
    matches: list[list[str]] = []
    for item in items:
        if item.entry_id:
            entry = session.get(Entry, item.entry_id)
            entry = follow_merges(session, entry) if entry is not None else None
            matches.append([entry.id] if entry is not None and entry.status == "published" else [])
        else:
            matches.append(matcher.match(item.keys))
    return matches


def import_items(
    db: Database, items: Sequence[QuestionItem], *, suggest: bool = False, author: str = IMPORT_AUTHOR
) -> ImportReport:
    """Tie every item to the entries that answer it, in one transaction; accepted unless ``suggest``."""
    state = "suggested" if suggest else "accepted"
    report = ImportReport(items=len(items))
    with db.session() as session:
        for item, entry_ids in zip(items, match_entries(session, items), strict=True):
            if not item.answerable:
                report.unanswerable += 1
                targets: list[str | None] = [None]
            elif entry_ids:
                report.matched += 1
                targets = list(entry_ids)
            else:
                report.unmatched.append(item)
                continue
            for entry_id in targets:
                _, outcome = record_question(session, entry_id, item.text, origin="import", state=state, author=author)
                if outcome == "added" or outcome == "accepted":
                    report.added += 1
                elif outcome == "rejected":
                    report.refused += 1
                else:
                    report.already += 1
                if entry_id is not None:
                    report.entries.add(entry_id)
        if report.added:
            bump_data_version(session)
    return report


def import_file(
    db: Database, path: Path, *, format: str | None = None, suggest: bool = False, author: str = IMPORT_AUTHOR
) -> ImportReport:
    """Read the whole file first, then import it: a bad item leaves the database untouched."""
    return import_items(db, read_question_file(path, format), suggest=suggest, author=author)


# ----------------------------------------------------------------------------------------- export


def export_records(db: Database, *, states: Sequence[str] = ("accepted",)) -> list[dict[str, Any]]:
    """Questions as items ``import_file`` reads back: with their entry id, or ``"keys": []`` when unanswered.

    # {"q": "Comment activer ma e-CPS ?", "entry_id": "627b0cbf71bb", "origin": "import", "state": "accepted",
    #  "asked_count": 1, "author": "import", "created_at": "2026-11-29T13:00:00+00:00"}
    """
    records = []
    for question in list_questions(db, states=states):
        record: dict[str, Any] = {"q": question.text}
        if question.entry_id is None:
            record["keys"] = []
        else:
            record["entry_id"] = question.entry_id
        record.update(
            origin=question.origin,
            state=question.state,
            asked_count=question.asked_count,
            author=question.author,
            created_at=question.created_at.isoformat(),
        )
        records.append(record)
    return records


def render_questions(db: Database, format: str, *, states: Sequence[str] = ("accepted",)) -> str:
    records = export_records(db, states=states)
    if format == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if format == "jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if format == "csv":
        columns = ["q", "entry_id", "keys", "origin", "state", "asked_count", "author", "created_at"]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        for record in records:
            writer.writerow({**record, "keys": "[]" if "keys" in record else ""})
        return buffer.getvalue()
    raise InvalidInput(f"format d'export inconnu « {format} » ({', '.join(FORMATS)})")
