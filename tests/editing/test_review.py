"""An entry's review date and owner (#17.4): set from the CLI or /admin, kept by exports and backups, and an
entry past its date is listed by the health report and counted on the dashboard."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante import editing
from faqsante.answers import catalog
from faqsante.cli import app
from faqsante.errors import InvalidInput
from faqsante.health.lint import lint_database
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.export import render_export

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "001_551341d1aa6bf55a.txt"
runner = CliRunner()


@pytest.fixture
def seeded(db: Database) -> Database:
    ingest_paths(db, [SAMPLE])
    return db


def first_id(db: Database) -> str:
    return catalog.list_entries(db).items[0].id


def review_due(db: Database, today: date) -> list[str]:
    return [finding.detail for finding in lint_database(db, today=today, kinds=["review-due"])]


def test_an_entry_past_its_review_date_is_in_the_health_report_with_its_owner(seeded: Database) -> None:
    entry_id = first_id(seeded)
    assert editing.set_review(seeded, entry_id, review_at=date(2027, 3, 31), owner="  Équipe   INS ")
    assert not editing.set_review(seeded, entry_id, review_at=date(2027, 3, 31), owner="Équipe INS")  # unchanged

    assert review_due(seeded, date(2027, 3, 31)) == []  # due that day, not yet late
    assert review_due(seeded, date(2027, 4, 1)) == ["à relire depuis le 31/03/2027 (responsable : Équipe INS)"]
    shown = catalog.provenance(seeded, entry_id)
    assert shown.updated_at == shown.added_at  # bookkeeping, not content: no date a visitor reads moves


@pytest.mark.parametrize(
    ("typed", "owner", "message"),
    [("2027-02-30", "", "illisible"), ("31/03/0227", "", "entre 2000 et 2100"), ("", "x" * 121, "trop long")],
)
def test_a_bad_date_or_owner_is_refused_in_french(seeded: Database, typed: str, owner: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        editing.set_review(seeded, first_id(seeded), review_at=editing.parse_review_date(typed), owner=owner)


def test_the_cli_sets_and_clears_a_review_and_lint_lists_it(seeded: Database) -> None:
    entry_id = first_id(seeded)
    url = seeded.url
    yesterday = (date.today() - timedelta(days=1)).isoformat()

    done = runner.invoke(app, ["entries", "review", entry_id, "--date", yesterday, "--owner", "Marie", "--db", url])
    report = runner.invoke(app, ["lint", "--json", "--kind", "review-due", "--db", url])
    refused = runner.invoke(app, ["entries", "review", entry_id, "--date", "demain", "--db", url])
    cleared = runner.invoke(app, ["entries", "review", entry_id, "--date", "", "--db", url])

    assert done.exit_code == 0 and "responsable : Marie" in done.output
    assert [finding["entry_id"] for finding in json.loads(report.output)] == [entry_id]
    assert refused.exit_code == 2 and "illisible" in refused.output
    assert cleared.exit_code == 0 and "sans date de relecture, responsable : Marie" in cleared.output
    assert review_due(seeded, date.today()) == []


def test_exports_carry_the_review_date_and_owner_back(seeded: Database, tmp_path: Path) -> None:
    entry_id = first_id(seeded)
    editing.set_review(seeded, entry_id, review_at=date(2027, 3, 31), owner="Équipe INS")
    for format in ("jsonl", "csv"):
        exported = tmp_path / f"faq.{format}"
        exported.write_text(render_export(seeded, format), encoding="utf-8")
        restored = Database(f"sqlite:///{tmp_path / format}.db")
        ingest_paths(restored, [exported])
        entry = editing.get_entry(restored, entry_id)
        assert (entry.review_at, entry.owner) == (date(2027, 3, 31), "Équipe INS")
        restored.dispose()
