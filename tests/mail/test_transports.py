"""The ways out behind one protocol, chosen by URL: SMTP (tests/mail/test_mailer.py), a folder, memory."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from faqsante.config import Settings
from faqsante.errors import InvalidInput
from faqsante.mail import (
    DeliveryError,
    Draft,
    FileTransport,
    Mailer,
    MemoryTransport,
    SmtpServer,
    SmtpTransport,
    deliver_due,
    queue_mail,
    transport_from_url,
)
from faqsante.store import Database
from smtp_sink import SmtpSink


def mailer_for(url: str, sink: SmtpSink | None = None) -> Mailer:
    settings = Settings().model_copy(
        update={"smtp_url": url, "mail_from": "FAQ santé <faq@example.fr>", "public_url": "https://faq.example.fr"}
    )
    mailer = Mailer.from_settings(settings, tls=sink.client_tls if sink else None)
    assert mailer is not None
    return mailer


def notice(mailer: Mailer) -> Draft:
    return mailer.answer_notice(
        recipient="lea@example.org",
        question="Où trouver ma carte CPS ?",
        title="Où trouver ma carte CPS ?",
        answer_path="/reponses/c1179/ou-trouver-ma-carte-cps",
    )


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("smtp://relay.example.fr", SmtpTransport),
        ("smtps://u:p@relay.example.fr", SmtpTransport),
        ("file:///tmp/faqsante-mails", FileTransport),
        ("memory://", MemoryTransport),
    ],
)
def test_the_url_chooses_the_transport(url: str, kind: type) -> None:
    assert isinstance(transport_from_url(url), kind)


@pytest.mark.parametrize("url", ["http://relay.example.fr", "file://", "ftp://x"])
def test_an_unknown_or_empty_url_is_explained(url: str) -> None:
    with pytest.raises(InvalidInput, match="FAQSANTE_SMTP_URL"):
        transport_from_url(url)


def test_a_folder_gets_one_eml_file_per_message(tmp_path: Path) -> None:
    folder = tmp_path / "mails"
    mailer = mailer_for(f"file://{folder}")

    mailer.send(notice(mailer), message_id=3)
    mailer.send(notice(mailer), message_id=4)

    files = sorted(folder.iterdir())
    assert [path.suffix for path in files] == [".eml", ".eml"]
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "lea@example.org" and message["Message-ID"] == "<faqsante-outbox-3@example.fr>"
    assert "https://faq.example.fr/reponses/c1179/ou-trouver-ma-carte-cps" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_folder_that_cannot_be_written_is_a_delivery_error(tmp_path: Path) -> None:
    blocked = tmp_path / "un-fichier"
    blocked.write_text("pas un dossier")
    transport = FileTransport(blocked / "mails")
    mailer = Mailer(transport, "faq@example.fr", "https://faq.example.fr")

    with pytest.raises(DeliveryError, match="Écriture de l'e-mail impossible"):
        mailer.send(notice(mailer), message_id=1)


def test_memory_keeps_each_message_with_its_envelope(sqlite_url: str) -> None:
    mailer = mailer_for("memory://")
    db = Database(sqlite_url)
    with db.session() as session:
        queue_mail(session, notice(mailer))
        queue_mail(session, Draft("postmaster,victim@evil.example", "Objet", "Texte"))

    report = deliver_due(db, mailer)

    assert isinstance(mailer.transport, MemoryTransport)
    [sent] = mailer.transport.sent
    assert (sent.sender, sent.recipient) == ("faq@example.fr", "lea@example.org")
    assert sent.message["Subject"] == "Votre question a une réponse — FAQ du numérique en santé"
    assert len(report.sent) == 1 and len(report.failed) == 1


def test_smtp_is_one_transport_among_others(plain_smtp_sink: SmtpSink) -> None:
    mailer = mailer_for(plain_smtp_sink.url, plain_smtp_sink)

    mailer.send(notice(mailer), message_id=9)

    assert mailer.transport == SmtpTransport(SmtpServer.from_url(plain_smtp_sink.url))
    [received] = plain_smtp_sink.inbox
    assert received.recipients == ["lea@example.org"] and received.sender == "faq@example.fr"
