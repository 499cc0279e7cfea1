"""Tags in the database: retag writes only differences; editors' and sources' rows are never overridden."""

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, update

from faqsante.config import Settings
from faqsante.editing import clear_editor_tag, set_editor_tag
from faqsante.errors import InvalidQuery, NotFound
from faqsante.facets import facet_counts, retag, tags_by_entry
from faqsante.facets.entry_tags import facet_conditions
from faqsante.facets.taxonomy import TAXONOMY_FILE, parse_taxonomy
from faqsante.ingest import ingest_paths
from faqsante.search.corpus import FacetFilter, load_documents
from faqsante.store import Database
from faqsante.store.models import Entry, EntryFacet

SettingsOf = Callable[[Database], Settings]


def entry_in_section(db: Database, section: str) -> str:
    with db.session() as session:
        return session.scalars(select(Entry.id).where(Entry.section == section).order_by(Entry.id)).first()


def rows(db: Database, entry_id: str) -> dict[tuple[str, str], tuple[str, float]]:
    with db.session() as session:
        return {
            (row.facet, row.value): (row.origin, row.confidence)
            for row in session.scalars(select(EntryFacet).where(EntryFacet.entry_id == entry_id))
        }


def test_retag_is_idempotent_and_then_leaves_the_data_version_alone(
    fresh_db: Database, settings_of: SettingsOf
) -> None:
    version = fresh_db.data_version()
    report = retag(fresh_db, settings_of(fresh_db))

    assert (report.entries, report.added, report.removed, report.updated) == (334, 0, 0, 0)
    assert fresh_db.data_version() == version


def test_retag_restores_lost_auto_tags_and_bumps_the_data_version(fresh_db: Database, settings_of: SettingsOf) -> None:
    entry = entry_in_section(fresh_db, "Identitovigilance et INS")
    with fresh_db.session() as session:
        session.execute(EntryFacet.__table__.delete().where(EntryFacet.entry_id == entry))
    version = fresh_db.data_version()

    report = retag(fresh_db, settings_of(fresh_db))

    assert report.added >= 2 and report.removed == 0
    assert fresh_db.data_version() == version + 1
    assert rows(fresh_db, entry)[("produit", "ins")][0] == "auto"


def test_an_editor_rejection_survives_retag_and_reingest(
    fresh_db: Database, settings_of: SettingsOf, sample_dir: Path
) -> None:
    entry = entry_in_section(fresh_db, "Identitovigilance et INS")
    set_editor_tag(fresh_db, entry, "Produit", "INS", present=False, author="marie", settings=settings_of(fresh_db))

    ingest_paths(fresh_db, [sample_dir])
    retag(fresh_db, settings_of(fresh_db))

    assert rows(fresh_db, entry)[("produit", "ins")] == ("editor", 0.0)
    assert "ins" not in tags_by_entry(fresh_db, [entry])[entry].get("produit", [])
    documents = load_documents(fresh_db)
    row = next(i for i, doc in enumerate(documents) if doc.id == entry)
    assert not FacetFilter(documents).mask({"produit": ["ins"]})[row]  # search does not see a rejection


def test_an_editor_value_replaces_the_taggers_on_that_facet(fresh_db: Database, settings_of: SettingsOf) -> None:
    entry = entry_in_section(fresh_db, "Identitovigilance et INS")
    set_editor_tag(fresh_db, entry, "produit", "DMP", author="marie", settings=settings_of(fresh_db))

    retag(fresh_db, settings_of(fresh_db))

    assert tags_by_entry(fresh_db, [entry])[entry]["produit"] == ["dmp"]
    assert "identitovigilance" in tags_by_entry(fresh_db, [entry])[entry]["thematique"]  # other facets still auto

    clear_editor_tag(fresh_db, entry, "produit", "DMP", author="marie", settings=settings_of(fresh_db))
    retag(fresh_db, settings_of(fresh_db))
    assert tags_by_entry(fresh_db, [entry])[entry]["produit"] == ["ins"]


def test_an_editor_decision_on_one_value_is_an_edit_with_its_revision(
    fresh_db: Database, settings_of: SettingsOf
) -> None:
    """Like every other edit (#18.3): a revision signed by the editor, re-tagged at once, one data version bump."""
    entry = entry_in_section(fresh_db, "Identitovigilance et INS")
    settings = settings_of(fresh_db)

    def last_revision() -> tuple[int, str, str | None]:
        with fresh_db.session() as session:
            revision = session.get(Entry, entry).revisions[-1]  # type: ignore[union-attr]
            return revision.number, revision.author, revision.note

    version, (number, _, _) = fresh_db.data_version(), last_revision()
    assert set_editor_tag(fresh_db, entry, "Produit", "DMP", author="marie", settings=settings)
    assert last_revision() == (number + 1, "marie", "filtres : +produit=dmp")
    assert fresh_db.data_version() == version + 1
    assert tags_by_entry(fresh_db, [entry])[entry]["produit"] == ["dmp"]  # no retag needed: the edit re-tagged

    assert not set_editor_tag(fresh_db, entry, "produit", "dmp", author="paul", settings=settings)  # already so
    assert last_revision()[0] == number + 1 and fresh_db.data_version() == version + 1

    assert clear_editor_tag(fresh_db, entry, "produit", "DMP", author="paul", settings=settings)
    assert last_revision() == (number + 2, "paul", "filtres : produit=dmp laissé à l'étiquetage automatique")
    assert fresh_db.data_version() == version + 2
    assert tags_by_entry(fresh_db, [entry])[entry]["produit"] == ["ins"]
    assert not clear_editor_tag(fresh_db, entry, "produit", "DMP", author="paul", settings=settings)


