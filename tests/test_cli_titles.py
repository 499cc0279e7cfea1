"""``faqsante titles export`` then ``import`` of the edited sheet sets titles; a bad sheet writes nothing."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante.answers import catalog
from faqsante.cli import app
from faqsante.editing.titles import count_untitled
from faqsante.store import Database

runner = CliRunner()


@pytest.fixture
def sample_url(seed_template: Path, tmp_path: Path) -> str:
    shutil.copy(seed_template, tmp_path / "sample.db")
    return f"sqlite:///{tmp_path / 'sample.db'}"


def exported(url: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["titles", "export", "--db", url])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "titre", "candidats", "extrait"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_sheet_round_trips_and_sets_the_titles_it_changed(sample_url: str, tmp_path: Path) -> None:
    rows = exported(sample_url)
    db = Database(sample_url)
    assert len(rows) == count_untitled(db) == 334
    assert all(row["titre"] and row["extrait"] for row in rows)
    assert any("[générée]" in row["candidats"] for row in rows)
    # the sheet as exported changes nothing
    unchanged = runner.invoke(app, ["titles", "import", str(write(tmp_path / "same.csv", rows)), "--db", sample_url])
    assert unchanged.exit_code == 0 and "0 titre(s) enregistré(s)" in unchanged.output
    rows[0]["titre"] = "Combien de temps dure une session Pro Santé Connect ?"
    rows[1]["titre"] = "=Quel est le coût ?"  # a formula-looking title, as a spreadsheet writes it back: escaped
    rows[1]["titre"] = "'" + rows[1]["titre"]
    done = runner.invoke(app, ["titles", "import", str(write(tmp_path / "titres.csv", rows)), "--db", sample_url])
    assert done.exit_code == 0, done.output
    assert "2 titre(s) enregistré(s)" in done.output
    assert catalog.get_entry(db, rows[0]["id"]).title == "Combien de temps dure une session Pro Santé Connect ?"
    assert catalog.get_entry(db, rows[1]["id"]).question == "=Quel est le coût ?"
    assert count_untitled(db) == 332
    assert {row["id"] for row in exported(sample_url)}.isdisjoint({rows[0]["id"], rows[1]["id"]})
    db.dispose()


@pytest.mark.parametrize(
    ("title", "entry_id", "reason"),
    [
        ("Un titre ?", "inconnu", "ligne 3 : aucune entrée n'a l'identifiant « inconnu »"),
        ("x" * 501, None, "ligne 3 : titre trop long (501 caractères, 500 au plus)"),
        ("Un\x00titre", None, "ligne 3 : caractère nul"),
    ],
)
def test_a_bad_row_is_named_with_its_line_and_nothing_is_written(
    sample_url: str, tmp_path: Path, title: str, entry_id: str | None, reason: str
) -> None:
    rows = exported(sample_url)[:2]
    rows[0]["titre"] = "Un titre valable ?"
    rows[1]["titre"] = title
    rows[1]["id"] = entry_id or rows[1]["id"]
    sheet = write(tmp_path / "titres.csv", rows)
    result = runner.invoke(app, ["titles", "import", str(sheet), "--db", sample_url])
    assert result.exit_code == 2
    assert f"titres.csv, {reason}" in " ".join(result.output.split())
    db = Database(sample_url)
    assert count_untitled(db) == 334  # not even the good first row
    db.dispose()
