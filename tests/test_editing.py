"""Editors' changes are kept: history, locks that survive re-ingest, merges that carry votes along."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from faqsante import editing
from faqsante.answers import catalog
from faqsante.config import Settings
from faqsante.errors import EditConflict, InvalidInput, NotFound
from faqsante.facets import tags_by_entry
from faqsante.facets.entry_tags import facet_conditions
from faqsante.feedback.audience import record_vote, submit_question
from faqsante.ingest import ingest_paths
from faqsante.search import SearchEngine
from faqsante.store import Database
from faqsante.store.models import Entry, EntryFacet, EntryRevision, EntrySource, Feedback, QueryLog, utcnow

REGIONAL_DUMP = "004_f08617c875fe96e2.txt"
LOST_QUESTION = "Oui, c'est cela."


def entry_id_of(db: Database, answer: str) -> str:
    with db.session() as session:
        entry_id = session.scalar(select(Entry.id).where(Entry.answer == answer))
    assert entry_id, answer
    return entry_id


def lexical(db: Database) -> Settings:
    """Tagging and search without a model: the filters then come from the taxonomy's words alone."""
    return Settings().model_copy(update={"db_url": db.url, "embedder": "none"})


def revision_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(EntryRevision)) or 0


def test_an_edit_survives_the_next_ingest_of_the_same_dump(db: Database, sample_dir: Path) -> None:
    ingest_paths(db, [sample_dir])
    entry_id = entry_id_of(db, LOST_QUESTION)
    version = db.data_version()

    changed = editing.edit_entry(
        db,
        entry_id,
        {
            "question": "Le DMN reçoit-il l'identité par un message HL7 ?",
            "answer": "Oui, c'est cela :\r\nun message ADT.",
        },
        author="marie",
        settings=lexical(db),
        base_revision=1,
    )
    ingest_paths(db, [sample_dir])

    assert changed == ["question", "answer"]
    entry = editing.get_entry(db, entry_id)
    assert entry.question == "Le DMN reçoit-il l'identité par un message HL7 ?"
    assert entry.answer == "Oui, c'est cela :\nun message ADT."
    assert entry.locked_fields == ["answer", "question"]
    assert [(r.number, r.author) for r in entry.revisions] == [(1, "import"), (2, "marie")]
    assert entry.revisions[0].answer == LOST_QUESTION
    assert db.data_version() == version + 1  # the edit bumped it; the re-ingest found nothing to do


def test_locked_fields_keep_the_editor_text_while_the_source_updates_the_rest(
    sqlite_url: str, sample_dir: Path, tmp_path: Path
) -> None:
    db = Database(sqlite_url)
    dump = tmp_path / REGIONAL_DUMP
    shutil.copy(sample_dir / REGIONAL_DUMP, dump)
    ingest_paths(db, [dump])
    original = (
        "Sur Mon Espace Santé, il n’est pas prévu de suppression automatique des messages. "
        "Medimail conserve les messages pendant 3 mois."
    )
    entry_id = entry_id_of(db, original)
    editing.edit_entry(
        db, entry_id, {"section": "Messagerie de Mon espace santé"}, author="marie", settings=lexical(db)
    )

    edited = dump.read_text(encoding="utf-8").replace(
        "conserve les messages pendant 3 mois.", "conserve les messages pendant 6 mois."
    )
    dump.write_text(edited, encoding="utf-8")
    report = ingest_paths(db, [dump])

    entry = editing.get_entry(db, entry_id)
    assert report.updated == 1
    assert "6 mois" in entry.answer  # not locked: the source's correction arrives
    assert entry.section == "Messagerie de Mon espace santé"  # locked: the editor's wins


def test_an_archived_entry_stays_archived_and_quiet_across_ingests(sqlite_url: str, sample_dir: Path) -> None:
    db = Database(sqlite_url)
    ingest_paths(db, [sample_dir])
    entry_id = entry_id_of(db, LOST_QUESTION)
    assert editing.set_status(db, entry_id, "archived", author="marie", settings=lexical(db))
    revisions, version = revision_count(db), db.data_version()

    report = ingest_paths(db, [sample_dir])

    assert editing.get_entry(db, entry_id).status == "archived"
    assert (report.updated, revision_count(db), db.data_version()) == (0, revisions, version)
    assert not editing.set_status(
        db, entry_id, "archived", author="marie", settings=lexical(db)
    )  # no change, no revision