def test_source_values_are_kept_and_counted_under_their_taxonomy_key(
    fresh_db: Database, settings_of: SettingsOf
) -> None:
    entry = entry_in_section(fresh_db, "ROR")
    before = facet_counts(fresh_db).facets["produit"]["mssante"]
    with fresh_db.session() as session:  # as written before keys were stored (or the taxonomy named it)
        session.add(EntryFacet(entry_id=entry, facet="produit", value="MSSanté", confidence=1.0, origin="source"))

    report = retag(fresh_db, settings_of(fresh_db))

    assert rows(fresh_db, entry)[("produit", "mssante")] == ("source", 1.0) and report.renamed == 1
    assert ("produit", "MSSanté") not in rows(fresh_db, entry)
    assert ("produit", "ror") not in rows(fresh_db, entry)  # the source decided this facet
    assert facet_counts(fresh_db).facets["produit"]["mssante"] == before + 1


def test_a_value_the_taxonomy_learns_to_name_is_filtered_after_the_next_retag(
    fresh_db: Database, settings_of: SettingsOf
) -> None:
    # A source wrote « Minitel », unknown to the taxonomy; an operator then makes it an alias of « ins ».
    data = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    data["facettes"]["produit"]["valeurs"]["ins"]["alias"].append("Minitel")
    learnt = parse_taxonomy(data)
    entry, rejected = entry_in_section(fresh_db, "ROR"), entry_in_section(fresh_db, "MSSanté")
    with fresh_db.session() as session:
        session.add(EntryFacet(entry_id=entry, facet="produit", value="Minitel", confidence=1.0, origin="source"))
        session.add(EntryFacet(entry_id=rejected, facet="produit", value="Minitel", confidence=1.0, origin="source"))
    set_editor_tag(fresh_db, rejected, "produit", "ins", present=False, author="marie", settings=settings_of(fresh_db))

    def filtered() -> set[str]:
        with fresh_db.session() as session:
            return set(session.scalars(select(Entry.id).where(*facet_conditions({"produit": ["ins"]}))))

    assert entry not in filtered()
    retag(fresh_db, settings_of(fresh_db), taxonomy=learnt)

    assert entry in filtered() and rows(fresh_db, entry)[("produit", "ins")] == ("source", 1.0)
    assert rows(fresh_db, rejected)[("produit", "ins")] == ("editor", 0.0)  # an editor's « no » weighs more
    assert ("produit", "Minitel") not in rows(fresh_db, entry) | rows(fresh_db, rejected)


def test_counts_cover_published_entries_only(fresh_db: Database) -> None:
    entry = entry_in_section(fresh_db, "Identitovigilance et INS")
    counts = facet_counts(fresh_db)
    with fresh_db.session() as session:
        session.execute(update(Entry).where(Entry.id == entry).values(status="archived"))

    after = facet_counts(fresh_db)

    assert counts.untagged == 0 and after.untagged == 0
    assert after.facets["produit"]["ins"] == counts.facets["produit"]["ins"] - 1
    assert after.total == counts.total - 1
    assert set(counts.to_dict()) == {"query", "total", "untagged", "facets"}


def test_counts_can_be_narrowed_to_some_entries(seed_db: Database) -> None:
    entry = entry_in_section(seed_db, "Identitovigilance et INS")
    counts = facet_counts(seed_db, [entry])
    assert counts.facets["produit"]["ins"] == 1
    assert sum(counts.facets["produit"].values()) == len(tags_by_entry(seed_db, [entry])[entry]["produit"])


def test_editor_decisions_are_checked(fresh_db: Database, settings_of: SettingsOf) -> None:
    with pytest.raises(NotFound):
        set_editor_tag(fresh_db, "nope", "produit", "INS", author="marie", settings=settings_of(fresh_db))
    with pytest.raises(InvalidQuery):
        set_editor_tag(
            fresh_db,
            entry_in_section(fresh_db, "ROR"),
            "produit",
            "Minitel",
            author="marie",
            settings=settings_of(fresh_db),
        )


@pytest.mark.postgres
def test_tags_and_rejections_on_postgresql(pg_url: str, sample_dir: Path, tmp_path: Path) -> None:
    db = Database(pg_url)
    try:
        ingest_paths(db, [sample_dir])
        settings = Settings().model_copy(update={"db_url": pg_url, "embedder": "none", "index_dir": tmp_path})
        assert retag(db, settings).added > 0
        entry = entry_in_section(db, "Identitovigilance et INS")
        set_editor_tag(db, entry, "produit", "ins", present=False, author="marie", settings=settings)

        report = retag(db, settings)

        assert report.changed is False
        assert rows(db, entry)[("produit", "ins")] == ("editor", 0.0)
        assert facet_counts(db).untagged == 0
    finally:
        db.dispose()
