"""``faqsante inbox``: the submitted-questions queue from the command line, on the same core as /admin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante.accounts import create_user, set_notifications
from faqsante.cli import app
from faqsante.feedback.audience import submit_question
from faqsante.store import Database
from faqsante.store.models import SubmittedQuestion, utcnow
from smtp_sink import SmtpSink

runner = CliRunner()
SAMPLE_DUMP = Path(__file__).parent.parent / "data" / "sample" / "004_f08617c875fe96e2.txt"
LEXICAL = {"FAQSANTE_EMBEDDER": "none"}  # this is about the queue, not about dense retrieval


@pytest.fixture
def seeded(sqlite_url: str) -> str:
    result = runner.invoke(app, ["ingest", str(SAMPLE_DUMP), "--db", sqlite_url], env=LEXICAL)
    assert result.exit_code == 0, result.output
    return sqlite_url


def test_list_link_and_the_visitors_mail(seeded: str, plain_smtp_sink: SmtpSink) -> None:
    asked = submit_question(Database(seeded), "Medimail garde les messages combien de temps ?", "lea@example.org")
    listed = runner.invoke(app, ["inbox", "list", "--json", "--db", seeded], env=LEXICAL)
    assert listed.exit_code == 0, listed.output
    [item] = json.loads(listed.stdout)
    assert (item["id"], item["email"], item["status"]) == (asked.id, "lea@example.org", "open")
    proposed = item["candidates"][0]["id"]

    mail = {**LEXICAL, "FAQSANTE_SMTP_URL": plain_smtp_sink.url, "FAQSANTE_MAIL_FROM": "faq@example.fr",
            "FAQSANTE_PUBLIC_URL": "https://faq.example.fr"}  # fmt: skip
    linked = runner.invoke(app, ["inbox", "link", str(asked.id), proposed, "--db", seeded], env=mail)

    assert linked.exit_code == 0, linked.output
    assert f"reliée à l'entrée {proposed}" in linked.output and "E-mail envoyé à lea@example.org" in linked.output
    assert f"https://faq.example.fr/reponses/{proposed}" in plain_smtp_sink.inbox[0].text()
    answered = json.loads(
        runner.invoke(app, ["inbox", "list", "--json", "--statut", "answered", "--db", seeded]).stdout
    )
    assert answered[0]["answer_entry_id"] == proposed and answered[0]["mail"]["status"] == "sent"
    assert answered[0]["answer_title"] == item["candidates"][0]["title"]  # as search and every channel title it


def test_dismiss_and_the_errors(seeded: str) -> None:
    spam = submit_question(Database(seeded), "Gagnez un smartphone")

    wrong = runner.invoke(app, ["inbox", "link", str(spam.id), "pas-un-id", "--db", seeded], env=LEXICAL)
    assert wrong.exit_code == 2 and "Aucune entrée n'a l'identifiant « pas-un-id »" in wrong.output
    dismissed = runner.invoke(app, ["inbox", "dismiss", str(spam.id), "--db", seeded])
    assert dismissed.exit_code == 0 and f"Question {spam.id} écartée." in dismissed.output
    missing = runner.invoke(app, ["inbox", "dismiss", "999999", "--db", seeded])
    assert missing.exit_code == 2 and "Aucune question soumise n'a le numéro 999999" in missing.output
    half = runner.invoke(app, ["inbox", "send", "--db", seeded], env={"FAQSANTE_SMTP_URL": "smtp://h"})
    assert half.exit_code == 2 and "FAQSANTE_MAIL_FROM" in half.output


def test_a_mail_that_cannot_be_sent_is_reported_not_a_traceback(seeded: str, plain_smtp_sink: SmtpSink) -> None:
    db = Database(seeded)
    with db.session() as session:  # an address left before the strict rule (#19.1)
        row = SubmittedQuestion(
            question="Medimail ?", email="=?utf-8?q?x=0D=0ABcc:z?=@x.fr", status="open", created_at=utcnow()
        )
        session.add(row)
        session.flush()
        question_id = row.id
    entry_id = json.loads(runner.invoke(app, ["inbox", "list", "--json", "--db", seeded], env=LEXICAL).stdout)[0][
        "candidates"
    ][0]["id"]
    mail = {**LEXICAL, "FAQSANTE_SMTP_URL": plain_smtp_sink.url, "FAQSANTE_MAIL_FROM": "faq@example.fr",
            "FAQSANTE_PUBLIC_URL": "https://faq.example.fr"}  # fmt: skip

    linked = runner.invoke(app, ["inbox", "link", str(question_id), entry_id, "--db", seeded], env=mail)

    assert linked.exception is None and linked.exit_code == 0, linked.output
    assert "Traceback" not in linked.output
    assert "non envoyé" in linked.output and "n'est pas valide" in linked.output
    assert plain_smtp_sink.inbox == []


def test_the_list_is_paginated_like_the_queue_of_the_workspace(seeded: str) -> None:
    """``--limit`` questions a page, oldest first, ``--page`` chooses one; a page past the last is said, not empty."""
    db = Database(seeded)
    asked = [submit_question(db, f"Question numéro {n}").id for n in range(5)]

    def page(*options: str) -> list[int]:
        listed = runner.invoke(app, ["inbox", "list", "--json", *options, "--db", seeded], env=LEXICAL)
        assert listed.exit_code == 0, listed.output
        return [item["id"] for item in json.loads(listed.stdout)]

    assert page() == asked  # fewer than a page of the workspace's queue: all of them
    assert page("--limit", "2") == asked[:2]
    assert page("--limit", "2", "--page", "3") == asked[4:]
    table = runner.invoke(app, ["inbox", "list", "--limit", "2", "--page", "2", "--db", seeded], env=LEXICAL)
    assert table.exit_code == 0 and "5 question(s), page 2 sur 3" in table.output
    beyond = runner.invoke(app, ["inbox", "list", "--limit", "2", "--page", "4", "--db", seeded], env=LEXICAL)
    assert beyond.exit_code == 2 and "La page 4 n'existe pas : cette liste en compte 3." in beyond.output
    zero = runner.invoke(app, ["inbox", "list", "--limit", "0", "--db", seeded])
    assert zero.exit_code == 2


def test_the_daily_digest_from_cron_goes_once(sqlite_url: str, plain_smtp_sink: SmtpSink) -> None:
    db = Database(sqlite_url)
    create_user(db, "zoe", "correct horse battery")
    set_notifications(db, "zoe", email="zoe@ars.example.fr", notify="daily")
    submit_question(db, "Medimail garde les messages combien de temps ?", "lea@example.org")
    mail = {**LEXICAL, "FAQSANTE_SMTP_URL": plain_smtp_sink.url, "FAQSANTE_MAIL_FROM": "faq@example.fr",
            "FAQSANTE_PUBLIC_URL": "https://faq.example.fr"}  # fmt: skip

    first = runner.invoke(app, ["inbox", "digest", "--db", sqlite_url], env=mail)
    again = runner.invoke(app, ["inbox", "digest", "--db", sqlite_url], env=mail)

    assert first.exit_code == 0 and "1 envoyé(s), 0 à réessayer" in first.output, first.output
    assert again.exit_code == 0 and "0 envoyé(s)" in again.output
    [digest] = plain_smtp_sink.inbox
    assert digest.recipients == ["zoe@ars.example.fr"] and "Medimail garde" in digest.text()
    assert "lea@example.org" not in digest.message.as_string()
    off = runner.invoke(app, ["inbox", "digest", "--db", sqlite_url])
    assert off.exit_code == 2 and "envoi d'e-mails non configuré" in off.output
