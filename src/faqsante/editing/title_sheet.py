"""Titles written in a spreadsheet: ``faqsante titles export`` writes one, ``faqsante titles import`` reads it back.

# id,titre,candidats,extrait
# 627b0cbf71bb,Le temps maximum … est de 4 heures…,Quelle est la durée de session ? [générée],Le temps maximum au bout…
A desk rewrites the ``titre`` column; on import, every row whose title differs from the one the entry shows
becomes its editors' question (``editing.titles.set_titles``: a revision, re-tagging). Cells are written safe
for a spreadsheet and read back exactly (``csv_cells``). A bad row (unknown id, NUL, a title longer than
a question may be, an unreadable line) is reported with the file and its line, and nothing is written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from faqsante.config import DEFAULT_INGEST_MAX_MB, MAX_QUESTION_LENGTH, Settings
from faqsante.content.title_book import shown_titles
from faqsante.content.titles import TitleSuggester
from faqsante.csv_cells import escape_formula, unescape_formula
from faqsante.editing.titles import set_titles, untitled
from faqsante.errors import IngestError
from faqsante.store import Database
from faqsante.store.models import Entry

COLUMNS = ("id", "titre", "candidats", "extrait")
EXCERPT_LENGTH = 300
CANDIDATES_SEPARATOR = " | "


def export_sheet(db: Database, suggester: TitleSuggester | None = None) -> str:
    """The entries without an editors' question, most visited first, as CSV text."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in untitled(db, suggester):
        candidates = CANDIDATES_SEPARATOR.join(f"{c.text} [{c.kind}]" for c in item.candidates)
        excerpt = " ".join(item.answer.split())[:EXCERPT_LENGTH]
        writer.writerow([escape_formula(cell) for cell in (item.id, item.title, candidates, excerpt)])
    return buffer.getvalue()


def read_sheet(path: Path, *, max_mb: float = DEFAULT_INGEST_MAX_MB) -> dict[str, tuple[int, str]]:
    """``{entry_id: (line, title)}`` of every row with a title; IngestError (file, line, reason) on a bad one."""
    if path.stat().st_size > max_mb * 1024 * 1024:
        raise IngestError(path, f"fichier trop gros (plus de {max_mb:g} Mo)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(path, "le fichier n'est pas en UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: dict[str, tuple[int, str]] = {}
    line = 1
    try:
        header = [column.strip().lower() for column in next(reader, [])]
        if "id" not in header or "titre" not in header:
            raise IngestError(path, f"colonnes « id » et « titre » attendues ; lues : {', '.join(header)}", line=1)
        line = reader.line_num + 1
        for row in reader:
            record = dict(zip(header, (unescape_formula(cell) for cell in row), strict=False))
            entry_id, title = record.get("id", "").strip(), " ".join(record.get("titre", "").split())
            if "\x00" in entry_id or "\x00" in title:
                raise IngestError(path, "caractère nul", line=line)
            if len(title) > MAX_QUESTION_LENGTH:
                too_long = f"titre trop long ({len(title)} caractères, {MAX_QUESTION_LENGTH} au plus)"
                raise IngestError(path, too_long, line=line)
            if entry_id and title:
                if entry_id in rows:
                    raise IngestError(path, f"« {entry_id} » figure déjà ligne {rows[entry_id][0]}", line=line)
                rows[entry_id] = (line, title)
            elif title:
                raise IngestError(path, "identifiant manquant", line=line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise IngestError(path, f"CSV illisible : {error}", line=line) from None
    return rows


def import_sheet(db: Database, path: Path, *, author: str, settings: Settings) -> list[str]:
    """Set the titles a sheet changed; returns the ids of the entries whose editors' question changed."""
    rows = read_sheet(path, max_mb=settings.ingest_max_mb)
    ids = list(rows)
    with db.session() as session:
        known: set[str] = set()
        for start in range(0, len(ids), 500):
            known.update(session.scalars(select(Entry.id).where(Entry.id.in_(ids[start : start + 500]))))
        unknown = [entry_id for entry_id in ids if entry_id not in known]
        if unknown:
            line = rows[unknown[0]][0]
            raise IngestError(path, f"aucune entrée n'a l'identifiant « {unknown[0]} »", line=line)
        current = shown_titles(session, ids)
    changed = {entry_id: title for entry_id, (_, title) in rows.items() if title != current[entry_id]}
    return set_titles(db, changed, author=author, settings=settings)
