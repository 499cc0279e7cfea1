"""The retry loop each worker runs: whatever one message does, the loop keeps sending the others, and it
announces the editors' news that no request did."""

from __future__ import annotations

import asyncio

from faqsante.accounts import create_user, set_notifications
from faqsante.config import Settings
from faqsante.feedback.audience import submit_question
from faqsante.mail import Draft, Mailer, queue_mail
from faqsante.store import Database
from faqsante.store.models import OutgoingMail
from faqsante.web.mail import retrying_outbox
from smtp_sink import SmtpSink


def mailer_for(sink: SmtpSink) -> Mailer:
    settings = Settings().model_copy(
        update={"smtp_url": sink.url, "mail_from": "faq@example.fr", "public_url": "https://faq.example.fr"}
    )
    mailer = Mailer.from_settings(settings)
    assert mailer is not None
    return mailer


def queued(db: Database, draft: Draft) -> int:
    with db.session() as session:
        row = queue_mail(session, draft)
        session.flush()
        return row.id


def status(db: Database, mail_id: int) -> str:
    with db.session() as session:
        return session.get_one(OutgoingMail, mail_id).status


async def until(condition: object, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if callable(condition) and condition():
            return True
        await asyncio.sleep(0.05)
    return False


def test_a_send_that_raises_does_not_stop_the_loop(sqlite_url: str, plain_smtp_sink: SmtpSink) -> None:
    db = Database(sqlite_url)
    mailer = mailer_for(plain_smtp_sink)
    broken = queued(db, Draft("lea@example.org", "Objet\r\nBcc: z@x.fr", "Texte"))  # ValueError inside the send

    async def run() -> None:
        async with retrying_outbox(db, mailer, interval=0.05):
            assert await until(lambda: status(db, broken) == "failed")
            later = queued(db, Draft("paul@example.org", "Objet", "Texte"))
            assert await until(lambda: status(db, later) == "sent")

    asyncio.run(run())
    assert [received.recipients for received in plain_smtp_sink.inbox] == [["paul@example.org"]]


def test_the_loop_sends_editors_the_news_no_request_announced(sqlite_url: str, plain_smtp_sink: SmtpSink) -> None:
    db = Database(sqlite_url)
    create_user(db, "marie", "correct horse battery")
    set_notifications(db, "marie", email="marie@ars.example.fr", notify="immediate")
    submit_question(db, "Posée depuis la ligne de commande ?")  # no web request to announce it after its response

    async def run() -> None:
        async with retrying_outbox(db, mailer_for(plain_smtp_sink), interval=0.05):
            assert await until(lambda: len(plain_smtp_sink.inbox) == 1)

    asyncio.run(run())
    assert plain_smtp_sink.inbox[0].recipients == ["marie@ars.example.fr"]
    assert "Posée depuis la ligne de commande ?" in plain_smtp_sink.inbox[0].text()
