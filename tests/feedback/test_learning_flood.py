"""Learning from « utile : oui » cannot be flooded (#19.7): only answered searches teach, an address counts once a
day whatever its cookies or user agents, an address suggests a few questions a day at most, and a suggestion
(which search never reads) does not make every worker reload its index."""

from __future__ import annotations

import pytest

from faqsante.editing.entry_questions import delete_question, edit_question
from faqsante.feedback.audience import record_query, record_vote
from faqsante.feedback.learning import LEARN_PER_ASKER_PER_DAY
from faqsante.feedback.suggestions import decide, list_suggestions
from faqsante.store import Database
from faqsante.store.models import Entry


@pytest.fixture
def faq(db: Database) -> Database:
    with db.session() as session:
        for entry_id, answer in [("ecps", "Téléchargez l'application e-CPS."), ("ins", "L'INS est l'identifiant.")]:
            session.add(Entry(id=entry_id, answer=answer, status="published", content_hash=entry_id, locked_fields=[]))
    return db


def searched(db: Database, query: str, shown: list[str], *, abstained: bool = False) -> str:
    record_query(db, query, result_ids=shown, abstained=abstained, top_confidence=0.5, latency_ms=1.0, channel="web")
    return query


def counts(db: Database) -> list[tuple[str, int]]:
    return [(s.question.text, s.question.asked_count) for s in list_suggestions(db)]


def test_a_search_that_abstained_teaches_nothing(faq: Database) -> None:
    query = searched(faq, "prix du timbre pour la e-cps", ["ecps"], abstained=True)
    record_vote(faq, "ecps", "v1", helpful=True, query=query, asker="adresse-1")
    assert counts(faq) == []


def test_an_address_counts_once_a_day_whatever_its_cookies_and_user_agents(faq: Database) -> None:
    query = searched(faq, "e-cps nouveau téléphone", ["ecps", "ins"])
    for n in range(8):  # a new cookie, or a new User-Agent: a new visitor id each time, one address
        record_vote(faq, "ecps", f"visiteur-{n}", helpful=True, query=query, asker="adresse-1")
    record_vote(faq, "ecps", "visiteur-9", helpful=True, query=query, asker="adresse-2")
    assert counts(faq) == [("e-cps nouveau téléphone", 2)]


def test_an_address_suggests_a_few_questions_a_day_at_most(faq: Database) -> None:
    for n in range(LEARN_PER_ASKER_PER_DAY + 4):
        query = searched(faq, f"question {n} sur l'application e-cps", ["ecps"])
        record_vote(faq, "ecps", f"visiteur-{n}", helpful=True, query=query, asker="adresse-1")
    assert len(counts(faq)) == LEARN_PER_ASKER_PER_DAY

    other = searched(faq, "une autre adresse demande l'identifiant", ["ins"])
    record_vote(faq, "ins", "visiteur-x", helpful=True, query=other, asker="adresse-2")
    assert ("une autre adresse demande l'identifiant", 1) in counts(faq)


def test_a_suggestion_leaves_the_index_alone_until_an_editor_accepts_it(faq: Database) -> None:
    before = faq.data_version()
    for query in ("e-cps nouveau téléphone", "identifiant national de santé"):
        record_vote(faq, "ecps", "v1", helpful=True, query=searched(faq, query, ["ecps"]), asker="adresse-1")
    first, second = (s.question.id for s in list_suggestions(faq))
    edit_question(faq, first, "e-cps sur un téléphone neuf", author="marie")
    decide(faq, [second], "rejected", author="marie")
    assert faq.data_version() == before  # search reads accepted questions only: nothing it reads changed

    decide(faq, [first], "accepted", author="marie")
    assert faq.data_version() == before + 1
    delete_question(faq, second)  # a rejected one
    assert faq.data_version() == before + 1
    delete_question(faq, first)  # an accepted one: search must forget it
    assert faq.data_version() == before + 2
