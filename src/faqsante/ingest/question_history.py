"""Import a history of questions people asked, each tied to the entries that answer it, or to none.

A file (JSON, JSONL or CSV) holds items with ``q`` (or ``question``) and either ``entry_id`` or ``keys``,
snippets of the answer text (the format of ``../shared/eval/dev-questions.json``):
# {"q": "e-cps sur un nouveau téléphone ?", "keys": ["Téléchargez l’application e-CPS"]}
# {"q": "Comment activer ma e-CPS ?", "entry_id": "627b0cbf71bb"}
# {"q": "prix du timbre", "keys": []}                  <- the FAQ does not answer it: kept as such
An item matches the published entries whose answer contains one of its snippets, compared after NFKC,
straight apostrophes, collapsed whitespace and lower case; it becomes a question of each of them.

A file meets the checks of an ingested one (size, nesting, long numbers, NUL, lone surrogates, lengths, ids),
through the same readers. The whole file is read and checked before anything is written: a bad item is an
error naming the file and its line, and nothing is imported. A snippet too short to name an answer, or found
in more than a handful of answers, is reported and skipped (« e » tied one question to 415 entries).
``faqsante eval --warm`` imports its training folds through ``import_items``.
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

from faqsante.config import DEFAULT_INGEST_MAX_MB, MAX_ANSWER_LENGTH
from faqsante.csv_cells import escape_formula
from faqsante.errors import IngestError, InvalidInput
from faqsante.ingest.base import decode, read_limited
from faqsante.ingest.checks import check_id, check_text
from faqsante.ingest.tabular import csv_records, jsonl_records, load_json
from faqsante.store.db import Database, bump_data_version
from faqsante.store.lifecycle import follow_merges
from faqsante.store.models import Entry
from faqsante.store.questions import clean_question, list_questions, record_question
from faqsante.text import fold_for_comparison

IMPORT_AUTHOR = "import"
QUESTION_FIELDS = ("q", "question")
FORMATS = ("json", "jsonl", "csv")
MAX_KEYS = 100  # snippets per item: a history names a few answers, not a corpus
# A snippet names an answer: a few words, or a long token (an address, a link); « e » was in 415 answers.
MIN_KEY_WORDS = 3
MIN_KEY_CHARS = 20
SHORT_KEY = f"extrait trop court ({MIN_KEY_WORDS} mots ou {MIN_KEY_CHARS} caractères au moins)"
MAX_KEY_ENTRIES = 5  # answers one snippet may name; a snippet in more says nothing about this question
BATCH = 500  # items per transaction of an import


@dataclass(frozen=True)
class QuestionItem:
    """One question of a history, where it was read (``line``: 1-based, None for items built in code)."""

    text: str
    entry_id: str | None = None
    keys: tuple[str, ...] = ()
    line: int | None = None
    skipped: tuple[tuple[str, str], ...] = ()  # (snippet, why it is not used): too short to name an answer

    @property
    def answerable(self) -> bool:
        return bool(self.entry_id or self.keys or self.skipped)


@dataclass(frozen=True)
class SkippedKey:
    """A snippet of an item that was not used, and why: reported, the rest of the item imported."""

    item: QuestionItem
    key: str
    reason: str


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
    skipped: list[SkippedKey] = field(default_factory=list)
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
            "skipped": [
                {"line": skip.item.line, "q": skip.item.text, "key": skip.key, "reason": skip.reason}
                for skip in self.skipped
            ],
            "added": self.added,
            "already": self.already,
            "refused": self.refused,
            "entries": len(self.entries),
        }


# ----------------------------------------------------------------------------------------- reading files


def read_question_file(
    path: Path, format: str | None = None, *, max_mb: float = DEFAULT_INGEST_MAX_MB
) -> list[QuestionItem]:
    """Every item of a JSON, JSONL or CSV history; the first bad one is an ``IngestError`` with its line.

    Read as an ingested file is: the same size limit, the same JSON reader (nesting, numbers of thousands of
    digits), the same CSV reader and the same text checks (NUL, lone surrogates, lengths, ids).
    """
    text = decode(path, read_limited(path, max_mb))
    chosen = format or _format_of(path, text)
    if chosen == "csv":
        return [
            _item(path, _csv_record(path, record, line), line) for line, record in csv_records(path, text, _columns)
        ]
    if chosen == "jsonl":
        return [_item(path, record, line) for line, record in jsonl_records(path, text)]
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
    data = load_json(path, text)
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        return [(None, record) for record in data["questions"]]
    if not isinstance(data, list):
        raise IngestError(path, 'JSON attendu : une liste d\'objets, ou un objet {"questions": [...]}', line=1)
    # The text parsed once already (so each item parses again): walk its list to know the line each starts on.
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


def _columns(path: Path, columns: list[str]) -> None:
    if not set(QUESTION_FIELDS) & {column.lower() for column in columns}:
        raise IngestError(
            path,
            f"colonne de question introuvable (attendue : q ou question) ; colonnes : {', '.join(columns) or 'aucune'}",
            line=1,
        )


def _csv_record(path: Path, row: Mapping[str, str], line: int) -> dict[str, Any]:
    """A CSV row as the record a JSON file gives: ``keys`` holds a JSON list of snippets, or one snippet as plain
    text; empty means "not answered"."""
    record: dict[str, Any] = {column.lower(): cell for column, cell in row.items()}
    keys = (record.get("keys") or "").strip()
    if keys.startswith("["):
        record["keys"] = load_json(path, keys, first_line=line, label="« keys »")
    else:
        record["keys"] = [keys] if keys else []
    return record


def _item(path: Path, record: Any, line: int | None, position: int | None = None) -> QuestionItem:
    """One record checked: a question, and an entry id or a list of snippets (possibly empty).

    Snippets too short to mean anything (« e » was in 415 answers) are kept aside in ``skipped``, reported.
    """

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
    keys = record.get("keys", [])
    if keys is None:
        keys = []
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise refuse("« keys » doit être une liste de textes (extraits de réponses)")
    if len(keys) > MAX_KEYS:
        raise refuse(f"trop d'extraits dans « keys » ({len(keys)}, {MAX_KEYS} au plus)")
    problem = (
        check_text(text, "la question")
        or (check_id(entry_id) if entry_id else None)
        or next((found for key in keys if (found := check_text(key, "un extrait", MAX_ANSWER_LENGTH))), None)
    )
    if problem:
        raise refuse(problem)
    folded = tuple(dict.fromkeys(fold_for_comparison(key) for key in keys if key.strip()))
    usable = tuple(key for key in folded if _long_enough(key))
    skipped = tuple((key, SHORT_KEY) for key in folded if not _long_enough(key))
    return QuestionItem(text=text, entry_id=entry_id, keys=usable, line=line or position, skipped=skipped)


def _long_enough(key: str) -> bool:
    """# "e" -> False;  "application e-CPS" -> False;  "suivez les étapes" -> True;  "cis.cpam@assurance-maladie.fr" -> True"""
    return len(key.split()) >= MIN_KEY_WORDS or len(key) >= MIN_KEY_CHARS


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

    def by_key(self, keys: Iterable[str]) -> dict[str, list[str]]:
        """Each folded snippet with the entries whose answer contains it, in the answers' order."""
        folded = dict.fromkeys(fold_for_comparison(key) for key in keys if key.strip())
        return {key: [entry_id for entry_id, answer in self._answers if key in answer] for key in folded}

    def match(self, keys: Iterable[str]) -> list[str]:
        found = {entry_id for entry_ids in self.by_key(keys).values() for entry_id in entry_ids}
        return [entry_id for entry_id, _ in self._answers if entry_id in found]


