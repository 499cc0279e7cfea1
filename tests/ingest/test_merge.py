"""Re-ingest is idempotent and lossless: ids stay, changes become revisions, nothing is ever deleted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from faqsante import editing
from faqsante.config import Settings
from faqsante.errors import IngestError
from faqsante.ingest import ingest_paths
from faqsante.ingest.base import fold_for_comparison, parse_file
from faqsante.store import Database
from faqsante.store.export import render_export
from faqsante.store.models import Entry, EntryRevision, EntrySource, Feedback

REGIONAL_DUMP = "004_f08617c875fe96e2.txt"


def lexical(db: Database) -> Settings:
    """Editing tags and indexes the entry it saves: without a model, from the taxonomy's words alone."""
    return Settings().model_copy(update={"db_url": db.url, "embedder": "none"})


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
        text.replace(edited_from, "Medimail conserve les messages pendant 6 mois.").replace(
            removed + "\n", "Le service est désormais disponible en outre-mer.\n"
        ),
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
def test_an_export_restores_an_empty_database(db: Database, sample_dir: Path, tmp_path: Path, format: str) -> None:
    ingest_paths(db, [sample_dir])
    with db.session() as session:
        session.get(Entry, next(iter(entry_ids(db).values()))).status = "archived"  # type: ignore[union-attr]
    exported = render_export(db, format)
    path = tmp_path / f"export.{format}"
    path.write_text(exported, encoding="utf-8")

    restored = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    ingest_paths(restored, [path])

    assert render_export(restored, format) == exported


# --- issue #11: no ingest may lose, shuffle or duplicate data ---------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def published(db: Database) -> dict[str, tuple[str, list[str]]]:
    """answer -> (id, source names) of every published entry."""
    with db.session() as session:
        return {
            entry.answer: (entry.id, entry.source_names)
            for entry in session.scalars(select(Entry).where(Entry.status == "published"))
        }


def votes(db: Database, entry_id: str) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).where(Feedback.entry_id == entry_id)) or 0


def vote(db: Database, entry_id: str, count: int) -> None:
    with db.session() as session:
        session.add_all(Feedback(entry_id=entry_id, visitor=f"v{n}", helpful=True) for n in range(count))


@pytest.mark.parametrize("similar", [False, True], ids=["dissimilar", "same-question"])
def test_same_file_name_in_two_folders_are_two_sources(db: Database, tmp_path: Path, similar: bool) -> None:
    # #11.2: sources were keyed by file name, so cnam/faq.csv replaced or archived ans/faq.csv's entry.
    question = "Comment obtenir une carte CPS ?"
    write(tmp_path / "faqs" / "ans" / "faq.csv", f"question,answer\n{question},Commandez-la sur le portail de l'ANS.\n")
    other = question if similar else "Quel est le délai de remboursement ?"
    write(tmp_path / "faqs" / "cnam" / "faq.csv", f"question,answer\n{other},Commandez-la auprès de votre caisse.\n")

    ingest_paths(db, [tmp_path / "faqs"])
    first = published(db)
    vote(db, first["Commandez-la auprès de votre caisse."][0], 3)
    reports = [ingest_paths(db, [tmp_path / "faqs"]) for _ in range(2)]

    assert published(db) == first
    assert sorted(sources for _, sources in first.values()) == [["ans/faq.csv"], ["cnam/faq.csv"]]
    assert [(r.added, r.updated, r.archived, r.unchanged) for r in reports] == [(0, 0, 0, 2)] * 2
    assert votes(db, first["Commandez-la auprès de votre caisse."][0]) == 3
    assert votes(db, first["Commandez-la sur le portail de l'ANS."][0]) == 0


def test_two_folders_named_on_the_command_line_keep_their_own_sources_run_after_run(
    db: Database, tmp_path: Path
) -> None:
    ans = write(tmp_path / "ans" / "faq.csv", "question,answer\nQ1 ?,Réponse de l'ANS.\n").parent
    cnam = write(tmp_path / "cnam" / "faq.csv", "question,answer\nQ2 ?,Réponse de la CNAM.\n").parent

    first = ingest_paths(db, [ans, cnam])
    before = published(db)
    again = ingest_paths(db, [ans, cnam])
    alone = ingest_paths(db, [cnam])  # the same folder imported on its own is still the same source

    assert first.sources == again.sources == ["faq.csv", "cnam/faq.csv"]
    assert alone.sources == ["cnam/faq.csv"]
    assert published(db) == before
    assert (again.unchanged, again.archived, alone.unchanged, alone.archived) == (2, 0, 1, 0)


def test_seed_sources_keep_their_names(db: Database, sample_dir: Path) -> None:
    report = ingest_paths(db, [sample_dir])
    assert report.sources == sorted(path.name for path in sample_dir.glob("*.txt"))


