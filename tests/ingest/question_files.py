"""What the tests of question histories share: a small FAQ ingested from records, files written, questions counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.models import EntryQuestion


def ingested(db: Database, folder: Path, records: list[dict[str, Any]]) -> Database:
    """``db`` with ``records`` (the shape of a JSON export) ingested as one source, « faq.json »."""
    ingest_paths(db, [write(folder / "faq.json", json.dumps(records, ensure_ascii=False))])
    return db


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def stored(db: Database) -> int:
    """How many questions the database holds (every state, with or without an entry)."""
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(EntryQuestion)) or 0