def test_a_stale_form_is_refused_and_nothing_is_written(sqlite_url: str, sample_dir: Path) -> None:
    db = Database(sqlite_url)
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    entry_id = entry_id_of(db, "Pour l’instant, ce n’est pas prévu.")
    editing.edit_entry(
        db, entry_id, {"question": "Première version ?"}, author="marie", settings=lexical(db), base_revision=1
    )

    with pytest.raises(EditConflict, match="marie"):
        editing.edit_entry(
            db, entry_id, {"question": "Autre version ?"}, author="paul", settings=lexical(db), base_revision=1
        )
    assert editing.get_entry(db, entry_id).question == "Première version ?"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"answer": "  \r\n "}, "answer"), ({"question": "x" * 501}, "question"), ({"status": "published"}, None)],
)
def test_invalid_edits_are_refused(sqlite_url: str, sample_dir: Path, changes: dict, field: str | None) -> None:
    db = Database(sqlite_url)
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    entry_id = entry_id_of(db, "Pour l’instant, ce n’est pas prévu.")
    with pytest.raises(InvalidInput) as error:
        editing.edit_entry(db, entry_id, changes, author="marie", settings=lexical(db))
    assert error.value.field == field
    with pytest.raises(NotFound):
        editing.edit_entry(db, "inconnue", {"question": "?"}, author="marie", settings=lexical(db))


def test_answering_a_submitted_question_creates_or_links_an_entry(db: Database, sample_dir: Path) -> None:
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    first = submit_question(db, "Combien de temps Medimail garde-t-il les messages ?")
    second = submit_question(db, "Peut-on écrire à un patient sur Mon espace santé ?")
    spam = submit_question(db, "Achetez des montres")
    existing = entry_id_of(db, "Pour l’instant, ce n’est pas prévu.")

    created = editing.answer_question(
        db, first.id, author="marie", settings=lexical(db), answer="Trois mois.", section="MSSanté"
    )
    linked = editing.answer_question(db, second.id, author="marie", settings=lexical(db), entry_id=existing)
    editing.dismiss_question(db, spam.id)

    assert linked == existing
    entry = editing.get_entry(db, created)
    assert (entry.question, entry.answer, entry.section, entry.status) == (
        "Combien de temps Medimail garde-t-il les messages ?",
        "Trois mois.",
        "MSSanté",
        "published",
    )
    assert editing.list_questions(db) == []
    answered = {q.id: q.answer_entry_id for q in editing.list_questions(db, "answered")}
    assert answered == {first.id: created, second.id: existing}
    assert [q.id for q in editing.list_questions(db, "dismissed")] == [spam.id]
    assert catalog.get_entry(db, created).answer == "Trois mois."


def test_merging_moves_votes_clicks_and_sources_and_survives_reingest(db: Database, sample_dir: Path) -> None:
    ingest_paths(db, [sample_dir])
    kept = entry_id_of(db, "Non, le référencement au Catalogue de services n’est pas obligatoire.")  # file 002
    duplicate = entry_id_of(db, "Non, cela n'est pas obligatoire.")  # file 003
    record_vote(db, duplicate, "alice", helpful=True)
    record_vote(db, duplicate, "bob", helpful=False)
    record_vote(db, kept, "bob", helpful=True)
    with db.session() as session:  # bob's vote on the duplicate is his latest
        session.execute(
            Feedback.__table__.update()
            .where(Feedback.entry_id == kept, Feedback.visitor == "bob")
            .values(created_at=utcnow() - timedelta(days=1))
        )
        session.add(QueryLog(query="catalogue obligatoire", result_ids=[duplicate], clicked_entry_id=duplicate))

    report = editing.merge_entries(db, duplicate, kept, author="marie", settings=lexical(db))
    ingest_paths(db, [sample_dir])

    assert (report.votes_moved, report.votes_dropped, report.sources_moved) == (1, 1, 1)
    with db.session() as session:
        votes = {row.visitor: row.helpful for row in session.scalars(select(Feedback).where(Feedback.entry_id == kept))}
        clicked = session.scalar(select(QueryLog.clicked_entry_id))
        links = session.scalars(select(EntrySource.entry_id).where(EntrySource.entry_id.in_([kept, duplicate]))).all()
    assert votes == {"alice": True, "bob": False}
    assert clicked == kept
    assert sorted(links) == [kept, kept]  # files 002 and 003, after a re-ingest too
    merged = editing.get_entry(db, duplicate)
    assert (merged.status, merged.merged_into) == ("archived", kept)
    assert [r.note for r in merged.revisions] == ["import", f"fusionnée dans {kept}"]
    assert catalog.get_entry(db, duplicate).id == kept
    with pytest.raises(InvalidInput):
        editing.merge_entries(
            db, kept, duplicate, author="marie", settings=lexical(db)
        )  # merging into its own duplicate


