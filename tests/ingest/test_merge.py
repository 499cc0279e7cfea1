"""Re-ingest is idempotent and lossless: ids stay, changes become revisions, nothing is ever deleted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from faqsante.errors import IngestError
from faqsante.ingest import ingest_paths
from faqsante.ingest.base import fold_for_comparison, parse_file
from faqsante.store import Database
from faqsante.store.export import render_export
from faqsante.store.models import Entry, EntryRevision, EntrySource

REGIONAL_DUMP = "004_f08617c875fe96e2.txt"


def entry_ids(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {entry.content_hash: entry.id for entry in session.scalars(select(Entry))}


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_seed_corpus_gives_334_entries_with_the_3_duplicates_merged(db: Database, sample_dir: Path) -> None:
    report = ingest_paths(db, [sample_dir])

    assert (report.added, report.duplicates_merged, len(report.sources)) == (334, 3, 5)
    assert count(db, Entry) == 334
    with db.session() as session:
        multi_source = session.scalars(
            select(EntrySource.entry_id).group_by(EntrySource.entry_id).having(func.count() > 1)
        ).all()
    assert len(multi_source) == 3


def test_every_seed_answer_is_exported_in_full(db: Database, sample_dir: Path) -> None:
    ingest_paths(db, [sample_dir])
    exported = fold_for_comparison(render_export(db, "json"))
    for path in sorted(sample_dir.glob("*.txt")):
        for parsed in parse_file(path).entries:
            for paragraph in parsed.answer.split("\n"):
                assert fold_for_comparison(paragraph).replace('"', '\\"') in exported


def test_second_ingest_changes_nothing_and_keeps_every_id(db: Database, sample_dir: Path) -> None:
    ingest_paths(db, [sample_dir])
    ids_before, version_before = entry_ids(db), db.data_version()

    report = ingest_paths(db, [sample_dir])

    assert (report.added, report.updated, report.archived, report.unchanged) == (0, 0, 0, 334)
    assert entry_ids(db) == ids_before
    assert db.data_version() == version_before
    assert count(db, EntryRevision) == 334


def test_updated_dump_updates_in_place_archives_the_missing_and_adds_the_new(
    db: Database, sample_dir: Path, tmp_path: Path
) -> None:
    dump = tmp_path / REGIONAL_DUMP
    shutil.copy(sample_dir / REGIONAL_DUMP, dump)
    ingest_paths(db, [dump])
    text = dump.read_text(encoding="utf-8")
    edited_from = "Medimail conserve les messages pendant 3 mois."
    removed = "Les messages sont visibles seulement pour les personnes intégrées dans l'échange."
    assert edited_from in text and removed in text
    with db.session() as session:
        edited_id = session.scalar(select(Entry.id).where(Entry.answer.contains(edited_from)))
        removed_id = session.scalar(select(Entry.id).where(Entry.answer == removed))

    dump.write_text(
        text.replace(edited_from, "Medimail conserve les messages pendant 6 mois.")
        .replace(removed + "\n", "Le service est désormais disponible en outre-mer.\n"),
        encoding="utf-8",
    )
    report = ingest_paths(db, [dump])

    assert (report.updated, report.added, report.archived) == (1, 1, 1)
    with db.session() as session:
        edited = session.get(Entry, edited_id)
        assert edited is not None and "6 mois" in edited.answer
        assert [revision.number for revision in edited.revisions] == [1, 2]
        assert "3 mois" in edited.revisions[0].answer
        archived = session.get(Entry, removed_id)
        assert archived is not None and archived.status == "archived"


def test_a_broken_file_rolls_the_whole_run_back(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    before = (count(db, Entry), db.data_version())
    broken = tmp_path / "zz_broken.csv"
    broken.write_text("question;section\nQuoi ?;Général\n", encoding="utf-8")

    with pytest.raises(IngestError) as error:
        ingest_paths(db, [sample_dir, broken])

    assert "zz_broken.csv" in str(error.value)
    assert (count(db, Entry), db.data_version()) == before


def test_a_binary_file_is_refused_naming_it(db: Database, tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    with pytest.raises(IngestError, match="photo.txt"):
        ingest_paths(db, [binary])
    assert count(db, Entry) == 0


@pytest.mark.parametrize("format", ["jsonl", "json", "csv"])
def test_an_export_restores_an_empty_database(
    db: Database, sample_dir: Path, tmp_path: Path, format: str
) -> None:
    ingest_paths(db, [sample_dir])
    with db.session() as session:
        session.get(Entry, next(iter(entry_ids(db).values()))).status = "archived"  # type: ignore[union-attr]
    exported = render_export(db, format)
    path = tmp_path / f"export.{format}"
    path.write_text(exported, encoding="utf-8")

    restored = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    ingest_paths(restored, [path])

    assert render_export(restored, format) == exported
