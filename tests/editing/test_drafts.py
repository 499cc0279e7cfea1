"""Drafts and the review step: saved aside, published as a separate action, any revision restored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from faqsante import editing
from faqsante.answers import catalog
from faqsante.config import Settings
from faqsante.errors import EditConflict, InvalidInput, NotFound
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.models import Entry

REGIONAL_DUMP = "004_f08617c875fe96e2.txt"


@pytest.fixture
def seeded(db: Database, sample_dir: Path) -> Database:
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    return db


@pytest.fixture
def settings(db: Database) -> Settings:
    return Settings().model_copy(update={"db_url": db.url, "embedder": "none"})


def an_entry(db: Database) -> str:
    with db.session() as session:
        entry_id = session.scalar(select(Entry.id).where(Entry.status == "published").order_by(Entry.id))
    assert entry_id
    return entry_id


def test_a_draft_changes_nothing_public_until_published(seeded: Database, settings: Settings) -> None:
    entry_id = an_entry(seeded)
    before = editing.get_entry(seeded, entry_id)
    version = seeded.data_version()

    editing.save_draft(seeded, entry_id, {"question": before.question, "answer": "Nouvelle réponse relue.",
                                         "section": before.section}, author="marie", base_revision=before.revision)  # fmt: skip

    assert catalog.get_entry(seeded, entry_id).answer == before.answer and seeded.data_version() == version
    assert editing.get_draft(seeded, entry_id).answer == "Nouvelle réponse relue."  # type: ignore[union-attr]

    changed = editing.publish_draft(seeded, entry_id, author="paul", settings=settings)

    assert changed == ["answer"] and seeded.data_version() > version
    after = editing.get_entry(seeded, entry_id)
    assert catalog.get_entry(seeded, entry_id).answer == "Nouvelle réponse relue."
    assert (after.revisions[-1].author, after.revisions[-1].note) == ("paul", "brouillon de marie publié")
    assert editing.get_draft(seeded, entry_id) is None


def test_a_draft_written_before_someone_published_is_a_conflict_and_stays(seeded: Database, settings: Settings) -> None:
    entry_id = an_entry(seeded)
    start = editing.get_entry(seeded, entry_id).revision
    editing.save_draft(seeded, entry_id, {"answer": "Version de Marie."}, author="marie", base_revision=start)
    editing.edit_entry(seeded, entry_id, {"answer": "Version de Paul."}, author="paul", settings=settings)

    with pytest.raises(EditConflict):
        editing.publish_draft(seeded, entry_id, author="marie", settings=settings)

    assert catalog.get_entry(seeded, entry_id).answer == "Version de Paul."
    assert editing.get_draft(seeded, entry_id) is not None
    with pytest.raises(EditConflict):  # nor can a draft be saved over a version its author did not see
        editing.save_draft(seeded, entry_id, {"answer": "Encore"}, author="marie", base_revision=start)


def test_a_new_entry_can_start_as_a_draft(seeded: Database, settings: Settings) -> None:
    entry_id = editing.create_entry(seeded, question="Tarif de TéléO ?", answer="Gratuit.", author="marie",
                                    settings=settings, status="draft")  # fmt: skip

    with pytest.raises(NotFound):
        catalog.get_entry(seeded, entry_id)
    assert editing.publish_draft(seeded, entry_id, author="paul", settings=settings) == ["status"]
    assert catalog.get_entry(seeded, entry_id).answer == "Gratuit."


def test_any_revision_can_be_restored(seeded: Database, settings: Settings) -> None:
    entry_id = an_entry(seeded)
    original = editing.get_entry(seeded, entry_id)
    editing.edit_entry(seeded, entry_id, {"answer": "Deuxième version."}, author="marie", settings=settings)
    editing.edit_entry(seeded, entry_id, {"answer": "Troisième version."}, author="marie", settings=settings)
    latest = editing.get_entry(seeded, entry_id).revision

    editing.restore_revision(
        seeded, entry_id, original.revision, author="paul", settings=settings, base_revision=latest
    )

    restored = editing.get_entry(seeded, entry_id)
    assert (
        restored.answer == original.answer and restored.revisions[-1].note == f"révision {original.revision} restaurée"
    )
    assert len(restored.revisions) == latest + 1  # nothing in between is lost
    with pytest.raises(NotFound, match="pas de révision 999"):
        editing.restore_revision(seeded, entry_id, 999, author="paul", settings=settings, base_revision=latest + 1)


def test_an_empty_draft_is_refused_with_its_field(seeded: Database) -> None:
    entry_id = an_entry(seeded)
    with pytest.raises(InvalidInput) as refused:
        editing.save_draft(seeded, entry_id, {"answer": "  "}, author="marie",
                          base_revision=editing.get_entry(seeded, entry_id).revision)  # fmt: skip
    assert refused.value.field == "answer"


def test_publishing_an_edit_spends_the_draft_it_showed_in_the_same_transaction(
    seeded: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« Publier les modifications »: the edit and the spent draft are one transaction. A failure after the
    draft was deleted (here the re-tagging) rolls both back: the entry is unchanged and the draft is still there."""
    entry_id = an_entry(seeded)
    start = editing.get_entry(seeded, entry_id)
    editing.save_draft(seeded, entry_id, {"answer": "Texte relu."}, author="marie", base_revision=start.revision)
    draft = editing.get_draft(seeded, entry_id)  # as the edit form shows it
    assert draft is not None

    def failing_retag(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("panne pendant l'étiquetage")

    monkeypatch.setattr("faqsante.editing.entries.retag_in", failing_retag)
    with pytest.raises(RuntimeError):
        editing.edit_entry(seeded, entry_id, {"answer": "Texte relu et publié."}, author="paul", settings=settings,
                           base_revision=start.revision, draft_seen=draft.version)  # fmt: skip
    assert editing.get_entry(seeded, entry_id).answer == start.answer
    assert editing.get_draft(seeded, entry_id) == draft

    monkeypatch.undo()
    editing.edit_entry(seeded, entry_id, {"answer": "Texte relu et publié."}, author="paul", settings=settings,
                       base_revision=start.revision, draft_seen=draft.version)  # fmt: skip
    assert editing.get_entry(seeded, entry_id).answer == "Texte relu et publié."
    assert editing.get_draft(seeded, entry_id) is None


def test_publishing_an_edit_keeps_a_draft_saved_after_the_form_was_opened(seeded: Database, settings: Settings) -> None:
    entry_id = an_entry(seeded)
    start = editing.get_entry(seeded, entry_id).revision
    editing.save_draft(seeded, entry_id, {"answer": "Brouillon de Marie."}, author="marie", base_revision=start)

    editing.edit_entry(seeded, entry_id, {"answer": "Version de Paul."}, author="paul", settings=settings,
                       base_revision=start, draft_seen="")  # fmt: skip  # Paul's form showed no draft

    draft = editing.get_draft(seeded, entry_id)
    assert draft is not None and draft.answer == "Brouillon de Marie."
