"""SearchEngine on the real seed corpus, lexical mode (fast); dense mode is covered in test_dense.py."""

import pytest
from sqlalchemy import select

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.errors import InvalidQuery
from faqsante.search import AskResult, SearchEngine
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import Entry, EntryFacet


@pytest.fixture(scope="module")
def engine(seed_db, settings_for):
    return SearchEngine(seed_db, settings_for(seed_db, "none"))


@pytest.mark.parametrize(
    ("question", "snippet"),
    [
        ("navigateurs compatibles TéléO", "compatible avec Firefox et Chrome"),
        ("Je viens d'activer mon e-CPS, faut-il attendre avant de m'en servir ?", "fonctionne immédiatement"),
        ("spico discussions accusé de lecture", "accusé de lecture"),
    ],
)
def test_the_answering_entry_ranks_first(engine, question, snippet):
    result = engine.ask(question)
    assert snippet in result.results[0].answer
    assert not result.abstained


def test_result_shape(engine):
    data = engine.ask("mot de passe ViaTrajectoire", top_k=3).to_dict()
    assert set(data) == {"query", "abstained", "results"}
    assert len(data["results"]) == 3
    assert set(data["results"][0]) == {
        *("id", "question", "answer", "section", "sources", "score", "confidence", "title", "spans", "facets", "url")
    }
    assert all(0.0 <= hit["confidence"] <= 1.0 for hit in data["results"])
    assert data["results"][0]["sources"] == ["004_f08617c875fe96e2.txt"]


def test_off_topic_question_is_abstained(engine):
    result = engine.ask("Comment organiser le repas de Noël des résidents avec un traiteur ?")
    assert isinstance(result, AskResult) and result.abstained
    assert result.results  # still listed, for the curious


@pytest.mark.parametrize("query", ["", "   \n ", "x" * (MAX_QUESTION_LENGTH + 1)])
def test_invalid_queries_are_refused_in_french(engine, query):
    with pytest.raises(InvalidQuery, match="question"):
        engine.ask(query)


def test_a_question_of_the_maximum_length_is_accepted(engine):
    engine.ask("a" * MAX_QUESTION_LENGTH)


def test_facets_keep_entries_with_one_value_of_each_facet(fresh_seed_db, settings_for):
    with fresh_seed_db.session() as session:
        ids = session.scalars(select(Entry.id).where(Entry.answer.contains("TéléO")).order_by(Entry.id)).all()
        session.add_all(EntryFacet(entry_id=i, facet="produit", value="TéléO", origin="editor") for i in ids[:3])
        session.add(EntryFacet(entry_id=ids[0], facet="thematique", value="Accès", origin="editor"))
        bump_data_version(session)
    engine = SearchEngine(fresh_seed_db, settings_for(fresh_seed_db, "none"))
    only = engine.ask("navigateur", facets={"produit": ["TéléO", "Inconnu"]})
    assert {hit.id for hit in only.results} == set(ids[:3])
    both = engine.ask("navigateur", facets={"produit": ["TéléO"], "thematique": ["Accès"]})
    assert [hit.id for hit in both.results] == [ids[0]]
    assert engine.ask("navigateur", facets={"produit": ["Inconnu"]}).results == []


def test_refresh_reloads_only_when_the_data_version_moves(fresh_seed_db, settings_for):
    engine = SearchEngine(fresh_seed_db, settings_for(fresh_seed_db, "none"))
    assert engine.refresh() is True
    assert engine.refresh() is False
    with fresh_seed_db.session() as session:
        bump_data_version(session)
    assert engine.refresh() is True


@pytest.mark.parametrize("embedder", ["none", "fake"])
def test_an_empty_database_abstains_instead_of_failing(tmp_path, settings_for, embedder):
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    result = SearchEngine(empty, settings_for(empty, embedder)).ask("durée de session Pro Santé Connect")
    assert result.abstained and result.results == []


@pytest.mark.parametrize("embedder", ["none", "fake"])
def test_one_accepted_question_asked_again_finds_its_entry_first(fresh_seed_db, settings_for, embedder):
    # A FAQ with a single accepted question: no ranking statistics to lean on, an editor's word to keep.
    from faqsante.editing.entry_questions import add_question

    with fresh_seed_db.session() as session:
        entry_id = session.scalars(select(Entry.id).where(Entry.answer.contains("Medimail")).order_by(Entry.id)).first()
    assert entry_id is not None
    add_question(fresh_seed_db, entry_id, "Comment créer un compte Medimail ?", author="marie")
    engine = SearchEngine(fresh_seed_db, settings_for(fresh_seed_db, embedder))
    for asked in ("Comment créer un compte Medimail ?", "medimail : créer un COMPTE, comment ?"):
        assert engine.ask(asked).results[0].id == entry_id, asked


def test_a_hit_without_main_question_is_titled_by_its_best_accepted_question(fresh_seed_db, settings_for):
    from faqsante.editing.entry_questions import add_question

    with fresh_seed_db.session() as session:
        untitled = session.scalars(select(Entry).where(Entry.answer.contains("Medimail")).order_by(Entry.id)).first()
        assert untitled is not None
        entry_id = untitled.id
        untitled.question = None  # whatever the seed says: no main question
        bump_data_version(session)
    add_question(fresh_seed_db, entry_id, "medimail compte création", author="marie")
    add_question(fresh_seed_db, entry_id, "Comment créer un compte Medimail ?", author="marie")  # a question first
    hits = SearchEngine(fresh_seed_db, settings_for(fresh_seed_db, "none")).ask("créer un compte Medimail").results
    assert hits[0].id == entry_id and hits[0].title == "Comment créer un compte Medimail ?"
    assert all(hit.title == hit.question for hit in hits[1:] if hit.question)
