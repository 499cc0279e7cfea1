"""An editor's changes to an entry's questions: add, reword, delete, promote to title; merges bring them along."""

from __future__ import annotations

import pytest
from tests.questions_faq import add_entry, small_faq

from faqsante import editing
from faqsante.config import Settings
from faqsante.editing.entry_questions import add_question, delete_question, edit_question, make_main
from faqsante.errors import InvalidInput, NotFound
from faqsante.feedback.learning import learn
from faqsante.feedback.suggestions import decide
from faqsante.store import Database
from faqsante.store.models import Entry
from faqsante.store.questions import entry_questions


@pytest.fixture
def faq(db: Database) -> Database:
    return small_faq(db)


def _lexical(db: Database) -> Settings:
    """Re-tagging after a change, without a model."""
    return Settings().model_copy(update={"db_url": db.url, "embedder": "none"})


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

    make_main(faq, other.id, author="marie", settings=_lexical(faq))
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


def test_a_merge_brings_the_duplicate_questions_to_the_kept_entry(faq: Database) -> None:
    add_entry(faq, "ecps2", "Activer la carte e-CPS ?", "Installez l'application e-CPS.")
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
