"""Questions as data: the migration, the key of near-duplicates, what search reads."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select, text
from tests.questions_faq import small_faq

from faqsante.editing.entry_questions import add_question
from faqsante.feedback.learning import learn
from faqsante.feedback.suggestions import decide
from faqsante.store import Database
from faqsante.store.db import MIGRATIONS_DIR
from faqsante.store.models import EntryQuestion
from faqsante.store.questions import (
    accepted_questions,
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


@pytest.fixture
def faq(db: Database) -> Database:
    return small_faq(db)


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