def test_an_edited_answer_follows_its_source_when_the_source_changes_slightly(db: Database, tmp_path: Path) -> None:
    # #11.3: matching compared the new source text with the editor's rewrite, found nothing, archived the
    # edited entry (and its votes) and published a fresh copy of the source.
    dump = write(
        tmp_path / "faq.txt",
        "Pro Santé Connect\n\nLa session Pro Santé Connect dure 4 heures, puis il faut se reconnecter.\n"
        "Cette réponse vous a-t-elle été utile ?\n"
        "L'application e-CPS s'installe depuis les magasins d'applications.\n"
        "Cette réponse vous a-t-elle été utile ?\n",
    )
    ingest_paths(db, [dump])
    ((entry_id, _),) = [value for answer, value in published(db).items() if "4 heures" in answer]
    rewritten = "Une session dure quatre heures. Ensuite, reconnectez-vous avec votre carte ou votre e-CPS."
    editing.edit_entry(db, entry_id, {"answer": rewritten}, author="marie", settings=lexical(db))
    vote(db, entry_id, 5)

    write(dump, dump.read_text(encoding="utf-8").replace("4 heures", "4 h"))
    report = ingest_paths(db, [dump])

    assert (report.added, report.archived, report.updated) == (0, 0, 1)
    assert published(db)[rewritten] == (entry_id, ["faq.txt"])  # the editor's text stays, with its votes
    assert votes(db, entry_id) == 5
    with db.session() as session:
        entry = session.get(Entry, entry_id)
        assert entry is not None and "4 h," in (entry.ingested_answer or "")
    assert ingest_paths(db, [dump]).unchanged == 2  # the new source text is now the reference


def test_an_edited_question_does_not_hide_its_entry_from_its_source(db: Database, tmp_path: Path) -> None:
    dump = write(tmp_path / "faq.csv", "question,answer\nQu'est-ce que l'INS ?,L'identité nationale de santé.\n")
    ingest_paths(db, [dump])
    ((entry_id, _),) = published(db).values()
    editing.edit_entry(db, entry_id, {"question": "INS : de quoi s'agit-il ?"}, author="marie", settings=lexical(db))

    write(dump, "question,answer\nQu'est-ce que l'INS ?,L'identité nationale de santé (INS).\n")
    report = ingest_paths(db, [dump])

    assert (report.added, report.archived) == (0, 0)
    entry = editing.get_entry(db, entry_id)
    assert (entry.question, entry.answer) == ("INS : de quoi s'agit-il ?", "L'identité nationale de santé (INS).")


@pytest.mark.parametrize("copies", [2, 5])
def test_identical_rows_of_one_file_are_one_entry(db: Database, tmp_path: Path, copies: int) -> None:
    # #11.4: five identical rows raised "entry id space exhausted"; two to four were not merged, and the
    # next import of the unchanged file archived one of them.
    dump = write(tmp_path / "faq.csv", "question,answer\n" + "Même question ?,Même réponse.\n" * copies)

    first = ingest_paths(db, [dump])
    second = ingest_paths(db, [dump])

    assert (first.added, first.duplicates_merged) == (1, copies - 1)
    assert (second.added, second.updated, second.archived, second.unchanged) == (0, 0, 0, 1)
    assert count(db, Entry) == 1


def test_repeated_short_answers_of_a_scraped_page_are_one_entry(db: Database, tmp_path: Path) -> None:
    widget = "Cette réponse vous a-t-elle été utile ?\n"
    dump = write(tmp_path / "page.txt", ("Oui.\n" + widget) * 5 + "Non, jamais.\n" + widget)

    first = ingest_paths(db, [dump])
    second = ingest_paths(db, [dump])

    assert (first.added, first.duplicates_merged) == (2, 4)
    assert (second.archived, second.unchanged) == (0, 2)
    assert sorted(published(db)) == ["Non, jamais.", "Oui."]


def test_an_entry_whose_content_ids_are_taken_still_gets_an_id(db: Database, tmp_path: Path) -> None:
    # Ids derive from the content: editors' copies of one text used to exhaust them at the fifth.
    for _ in range(4):
        editing.create_entry(db, question="Q ?", answer="R.", section=None, author="marie", settings=lexical(db))
    dump = write(tmp_path / "faq.csv", "question,answer\nQ ?,R.\n")

    assert ingest_paths(db, [dump]).added == 1
    with db.session() as session:
        ids = session.scalars(select(Entry.id)).all()
    assert len(set(ids)) == 5 and all(len(entry_id) <= 32 for entry_id in ids)


@pytest.mark.parametrize("format", ["jsonl", "json", "csv"])
def test_reingesting_the_export_changes_nothing_even_for_edited_entries(
    db: Database, sample_dir: Path, tmp_path: Path, format: str
) -> None:
    # #11.5: ids were in the export but ignored: every edited entry came back as a duplicate.
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    edited_id = next(iter(published(db).values()))[0]
    editing.edit_entry(
        db, edited_id, {"answer": "Réponse réécrite par une rédactrice."}, author="marie", settings=lexical(db)
    )
    before, entries = render_export(db, format), count(db, Entry)
    path = write(tmp_path / f"export.{format}", before)

    report = ingest_paths(db, [path])

    assert (report.added, report.updated, report.archived) == (0, 0, 0)
    assert count(db, Entry) == entries
    assert render_export(db, format) == before


def test_an_export_edited_outside_updates_its_entries_in_place(db: Database, sample_dir: Path, tmp_path: Path) -> None:
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    before = count(db, Entry)
    exported = render_export(db, "jsonl")
    first = json.loads(exported.splitlines()[0])
    path = write(
        tmp_path / "export.jsonl",
        exported.replace(json.dumps(first["answer"], ensure_ascii=False)[1:-1], "Corrigée.", 1),
    )

    report = ingest_paths(db, [path])

    assert (report.added, report.updated) == (0, 1)
    assert count(db, Entry) == before
    assert editing.get_entry(db, first["id"]).answer == "Corrigée."