@dataclass(frozen=True)
class Match:
    """The published entries an item names, and its snippets left unused with the reason."""

    entry_ids: list[str]
    skipped: list[tuple[str, str]]


def match_entries(session: Session, items: Sequence[QuestionItem]) -> list[Match]:
    """For each item, the published entries that answer it (an entry id followed through merges).

    A snippet found in more than ``MAX_KEY_ENTRIES`` answers is skipped: it does not say which one answers.
    """
    published = select(Entry.id, Entry.answer).where(Entry.status == "published").order_by(Entry.id)
    matcher = AnswerMatcher((entry_id, answer) for entry_id, answer in session.execute(published))
    matches: list[Match] = []
    for item in items:
        if item.entry_id:
            entry = session.get(Entry, item.entry_id)
            entry = follow_merges(session, entry) if entry is not None else None
            matches.append(Match([entry.id] if entry is not None and entry.status == "published" else [], []))
            continue
        by_key = matcher.by_key(item.keys)
        common = {key: len(ids) for key, ids in by_key.items() if len(ids) > MAX_KEY_ENTRIES}
        kept = {entry_id for key, ids in by_key.items() if key not in common for entry_id in ids}
        skipped = [
            *item.skipped,
            *(
                (key, f"extrait présent dans {count} réponses ({MAX_KEY_ENTRIES} au plus)")
                for key, count in common.items()
            ),
        ]
        matches.append(Match(sorted(kept), skipped))
    return matches


def import_items(
    db: Database, items: Sequence[QuestionItem], *, suggest: bool = False, author: str = IMPORT_AUTHOR
) -> ImportReport:
    """Tie every item to the entries that answer it; accepted unless ``suggest``.

    The items are checked already (``read_question_file``): writing cannot refuse one. It is committed
    ``BATCH`` items at a time, so that a long import never holds SQLite's one write lock for long (a vote
    waited 30 s, then failed: #19.11). An interrupted import is finished by running it again: what it wrote
    counts as "already", the rest is added. The data version moves once, with the last batch: workers reload
    once, not after every batch.
    """
    state = "suggested" if suggest else "accepted"
    report = ImportReport(items=len(items))
    with db.session() as session:
        matches = match_entries(session, items)
    for start in range(0, max(len(items), 1), BATCH):
        with db.session() as session:
            for item, match in zip(items[start : start + BATCH], matches[start : start + BATCH], strict=True):
                _import_item(session, item, match, state, author, report)
            if report.added and start + BATCH >= len(items):
                bump_data_version(session)
    return report


def _import_item(
    session: Session, item: QuestionItem, match: Match, state: str, author: str, report: ImportReport
) -> None:
    report.skipped.extend(SkippedKey(item, key, reason) for key, reason in match.skipped)
    if not item.answerable:
        report.unanswerable += 1
        targets: list[str | None] = [None]
    elif match.entry_ids:
        report.matched += 1
        targets = list(match.entry_ids)
    else:
        report.unmatched.append(item)
        return
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


def import_file(
    db: Database,
    path: Path,
    *,
    format: str | None = None,
    suggest: bool = False,
    author: str = IMPORT_AUTHOR,
    max_mb: float = DEFAULT_INGEST_MAX_MB,
) -> ImportReport:
    """Read and check the whole file first, then import it: a bad item leaves the database untouched."""
    return import_items(db, read_question_file(path, format, max_mb=max_mb), suggest=suggest, author=author)


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
        for record in records:  # a question starting with "=" is not a formula in a spreadsheet (csv_cells)
            row = {**record, "keys": "[]" if "keys" in record else ""}
            writer.writerow(
                {name: escape_formula(value) if isinstance(value, str) else value for name, value in row.items()}
            )
        return buffer.getvalue()
    raise InvalidInput(f"format d'export inconnu « {format} » ({', '.join(FORMATS)})")
