"""The submitted-questions queue: candidates to link, the visitor's e-mail once answered, off-topic dismissals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from faqsante import editing
from faqsante.answers import catalog
from faqsante.config import Settings
from faqsante.errors import InvalidInput
from faqsante.feedback import analytics
from faqsante.feedback.audience import record_query, submit_question
from faqsante.ingest import ingest_paths
from faqsante.mail import Mailer, deliver_due, latest_by_question
from faqsante.search import SearchEngine
from faqsante.store import Database
from faqsante.store.models import Entry
from smtp_sink import SmtpSink

REGIONAL_DUMP = "004_f08617c875fe96e2.txt"
LEXICAL = Settings().model_copy(update={"embedder": "none"})  # entries written here are tagged without a model


@pytest.fixture
def seeded(db: Database, sample_dir: Path) -> Database:
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    return db


def mailer_for(sink: SmtpSink) -> Mailer:
    settings = Settings().model_copy(
        update={"smtp_url": sink.url, "mail_from": "faq@example.fr", "public_url": "https://faq.example.fr"}
    )
    mailer = Mailer.from_settings(settings, tls=sink.client_tls)
    assert mailer is not None
    return mailer


def published_id(db: Database) -> str:
    with db.session() as session:
        entry_id = session.scalar(select(Entry.id).where(Entry.status == "published").order_by(Entry.id))
    assert entry_id
    return entry_id


def test_linking_an_answer_mails_its_address_to_the_visitor_once(seeded: Database, plain_smtp_sink: SmtpSink) -> None:
    mailer = mailer_for(plain_smtp_sink)
    asked = submit_question(seeded, "Peut-on écrire à un patient ?", "lea@example.org")
    silent = submit_question(seeded, "Et sans adresse ?")
    entry_id = published_id(seeded)

    editing.answer_question(seeded, asked.id, author="marie", settings=LEXICAL, entry_id=entry_id, mailer=mailer)
    editing.answer_question(seeded, silent.id, author="marie", settings=LEXICAL, entry_id=entry_id, mailer=mailer)
    assert plain_smtp_sink.inbox == []  # queued in the transaction, sent only when asked to, after it
    deliver_due(seeded, mailer)
    editing.answer_question(
        seeded, asked.id, author="marie", settings=LEXICAL, entry_id=entry_id, mailer=mailer
    )  # the same again
    deliver_due(seeded, mailer)

    [received] = plain_smtp_sink.inbox
    assert received.recipients == ["lea@example.org"]
    assert f"https://faq.example.fr{catalog.get_entry(seeded, entry_id).url}" in received.text().splitlines()
    assert "« Peut-on écrire à un patient ? »" in received.text()
    mails = latest_by_question(seeded, [asked.id, silent.id])
    assert mails[asked.id].status == "sent" and silent.id not in mails
    assert [item.mail.status for item in editing.list_questions(seeded, "answered") if item.mail] == ["sent"]


def test_a_new_entry_written_for_the_question_is_mailed_too(seeded: Database, plain_smtp_sink: SmtpSink) -> None:
    mailer = mailer_for(plain_smtp_sink)
    asked = submit_question(seeded, "Combien de temps Medimail garde-t-il les messages ?", "paul@example.org")

    created = editing.answer_question(
        seeded, asked.id, author="marie", settings=LEXICAL, answer="Trois mois.", mailer=mailer
    )
    deliver_due(seeded, mailer)

    link = f"https://faq.example.fr/reponses/{created}/combien-de-temps-medimail-garde-t-il-les-messages"
    assert link in plain_smtp_sink.inbox[0].text().splitlines()  # the permalink, on its own line


@pytest.mark.parametrize("wrong", ["inconnue", "  ", "x" * 40])
def test_a_wrong_id_is_an_input_error_on_the_id_field(seeded: Database, wrong: str) -> None:
    asked = submit_question(seeded, "Où est ma réponse ?", "lea@example.org")

    with pytest.raises(InvalidInput, match="Vérifiez l'identifiant") as refused:
        editing.answer_question(seeded, asked.id, author="marie", settings=LEXICAL, entry_id=wrong or "inconnue")

    assert refused.value.field == "entree"
    assert [item.id for item in editing.list_questions(seeded)] == [asked.id]


def test_an_archived_entry_cannot_answer_a_visitor(seeded: Database) -> None:
    entry_id = published_id(seeded)
    editing.set_status(seeded, entry_id, "archived", author="marie", settings=LEXICAL)
    asked = submit_question(seeded, "Où est ma réponse ?")

    with pytest.raises(InvalidInput, match="n'est pas publiée"):
        editing.answer_question(seeded, asked.id, author="marie", settings=LEXICAL, entry_id=entry_id)


def test_open_questions_come_with_the_answers_search_proposes(sqlite_url: str, sample_dir: Path) -> None:
    db = Database(sqlite_url)
    ingest_paths(db, [sample_dir / REGIONAL_DUMP])
    engine = SearchEngine(db, Settings().model_copy(update={"db_url": sqlite_url, "embedder": "none"}))
    asked = submit_question(db, "Medimail garde les messages combien de temps ?")

    [queued] = editing.list_questions(db, engine=engine)

    assert queued.id == asked.id and 1 <= len(queued.candidates) <= editing.inbox.CANDIDATES
    assert any("Medimail" in (hit.question or "") + hit.answer for hit in queued.candidates)
    assert queued.to_dict()["candidates"][0]["id"] == queued.candidates[0].id


def test_an_off_topic_gap_leaves_the_analytics_with_its_rewordings(db: Database) -> None:
    for text in ("prix du timbre poste", "Prix du timbre-poste ?", "carte vitale perdue"):
        record_query(db, text, result_ids=[], abstained=True, top_confidence=None, latency_ms=1.0, channel="web")
    assert len(analytics.build_report(db).gaps) == 2  # the two ways of asking the price of a stamp are one gap

    editing.dismiss_off_topic(db, "prix du timbre poste", author="marie")

    assert [gap.query for gap in analytics.build_report(db).gaps] == ["carte vitale perdue"]
