"""Questions as data: the migration, grouping of near-duplicates, editors' decisions, what search reads."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select, text

from faqsante import editing
from faqsante.config import Settings
from faqsante.errors import InvalidInput, NotFound
from faqsante.store import Database
from faqsante.store.audience import record_query, record_vote, submit_question
from faqsante.store.db import MIGRATIONS_DIR
from faqsante.store.models import Entry, EntryQuestion
from faqsante.store.questions import (
    accepted_questions,
    add_question,
    best_titles,
    decide,
    delete_question,
    edit_question,
    entries_without_question,
    entry_questions,
    learn,
    list_suggestions,
    make_main,
    question_key,
    record_question,
    unanswerable_questions,
)


def _alembic(db: Database, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def _entry(db: Database, entry_id: str, question: str | None, answer: str, status: str = "published") -> None:
    with db.session() as session:
        session.add(
            Entry(id=entry_id, question=question, answer=answer, status=status, content_hash=entry_id, locked_fields=[])
        )


@pytest.fixture
def faq(db: Database) -> Database:
    _entry(db, "ecps", "Comment activer ma e-CPS ?", "Téléchargez l'application e-CPS puis suivez les étapes.")
    _entry(db, "ins", None, "L'INS est l'identifiant national de santé, obligatoire depuis 2021.")
    _entry(db, "old", "Ancienne question ?", "Réponse retirée.", status="archived")
    return db


# --------------------------------------------------------------------------------------------- migration


def test_the_migration_backfills_main_questions_and_goes_both_ways(db_url: str) -> None:
    database = Database(db_url, migrate=False)
    _alembic(database, "upgrade", "0001")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO entries (id, question, answer, status, content_hash, locked_fields, created_at, updated_at)"
                " VALUES ('a', 'Comment activer ma e-CPS ?', 'R', 'published', 'h', '[]', '2026-01-01', '2026-01-01'),"
                " ('b', NULL, 'R2', 'published', 'h2', '[]', '2026-01-01', '2026-01-01'),"
                " ('c', 'Question éditée ?', 'R3', 'published', 'h3', '[\"question\"]', '2026-01-01', '2026-01-01')"
            )
        )
    database.migrate()
    with database.session() as session:
        rows = session.scalars(select(EntryQuestion).order_by(EntryQuestion.entry_id)).all()
        assert [(r.entry_id, r.text, r.origin, r.state) for r in rows] == [
            ("a", "Comment activer ma e-CPS ?", "source", "accepted"),
            ("c", "Question éditée ?", "editor", "accepted"),
        ]
        assert rows[0].key == question_key("Comment activer ma e-CPS ?")
    _alembic(database, "downgrade", "0001")
    assert "entry_questions" not in inspect(database.engine).get_table_names()
    database.migrate()
    assert "entry_questions" in inspect(database.engine).get_table_names()
    database.dispose()


# --------------------------------------------------------------------------------------------- grouping


def test_near_duplicates_share_a_key() -> None:
    assert question_key("Comment activer ma e-CPS ?") == question_key("activation e-cps, comment ?")
    assert question_key("Comment créer ma carte CPS ?") == question_key("comment creer des cartes CPS")
    assert question_key("Comment activer ma e-CPS ?") != question_key("Comment supprimer ma e-CPS ?")
    assert question_key("Qui ?") == "qui ?"  # only stop words: the folded text itself


def test_learned_near_duplicates_are_one_suggestion_counted_and_listed_most_asked_first(faq: Database) -> None:
    learn(faq, "ins", "c'est quoi l'INS")
    for wording in ("INS c'est quoi ?", "C'est quoi l'INS ?", "c est quoi l ins"):
        learn(faq, "ins", wording)
    learn(faq, "ecps", "télécharger application e-CPS")
    suggestions = list_suggestions(faq)
    assert [(s.question.entry_id, s.question.text, s.question.asked_count) for s in suggestions] == [
        ("ins", "c'est quoi l'INS", 4),
        ("ecps", "télécharger application e-CPS", 1),
    ]
    assert suggestions[1].entry_question == "Comment activer ma e-CPS ?"


def test_learning_bumps_the_data_version_only_for_something_new(faq: Database) -> None:
    before = faq.data_version()
    assert learn(faq, "ecps", "comment activer ma e-cps") is None  # its own title: nothing to learn
    assert learn(faq, "old", "une question") is None  # archived entries learn nothing
    assert learn(faq, "missing", "une question") is None
    assert learn(faq, "ecps", "   ") is None
    assert faq.data_version() == before
    learn(faq, "ecps", "activer e-CPS sur téléphone")
    assert faq.data_version() == before + 1


def test_a_rejected_question_is_never_suggested_again(faq: Database) -> None:
    first = learn(faq, "ins", "INS définition")
    assert first is not None
    decide(faq, [first.id], "rejected", author="marie")
    again = learn(faq, "ins", "définition INS")
    assert again is not None and again.state == "rejected" and again.asked_count == 2
    assert list_suggestions(faq) == []


# --------------------------------------------------------------------------------------------- what search reads


def test_search_reads_main_and_accepted_questions_of_published_entries_only(faq: Database) -> None:
    suggestion = learn(faq, "ins", "INS c'est quoi")
    add_question(faq, "ecps", "Activer la e-CPS sur un nouveau téléphone", author="marie")
    add_question(faq, "old", "Question sur une entrée archivée", author="marie")
    with faq.session() as session:
        record_question(session, None, "Quel temps fera-t-il demain ?", origin="import", state="accepted", author="x")
        record_question(session, None, "Horaires de la piscine", origin="import", state="suggested", author="x")
        assert accepted_questions(session) == [
            ("ecps", "Comment activer ma e-CPS ?"),
            ("ecps", "Activer la e-CPS sur un nouveau téléphone"),
        ]
        assert unanswerable_questions(session) == ["Quel temps fera-t-il demain ?"]
    assert suggestion is not None
    before = faq.data_version()
    assert decide(faq, [suggestion.id], "accepted", author="marie") == 1
    assert faq.data_version() == before + 1
    with faq.session() as session:
        assert ("ins", "INS c'est quoi") in accepted_questions(session)


def test_the_title_is_the_main_question_else_the_best_accepted_one(faq: Database) -> None:
    keywords = learn(faq, "ins", "INS obligatoire depuis quand")
    learn(faq, "ins", "depuis quand l'INS est obligatoire")  # asked twice, but keywords make a poor title
    assert keywords is not None
    decide(faq, [keywords.id], "accepted", author="marie")
    with faq.session() as session:
        assert best_titles(session, ["ins"]) == {"ins": "INS obligatoire depuis quand"}
    learned = learn(faq, "ins", "Faut-il l'INS dans les laboratoires ?")
    assert learned is not None
    decide(faq, [learned.id], "accepted", author="marie")
    with faq.session() as session:
        assert best_titles(session, ["ins"]) == {"ins": "Faut-il l'INS dans les laboratoires ?"}  # a real question wins
    add_question(faq, "ins", "Qu'est-ce que l'INS ?", author="marie")
    with faq.session() as session:
        assert best_titles(session, ["ecps", "ins", "old", "missing"]) == {
            "ecps": "Comment activer ma e-CPS ?",
            "ins": "Qu'est-ce que l'INS ?",  # an editor's wording before a visitor's
            "old": "Ancienne question ?",
        }


# --------------------------------------------------------------------------------------------- editors


def test_editors_add_edit_delete_and_choose_the_main_question(faq: Database) -> None:
    added = add_question(faq, "ecps", "  Où trouver   l'application e-CPS ?  ", author="marie")
    assert (added.text, added.origin, added.state, added.author) == (
        "Où trouver l'application e-CPS ?",
        "editor",
        "accepted",
        "marie",
    )
    with pytest.raises(InvalidInput):
        add_question(faq, "ecps", "x" * 501, author="marie")
    other = add_question(faq, "ecps", "Installer e-CPS", author="marie")
    with pytest.raises(InvalidInput, match="déjà cette question"):
        edit_question(faq, other.id, "trouver l'application e-CPS", author="marie")
    assert (
        edit_question(faq, other.id, "Installer e-CPS sur Android", author="marie").text
        == "Installer e-CPS sur Android"
    )

    make_main(faq, other.id, author="marie")
    with faq.session() as session:
        entry = session.get(Entry, "ecps")
        assert entry is not None
        assert entry.question == "Installer e-CPS sur Android"
        assert "question" in entry.locked_fields
        assert entry.revisions[-1].note == "question principale choisie"
    texts = [q.text for q in entry_questions(faq, "ecps")]
    assert "Comment activer ma e-CPS ?" in texts  # the former title still answers

    delete_question(faq, added.id)
    assert added.id not in [q.id for q in entry_questions(faq, "ecps")]
    with pytest.raises(NotFound):
        delete_question(faq, added.id)
    with pytest.raises(NotFound):
        decide(faq, [added.id, other.id], "accepted", author="marie")


def test_entries_without_a_question_come_with_their_suggestions(faq: Database) -> None:
    learn(faq, "ins", "INS c'est quoi")
    learn(faq, "ins", "c'est quoi INS")
    untitled = entries_without_question(faq)
    assert [(u.entry_id, [(q.text, q.asked_count) for q in u.suggestions]) for u in untitled] == [
        ("ins", [("INS c'est quoi", 2)])
    ]


# --------------------------------------------------------------------------------------------- learning from use


def _lexical(db: Database) -> Settings:
    """Re-tagging after a change, without a model."""
    return Settings().model_copy(update={"db_url": db.url, "embedder": "none"})


def _logged(db: Database, query: str, shown: list[str]) -> None:
    record_query(db, query, result_ids=shown, abstained=False, top_confidence=0.5, latency_ms=1.0, channel="web")


def test_a_helpful_vote_on_a_searched_answer_suggests_the_search(faq: Database) -> None:
    _logged(faq, "e-cps nouveau téléphone", ["ecps", "ins"])
    record_vote(faq, "ecps", "v1", helpful=True, query="e-cps nouveau téléphone")
    record_vote(faq, "ecps", "v2", helpful=True, query="e-cps nouveau téléphone")
    record_vote(faq, "ins", "v1", helpful=False, query="e-cps nouveau téléphone")  # not helpful: nothing
    record_vote(faq, "ins", "v3", helpful=True, query="jamais cherché")  # never asked: forged, nothing
    record_vote(faq, "ins", "v4", helpful=True)  # no search behind it
    assert [
        (s.question.entry_id, s.question.text, s.question.origin, s.question.asked_count) for s in list_suggestions(faq)
    ] == [("ecps", "e-cps nouveau téléphone", "learned", 2)]


def test_a_question_answered_with_an_existing_entry_is_suggested_for_it(faq: Database) -> None:
    submitted = submit_question(faq, "Où est l'appli e-CPS pour Android ?")
    editing.answer_question(faq, submitted.id, author="marie", entry_id="ecps", settings=_lexical(faq))
    assert [(s.question.entry_id, s.question.text) for s in list_suggestions(faq)] == [
        ("ecps", "Où est l'appli e-CPS pour Android ?")
    ]


def test_a_merge_brings_the_duplicate_questions_to_the_kept_entry(faq: Database) -> None:
    _entry(faq, "ecps2", "Activer la carte e-CPS ?", "Installez l'application e-CPS.")
    twin = learn(faq, "ecps2", "installer appli e-cps")
    learn(faq, "ecps", "appli e-cps installer")
    own = learn(faq, "ecps2", "e-CPS sur iPhone")
    assert twin is not None and own is not None
    decide(faq, [twin.id], "accepted", author="marie")
    editing.merge_entries(faq, "ecps2", "ecps", author="marie", settings=_lexical(faq))

    kept = [(q.text, q.state, q.asked_count) for q in entry_questions(faq, "ecps")]
    assert kept == [
        ("installer appli e-cps", "accepted", 2),  # both asks, the firmer decision
        ("Activer la carte e-CPS ?", "accepted", 1),  # the duplicate's title answers too
        ("e-CPS sur iPhone", "suggested", 1),
    ]
    assert entry_questions(faq, "ecps2") == []
