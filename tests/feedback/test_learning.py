"""Learning from use: visitors' words become suggestions, grouped and counted; a rejected one stays rejected."""

from __future__ import annotations

import pytest
from tests.questions_faq import small_faq

from faqsante import editing
from faqsante.config import Settings
from faqsante.feedback.audience import record_query, record_vote, submit_question
from faqsante.feedback.learning import learn
from faqsante.feedback.suggestions import decide, list_suggestions
from faqsante.store import Database


@pytest.fixture
def faq(db: Database) -> Database:
    return small_faq(db)


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
    assert suggestions[1].entry_title == "Comment activer ma e-CPS ?"  # as every channel titles the entry


def test_learning_ignores_titles_archives_and_blanks_and_never_moves_the_data_version(faq: Database) -> None:
    before = faq.data_version()
    assert learn(faq, "ecps", "comment activer ma e-cps") is None  # its own title: nothing to learn
    assert learn(faq, "old", "une question") is None  # archived entries learn nothing
    assert learn(faq, "missing", "une question") is None
    assert learn(faq, "ecps", "   ") is None
    assert learn(faq, "ecps", "activer e-CPS sur téléphone") is not None
    assert faq.data_version() == before  # a suggestion is not searched: no worker reloads for it (#19.7)


def test_a_rejected_question_is_never_suggested_again(faq: Database) -> None:
    first = learn(faq, "ins", "INS définition")
    assert first is not None
    decide(faq, [first.id], "rejected", author="marie")
    again = learn(faq, "ins", "définition INS")
    assert again is not None and again.state == "rejected" and again.asked_count == 2
    assert list_suggestions(faq) == []


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
