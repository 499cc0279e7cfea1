"""Short queries that name a topic (#12.2): a filter value, a section or a glossary term, and its answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from faqsante.answers import catalog
from faqsante.answers.topics import TopicFinder
from faqsante.config import Settings
from faqsante.facets import retag, tags_by_entry
from faqsante.ingest import ingest_paths
from faqsante.search.corpus import load_documents
from faqsante.store import Database
from faqsante.text import fold

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("topics")
    database = Database(f"sqlite:///{folder / 'faqsante.db'}")
    ingest_paths(database, [SAMPLE_DIR])
    retag(database, Settings().model_copy(update={"embedder": "none", "index_dir": folder / "index"}))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def finder(db: Database) -> TopicFinder:
    return TopicFinder(db)


@pytest.mark.parametrize(("query", "produit"), [("INS", "ins"), ("dmp", "dmp"), ("le ROR", "ror"), ("e-CPS", "e_cps")])
def test_a_filter_value_is_a_topic_of_its_tagged_entries(
    finder: TopicFinder, db: Database, query: str, produit: str
) -> None:
    topic = finder.find(query)
    assert topic is not None and topic.kind == "filtre" and topic.filters == {"produit": [produit]}
    assert topic.url == f"/reponses?produit={produit}"
    tagged = {entry for entry, tags in tags_by_entry(db).items() if produit in tags.get("produit", [])}
    assert set(topic.entry_ids) == tagged and topic.total == len(tagged) > 0


def test_a_section_is_a_topic_of_its_entries(finder: TopicFinder, db: Database) -> None:
    topic = finder.find("identitovigilance et ins")
    assert topic is not None and topic.kind == "rubrique" and topic.label == "Identitovigilance et INS"
    assert set(topic.entry_ids) == set(catalog.section_entry_ids(db, "Identitovigilance et INS"))


def test_a_glossary_term_lists_the_entries_that_mention_it(finder: TopicFinder, db: Database) -> None:
    topic = finder.find("FINESS")
    assert topic is not None and topic.kind == "glossaire" and topic.url == "/reponses?sujet=FINESS"
    assert topic.definition and "établissements" in topic.definition
    mentioning = {doc.id for doc in load_documents(db) if "finess" in fold(doc.text)}
    assert set(topic.entry_ids) == mentioning and mentioning


def test_a_topic_named_in_full_is_found_beyond_two_words(finder: TopicFinder) -> None:
    topic = finder.find("dossier médical partagé")
    assert topic is not None and topic.filters == {"produit": ["dmp"]}


@pytest.mark.parametrize(
    "query",
    ["comment activer ma e-cps", "identifiant e-cps combien de chiffres", "mes", "le la les", "xyzzy", "INS DMP"],
)
def test_questions_and_unknown_words_are_not_topics(finder: TopicFinder, query: str) -> None:
    assert finder.find(query) is None


def test_entries_ranked_by_search_come_first(finder: TopicFinder) -> None:
    topic = finder.find("INS")
    assert topic is not None
    last, first = topic.entry_ids[-1], topic.entry_ids[0]
    ranked = finder.find("INS", ranked_ids=["not-a-member", last])
    assert ranked is not None and ranked.entry_ids[0] == last and ranked.entry_ids[1] == first
    assert sorted(ranked.entry_ids) == sorted(topic.entry_ids)


def test_the_vocabulary_follows_new_content(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'faqsante.db'}")
    finder = TopicFinder(db)
    assert finder.find("AMOA") is None
    faq = tmp_path / "faq.csv"
    faq.write_text(
        "question,answer,section\nQui aide ?,Une AMOA = Assistance à Maîtrise d'Ouvrage vous aide.,Projets\n",
        encoding="utf-8",
    )
    ingest_paths(db, [faq])
    topic = finder.find("AMOA")
    assert topic is not None and topic.kind == "glossaire" and topic.total == 1
    assert finder.find("projets") is not None
    db.dispose()
