"""What an editor says about a whole source: the name and address readers see, and filters for all its entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.answers import catalog
from faqsante.config import Settings
from faqsante.editing import set_editor_tag, sources
from faqsante.errors import InvalidInput, NotFound
from faqsante.facets import retag, tags_by_entry
from faqsante.ingest import ingest_paths
from faqsante.store import Database

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "003_9052f88edd8dfc8b.txt"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings().model_copy(update={"embedder": "none", "index_dir": tmp_path / "index"})


@pytest.fixture
def seeded(db: Database, settings: Settings) -> Database:
    ingest_paths(db, [SAMPLE])
    retag(db, settings)
    return db


def only_source(db: Database) -> sources.SourceInfo:
    (source,) = sources.list_sources(db)
    return source


def test_a_source_whose_dump_names_nothing_shows_no_name_not_its_file_name(seeded: Database) -> None:
    source = only_source(seeded)
    entry_id = catalog.list_entries(seeded).items[0].id
    assert source.name == SAMPLE.name and source.entries > 0
    assert source.shown_name is None  # /admin/sources asks for one
    assert catalog.provenance(seeded, entry_id).origins == []


def test_the_name_and_address_an_editor_sets_are_what_readers_see(seeded: Database, settings: Settings) -> None:
    source = only_source(seeded)
    version = seeded.data_version()
    changed = sources.set_source(
        seeded,
        source.id,
        display_name="  FAQ de l'Agence  ",
        url="https://esante.gouv.fr/faq",
        facets={},
        settings=settings,
    )
    entry_id = catalog.list_entries(seeded).items[0].id
    assert changed and seeded.data_version() > version
    assert catalog.provenance(seeded, entry_id).origins == [
        {"name": "FAQ de l'Agence", "url": "https://esante.gouv.fr/faq"}
    ]
    assert not sources.set_source(
        seeded,
        source.id,
        display_name="FAQ de l'Agence",
        url="https://esante.gouv.fr/faq",
        facets={},
        settings=settings,
    )


def test_an_address_without_a_name_shows_its_site(seeded: Database, settings: Settings) -> None:
    source = only_source(seeded)
    sources.set_source(
        seeded, source.id, display_name="", url="https://esante.gouv.fr/faq", facets={}, settings=settings
    )
    assert only_source(seeded).shown_name == "esante.gouv.fr"


def test_source_filters_reach_every_entry_it_lists_but_an_editor_still_wins(
    seeded: Database, settings: Settings
) -> None:
    source = only_source(seeded)
    ids = list(tags_by_entry(seeded))
    before = tags_by_entry(seeded)
    assert any("editeurs" not in tags.get("type_offre", []) for tags in before.values())
    set_editor_tag(seeded, ids[0], "type_offre", "editeurs", present=False, author="marie", settings=settings)

    sources.set_source(
        seeded, source.id, display_name=None, url=None, facets={"type_offre": ["Éditeurs"]}, settings=settings
    )

    after = tags_by_entry(seeded)
    assert only_source(seeded).facets == {"type_offre": ["editeurs"]}
    assert all(after[entry]["type_offre"] == ["editeurs"] for entry in ids[1:])
    assert "editeurs" not in after[ids[0]].get("type_offre", [])

    sources.set_source(seeded, source.id, display_name=None, url=None, facets={}, settings=settings)
    assert tags_by_entry(seeded) == {**before, ids[0]: tags_by_entry(seeded)[ids[0]]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "javascript:alert(1)"}, "adresse"),
        ({"url": "esante.gouv.fr"}, "adresse"),
        ({"display_name": "x" * 300}, "nom"),
    ],
)
def test_bad_input_is_refused_in_french(
    seeded: Database, settings: Settings, changes: dict[str, str], field: str
) -> None:
    source = only_source(seeded)
    arguments = {"display_name": None, "url": None, "facets": {}, **changes}
    with pytest.raises(InvalidInput) as refused:
        sources.set_source(seeded, source.id, settings=settings, **arguments)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert only_source(seeded) == source


def test_unknown_sources_and_filter_values_are_refused(seeded: Database, settings: Settings) -> None:
    with pytest.raises(NotFound, match="Aucune source"):
        sources.set_source(seeded, 999, display_name="x", url=None, facets={}, settings=settings)
    with pytest.raises(InvalidInput, match="valeur inconnue"):
        sources.set_source(
            seeded, only_source(seeded).id, display_name=None, url=None, facets={"produit": ["?"]}, settings=settings
        )