def test_entries_are_listed_by_text_and_status(sqlite_url: str, sample_dir: Path) -> None:
    db = Database(sqlite_url)
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    entry_id = entry_id_of(db, "Pour l’instant, ce n’est pas prévu.")
    editing.set_status(db, entry_id, "archived", author="marie", settings=lexical(db))

    assert [row.id for row in editing.list_entries(db, status="archived").items] == [entry_id]
    assert editing.list_entries(db, text="medimail").total > 3
    assert editing.list_entries(db, text=entry_id).items[0].id == entry_id


def test_facets_set_by_an_editor_are_decisions_the_tagger_keeps(sqlite_url: str, sample_dir: Path) -> None:
    db = Database(sqlite_url)
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    entry_id = entry_id_of(db, "Pour l’instant, ce n’est pas prévu.")

    assert editing.set_facets(db, entry_id, {"Produit": ["INS", "dmp"]}, author="marie", settings=lexical(db)) == [
        "+produit=dmp",
        "+produit=ins",
    ]
    ticked = {facet: list(values) for facet, values in editing.entry_facets(db, entry_id).items()}  # as the form shows
    assert editing.set_facets(db, entry_id, {**ticked, "produit": ["dmp"]}, author="marie", settings=lexical(db)) == [
        "−produit=ins"
    ]

    assert editing.entry_facets(db, entry_id)["produit"] == {"dmp": "editor"}
    with db.session() as session:
        rejected = session.get(EntryFacet, (entry_id, "produit", "ins"))
    assert rejected is not None and (rejected.origin, rejected.confidence) == ("editor", 0.0)
    assert editing.get_entry(db, entry_id).revisions[-1].note == "filtres : −produit=ins"
    with pytest.raises(InvalidInput):
        editing.set_facets(db, entry_id, {"produit": ["fax"]}, author="marie", settings=lexical(db))


INS_ANSWER = (
    "Le téléservice INSi renvoie l'identité nationale de santé (INS) du patient à partir de ses traits stricts : "
    "le logiciel la qualifie avant de l'utiliser dans les documents."
)


def test_an_entry_an_editor_creates_is_tagged_and_found_under_its_filter_at_once(
    db: Database, sample_dir: Path
) -> None:
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    settings = lexical(db)
    engine = SearchEngine(db, settings)
    engine.refresh()
    version = db.data_version()

    entry_id = editing.create_entry(
        db, question="Comment récupérer l'INS d'un patient ?", answer=INS_ANSWER, author="marie", settings=settings
    )

    assert db.data_version() == version + 1  # the entry, its revision and its tags: one change
    assert editing.entry_facets(db, entry_id)["produit"] == {"ins": "auto"}
    listed = catalog.list_entries(db, where=facet_conditions({"produit": ["ins"]}), per_page=100).items
    assert entry_id in [item.id for item in listed]
    engine.refresh()  # what every worker does within a second of a data_version bump
    found = engine.ask("récupérer l'INS d'un patient", facets={"produit": ["ins"]})
    assert [hit.id for hit in found.results][:1] == [entry_id]


def test_an_edit_retags_the_entry_and_keeps_what_the_editor_decided(db: Database, sample_dir: Path) -> None:
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    settings = lexical(db)
    entry_id = entry_id_of(db, "Pour l’instant, ce n’est pas prévu.")
    editing.set_facets(db, entry_id, {"thematique": ["securite"]}, author="marie", settings=settings)

    editing.edit_entry(db, entry_id, {"answer": INS_ANSWER}, author="marie", settings=settings)

    carried = editing.entry_facets(db, entry_id)
    assert carried["produit"] == {"ins": "auto"}
    assert carried["thematique"] == {"securite": "editor"}  # the editor curated this facet: the tagger keeps off


def test_an_import_merges_and_tags_every_entry_in_one_change(db: Database, sample_dir: Path) -> None:
    version = db.data_version()

    report = editing.import_sources(db, lexical(db), [sample_dir])

    assert report.ingest.added > 300 and report.tags.added >= report.ingest.added
    assert db.data_version() == version + 1
    tags = tags_by_entry(db)
    assert all(values.get("produit") or values.get("thematique") for values in tags.values())
    again = editing.import_sources(db, lexical(db), [sample_dir])
    assert (again.ingest.changed, again.tags.changed, db.data_version()) == (False, False, version + 1)
