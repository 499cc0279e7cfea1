"""The outbox: a message sent once after the commit, retried later when the server fails, and its status."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from faqsante.config import Settings
from faqsante.feedback.audience import submit_question
from faqsante.mail import Draft, Mailer, deliver_due, latest_by_question, queue_mail
from faqsante.mail.outbox import RETRY_DELAYS
from faqsante.store import Database
from faqsante.store.models import OutgoingMail, utcnow
from smtp_sink import SmtpSink


def mailer_for(sink: SmtpSink) -> Mailer:
    settings = Settings().model_copy(
        update={"smtp_url": sink.url, "mail_from": "faq@example.fr", "public_url": "https://faq.example.fr"}
    )
    mailer = Mailer.from_settings(settings, tls=sink.client_tls)
    assert mailer is not None
    return mailer


def queue(db: Database, recipient: str = "lea@example.org") -> tuple[int, int]:
    """A submitted question and a message about it; returns (question id, message id)."""
    question = submit_question(db, "Où trouver ma carte CPS ?", recipient)
    with db.session() as session:
        row = queue_mail(session, Draft(recipient, "Objet", "Texte"), question_id=question.id)
        session.flush()
        return question.id, row.id


def test_a_queued_message_is_sent_once(db: Database, plain_smtp_sink: SmtpSink) -> None:
    question_id, mail_id = queue(db)
    mailer = mailer_for(plain_smtp_sink)

    first = deliver_due(db, mailer)
    second = deliver_due(db, mailer)

    assert first.sent == [mail_id] and second.sent == []
    assert [received.recipients for received in plain_smtp_sink.inbox] == [["lea@example.org"]]
    status = latest_by_question(db, [question_id])[question_id]
    assert (status.status, status.attempts, status.last_error) == ("sent", 1, None)
    assert status.sent_at is not None


def test_a_temporary_refusal_is_retried_after_a_delay(db: Database, plain_smtp_sink: SmtpSink) -> None:
    question_id, mail_id = queue(db)
    mailer = mailer_for(plain_smtp_sink)
    plain_smtp_sink.rcpt_replies.append("451 4.3.0 Boîte pleine, réessayez plus tard")
    start = utcnow()

    failed = deliver_due(db, mailer, now=start)
    too_early = deliver_due(db, mailer, now=start + RETRY_DELAYS[0] - timedelta(seconds=1))
    later = deliver_due(db, mailer, now=start + RETRY_DELAYS[0])

    assert failed.retrying == [mail_id] and too_early.sent == [] and later.sent == [mail_id]
    assert len(plain_smtp_sink.inbox) == 1
    status = latest_by_question(db, [question_id])[question_id]
    assert (status.status, status.attempts) == ("sent", 2)


def test_a_permanent_refusal_fails_at_once_with_the_servers_reason(db: Database, plain_smtp_sink: SmtpSink) -> None:
    question_id, mail_id = queue(db, "inconnu@example.org")
    plain_smtp_sink.rcpt_replies.append("550 5.1.1 Destinataire inconnu")

    report = deliver_due(db, mailer_for(plain_smtp_sink))

    assert report.failed == [mail_id]
    status = latest_by_question(db, [question_id])[question_id]
    assert status.status == "failed"
    assert status.last_error is not None and "550 5.1.1 Destinataire inconnu" in status.last_error


def test_an_unreachable_server_gives_up_after_the_last_delay(db: Database) -> None:
    question_id, mail_id = queue(db)
    mailer = mailer_for(SmtpSink("127.0.0.1", 9, "plain", None))  # nothing listens on the discard port
    moment = utcnow()

    for delay in (timedelta(0), *RETRY_DELAYS):
        moment += delay
        deliver_due(db, mailer, now=moment)

    status = latest_by_question(db, [question_id])[question_id]
    assert (status.status, status.attempts) == ("failed", len(RETRY_DELAYS) + 1)
    assert status.last_error is not None and "injoignable" in status.last_error


def test_a_message_claimed_by_a_worker_that_died_is_sent_by_another(db: Database, plain_smtp_sink: SmtpSink) -> None:
    _, mail_id = queue(db)
    with db.session() as session:
        row = session.get_one(OutgoingMail, mail_id)
        row.status, row.claimed_at = "sending", utcnow()
    mailer = mailer_for(plain_smtp_sink)

    assert deliver_due(db, mailer).sent == []  # the other worker may still be sending it
    assert deliver_due(db, mailer, now=utcnow() + timedelta(minutes=11)).sent == [mail_id]
    with db.session() as session:
        assert session.scalar(select(OutgoingMail.status).where(OutgoingMail.id == mail_id)) == "sent"


def stored(db: Database, recipient: str, subject: str = "Objet") -> int:
    """A message as an older version left it in the outbox, before addresses had one strict rule."""
    with db.session() as session:
        row = queue_mail(session, Draft(recipient, subject, "Texte"))
        session.flush()
        return row.id


def outcome(db: Database, mail_id: int) -> tuple[str, str | None]:
    with db.session() as session:
        row = session.get_one(OutgoingMail, mail_id)
        return row.status, row.last_error


@pytest.mark.parametrize(
    "recipient",
    [
        "=?utf-8?q?x=0D=0ABcc:z?=@x.fr",  # made Mailer.send raise ValueError: the row stayed « sending » (#19.1)
        "=?utf-8?b?YUBiLmZyLGNAZC5mcg==?=x@x.fr",  # decoded into « a@b.fr,c@d.fr »: three RCPTs (#19.4)
        "postmaster,victim@evil.example",  # two RCPTs (#19.4)
    ],
)
def test_a_bad_stored_address_fails_that_mail_only(db: Database, plain_smtp_sink: SmtpSink, recipient: str) -> None:
    bad, good = stored(db, recipient), stored(db, "lea@example.org")

    report = deliver_due(db, mailer_for(plain_smtp_sink))

    assert (report.failed, report.sent) == ([bad], [good])
    status, reason = outcome(db, bad)
    assert status == "failed" and reason is not None and re.search("n'est pas valide|une seule adresse", reason)
    assert [received.recipients for received in plain_smtp_sink.inbox] == [["lea@example.org"]]


def test_any_error_while_sending_fails_that_mail_with_its_reason(db: Database, plain_smtp_sink: SmtpSink) -> None:
    broken = stored(db, "lea@example.org", subject="Objet\nBcc: z@x.fr")  # EmailMessage raises ValueError
    good = stored(db, "paul@example.org")

    report = deliver_due(db, mailer_for(plain_smtp_sink))

    assert (report.failed, report.sent) == ([broken], [good])
    status, reason = outcome(db, broken)
    assert status == "failed" and reason is not None and "ValueError" in reason
    assert deliver_due(db, mailer_for(plain_smtp_sink)).failed == []  # never picked up again


def test_a_message_accepted_after_data_is_sent_whatever_quit_says(db: Database, plain_smtp_sink: SmtpSink) -> None:
    question_id, mail_id = queue(db)
    plain_smtp_sink.quit_replies.append("421 4.3.2 Arrêt du service")  # after « 250 » to DATA (#19.14)
    mailer = mailer_for(plain_smtp_sink)

    first = deliver_due(db, mailer)
    later = deliver_due(db, mailer, now=utcnow() + RETRY_DELAYS[-1] * 2)

    assert first.sent == [mail_id] and later.sent == later.retrying == []
    assert len(plain_smtp_sink.inbox) == 1
    assert latest_by_question(db, [question_id])[question_id].status == "sent"
