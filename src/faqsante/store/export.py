"""Write every entry out in a format ``faqsante ingest`` reads back: an export restores the database."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from faqsante.csv_cells import escape_formula
from faqsante.store.db import Database
from faqsante.store.models import Entry, EntryFacet, EntryQuestion, EntrySource
from faqsante.store.questions import question_key

EXPORT_FORMATS = ("jsonl", "json", "csv")
CSV_COLUMNS = ["id", "question", "answer", "section", "sources", "status", "facets", "questions", "review_at", "owner"]


def export_records(db: Database) -> Iterator[dict[str, Any]]:
    """One dict per entry (published and archived), in a stable order."""
    with db.session() as session:
        facets: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        # Only facets a person or a source set are worth exporting; automatic tags are recomputed.
        for tag in session.scalars(
            select(EntryFacet).where(EntryFacet.origin != "auto").order_by(EntryFacet.facet, EntryFacet.value)
        ):
            facets[tag.entry_id][tag.facet].append(tag.value)
        # The other accepted ways of asking each entry; suggestions and refusals stay in backups only.
        questions: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in session.scalars(
            select(EntryQuestion)
            .where(EntryQuestion.state == "accepted", EntryQuestion.entry_id.is_not(None))
            .order_by(EntryQuestion.id)
        ):
            questions[row.entry_id or ""].append((row.key, row.text))
        entries = session.scalars(
            select(Entry)
            .where(Entry.merged_into.is_(None))
            .options(selectinload(Entry.links).joinedload(EntrySource.source))
            .order_by(Entry.created_at, Entry.id)
        )
        for entry in entries:
            record: dict[str, Any] = {
                "id": entry.id,
                "question": entry.question,
                "answer": entry.answer,
                "section": entry.section,
                "sources": entry.source_names,
                "status": entry.status,
            }
            if entry.id in facets:
                record["facets"] = {facet: values for facet, values in facets[entry.id].items()}
            main = question_key(entry.question) if entry.question else None
            others = [text for key, text in questions.get(entry.id, []) if key != main]
            if others:
                record["questions"] = others
            if entry.review_at is not None:  # the desk's bookkeeping: "2027-03-31"
                record["review_at"] = entry.review_at.isoformat()
            if entry.owner:
                record["owner"] = entry.owner
            yield record


def render_export(db: Database, format: str) -> str:
    records = list(export_records(db))
    if format == "jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if format == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for record in records:
            facets = record.get("facets", {})
            row = {
                **record,
                "sources": "; ".join(record["sources"]),
                "facets": json.dumps(facets, ensure_ascii=False) if facets else "",
                "questions": "\n".join(record.get("questions", [])),  # one question per line
            }
            writer.writerow({column: escape_formula(value) if value else value for column, value in row.items()})
        return buffer.getvalue()
    raise ValueError(f"unknown export format {format!r}")
