"""Editors hear of new questions and suggestions by mail, as each account asked: never, at once (a burst being one
mail, not a hundred), or in a daily digest sent once however many processes run it. Through a real SMTP server."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from tests.questions_faq import small_faq

from faqsante.accounts import create_user, find_user, set_active, set_notifications
from faqsante.config import Settings
from faqsante.content.title_book import shown_titles
from faqsante.editing import dismiss_question
from faqsante.feedback import notices
from faqsante.feedback.audience import submit_question
from faqsante.feedback.learning import learn
from faqsante.mail import Mailer, deliver_due
from faqsante.store import Database
from faqsante.store.models import EditorNotice, OutgoingMail, utcnow
from smtp_sink import Received, SmtpSink

PASSWORD = "correct horse battery"
VISITOR = "lea.visiteuse@example.org"


def mailer_for(sink: SmtpSink) -> Mailer:
    settings = Settings().model_copy(
        update={"smtp_url": sink.url, "mail_from": "faq@example.fr", "public_url": "https://faq.example.fr"}
    )
    mailer = Mailer.from_settings(settings, tls=sink.client_tls)
    assert mailer is not None
    return mailer


def editor(db: Database, name: str, frequency: str, email: str | None = None) -> None:
    create_user(db, name, PASSWORD)
    set_notifications(db, name, email=email or f"{name}@ars.example.fr", notify=frequency)


def to(inbox: list[Received], address: str) -> list[Received]:
    return [received for received in inbox if received.recipients == [address]]


def queued_mails(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(OutgoingMail)) or 0


def test_a_submitted_question_mails_a_subscribed_editor_and_no_one_else(db: Database, smtp_sink: SmtpSink) -> None:
    editor(db, "marie", "immediate")
    editor(db, "paul", "none")
    editor(db, "zoe", "daily")
    mailer = mailer_for(smtp_sink)

    submit_question(db, "Où trouver l'appli e-CPS sur Android ?", VISITOR)
    notices.deliver(db, mailer)

    [mail] = smtp_sink.inbox
    assert mail.recipients == ["marie@ars.example.fr"]
    assert (
        mail.message["Subject"]
        == "Nouvelle question : « Où trouver l'appli e-CPS sur Android ? » — FAQ du numérique en santé"
    )
    body = mail.text()
    assert "- « Où trouver l'appli e-CPS sur Android ? »" in body
    assert "https://faq.example.fr/admin/questions" in body and "https://faq.example.fr/admin/compte" in body
    assert VISITOR not in mail.message.as_string()  # the visitor's address never reaches editors
    notices.deliver(db, mailer)
    assert len(smtp_sink.inbox) == 1  # told once


def test_a_burst_of_a_hundred_questions_is_two_mails_not_a_hundred(db: Database, plain_smtp_sink: SmtpSink) -> None:
    editor(db, "marie", "immediate")
    mailer = mailer_for(plain_smtp_sink)
    start = utcnow()

    for number in range(100):
        submit_question(db, f"Question numéro {number} ?")
        notices.deliver(db, mailer)  # what the web app does after each response
    held = len(plain_smtp_sink.inbox)
    notices.announce(db, mailer, now=start + notices.IMMEDIATE_EVERY + timedelta(seconds=1))
    deliver_due(db, mailer)

    assert held == 1  # the first one at once, the rest held back
    first, rest = plain_smtp_sink.inbox
    assert "Question numéro 0 ?" in first.text()
    assert rest.message["Subject"] == "Nouveautés : 99 questions — FAQ du numérique en santé"
    body = rest.text()
    assert "- « Question numéro 1 ? »" in body and "- « Question numéro 10 ? »" in body
    assert "Question numéro 11 ?" not in body and "… et 89 autres." in body


def test_a_learned_suggestion_is_news_with_the_suggestions_page(db: Database, plain_smtp_sink: SmtpSink) -> None:
    small_faq(db)
    editor(db, "marie", "immediate")

    learn(db, "ecps", "télécharger application e-CPS")
    notices.deliver(db, mailer_for(plain_smtp_sink))

    [mail] = plain_smtp_sink.inbox
    assert mail.message["Subject"].startswith("Nouvelle suggestion : « télécharger application e-CPS »")
    assert "pour la réponse « Comment activer ma e-CPS ? »" in mail.text()
    assert "https://faq.example.fr/admin/suggestions" in mail.text()


def test_a_suggestion_names_its_entry_by_the_title_every_channel_shows(db: Database, plain_smtp_sink: SmtpSink) -> None:
    small_faq(db)  # "ins" has no editors' question: its title is its answer's lead, never its id
    editor(db, "marie", "immediate")

    learn(db, "ins", "c'est quoi l'INS")
    notices.deliver(db, mailer_for(plain_smtp_sink))

    [mail] = plain_smtp_sink.inbox
    with db.session() as session:
        title = shown_titles(session, ["ins"])["ins"]
    assert title == "L'INS est l'identifiant national de santé, obligatoire depuis 2021"
    assert f"pour la réponse « {title} »" in " ".join(mail.text().split())


def test_a_question_handled_before_its_mail_is_no_news(db: Database, plain_smtp_sink: SmtpSink) -> None:
    editor(db, "marie", "daily")
    spam = submit_question(db, "Achetez des montres")

    dismiss_question(db, spam.id)

    assert notices.send_digests(db, mailer_for(plain_smtp_sink)) == 0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(EditorNotice)) == 0  # spent, not kept for later


def test_a_digest_lists_what_came_since_the_last_one_once_and_an_empty_one_is_not_sent(
    db: Database, plain_smtp_sink: SmtpSink
) -> None:
    editor(db, "zoe", "daily")
    mailer = mailer_for(plain_smtp_sink)
    assert notices.send_digests(db, mailer) == 0  # nothing new: no mail
    submit_question(db, "Première question ?")
    submit_question(db, "Deuxième question ?")
    notices.deliver(db, mailer)
    assert plain_smtp_sink.inbox == []  # a digest account gets no immediate mail

    assert notices.send_digests(db, mailer) == 1
    assert notices.send_digests(db, mailer) == 0  # run twice by cron: sent once
    deliver_due(db, mailer)

    [digest] = plain_smtp_sink.inbox
    assert digest.message["Subject"] == "Résumé quotidien : 2 questions — FAQ du numérique en santé"
    assert "- « Première question ? »\r\n- « Deuxième question ? »" in digest.text()  # CR LF on the wire
    assert find_user(db, "zoe").digest_at is not None
    submit_question(db, "Le lendemain ?")
    assert notices.send_digests(db, mailer) == 1  # only what is new since: one question
    deliver_due(db, mailer)
    assert "Le lendemain ?" in plain_smtp_sink.inbox[-1].text()
    assert "Première question" not in plain_smtp_sink.inbox[-1].text()


@pytest.mark.parametrize("frequency", ["daily", "immediate"])
def test_processes_announcing_at_once_queue_one_mail(db_url: str, frequency: str) -> None:
    db = Database(db_url)
    editor(db, "zoe", frequency)
    for number in range(5):
        submit_question(db, f"Question {number} ?")
    settings = Settings().model_copy(
        update={"smtp_url": "memory://", "mail_from": "faq@example.fr", "public_url": "https://faq.example.fr"}
    )
    mailer = Mailer.from_settings(settings)
    assert mailer is not None
    workers = [Database(db_url) for _ in range(6)]  # one engine each, as separate processes have
    start = threading.Barrier(len(workers))
    queued: list[int] = []
    run = notices.send_digests if frequency == "daily" else notices.announce

    def work(worker: Database) -> None:
        start.wait()
        queued.append(run(worker, mailer))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(queued) == [0, 0, 0, 0, 0, 1]
    assert queued_mails(db) == 1
    with db.session() as session:
        [body] = session.scalars(select(OutgoingMail.body)).all()
    assert all(f"Question {number} ?" in body for number in range(5))
    for worker in [*workers, db]:
        worker.dispose()


def test_a_hostile_question_makes_a_one_line_subject_and_a_single_recipient(
    db: Database, plain_smtp_sink: SmtpSink
) -> None:
    editor(db, "marie", "immediate")
    hostile = "Bonjour\r\nBcc: victime@evil.example\r\nSubject: gagné\u202e\u200b\x1b[31m " + "très " * 60 + "?"

    submit_question(db, hostile)
    notices.deliver(db, mailer_for(plain_smtp_sink))

    [mail] = plain_smtp_sink.inbox
    assert mail.recipients == ["marie@ars.example.fr"] and mail.message["Bcc"] is None
    subject = str(mail.message["Subject"])
    assert subject.startswith("Nouvelle question : « Bonjour Bcc: victime@evil.example Subject: gagné[31m très")
    assert "\r" not in subject and "\n" not in subject and "\u202e" not in subject and "\x1b" not in subject
    assert "…" in subject and len(subject) < 120
    assert "\u202e" not in mail.text() and "Bcc: victime" in mail.text()  # quoted on one line, as text


def test_without_an_address_or_with_none_nothing_is_recorded(db: Database) -> None:
    editor(db, "paul", "none")
    create_user(db, "lea", PASSWORD)  # never set: no address, no mail
    editor(db, "zoe", "daily")
    editor(db, "ines", "immediate")
    submit_question(db, "Une question ?")
    set_notifications(db, "zoe", email="zoe@ars.example.fr", notify="none")  # forgets what was not mailed
    set_active(db, "ines", False)  # likewise
    submit_question(db, "Et une autre ?")  # a disabled account hears of nothing

    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(EditorNotice)) == 0
