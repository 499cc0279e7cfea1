"""Sending through a real SMTP server in each security mode, and the settings that turn mail on."""

from __future__ import annotations

from dataclasses import replace

import pytest

from faqsante.config import Settings
from faqsante.errors import InvalidInput
from faqsante.mail import DeliveryError, Draft, Mailer, SmtpServer, SmtpTransport
from smtp_sink import PASSWORD, USER, SmtpSink

PUBLIC_URL = "https://faq.example.fr"


def mailer_for(sink: SmtpSink, url: str | None = None) -> Mailer:
    settings = Settings().model_copy(
        update={"smtp_url": url or sink.url, "mail_from": "FAQ santé <faq@example.fr>", "public_url": PUBLIC_URL}
    )
    mailer = Mailer.from_settings(settings, tls=sink.client_tls)
    assert mailer is not None
    return mailer


def test_a_notice_reaches_the_server_authenticated_and_encrypted_as_the_url_says(smtp_sink: SmtpSink) -> None:
    mailer = mailer_for(smtp_sink)
    draft = mailer.answer_notice(
        recipient="lea@example.org",
        question="Où trouver ma carte CPS ?",
        title="Où trouver ma carte CPS ?",
        answer_path="/reponses/c1179/ou-trouver-ma-carte-cps",
    )

    mailer.send(draft, message_id=7)

    [received] = smtp_sink.inbox
    assert received.recipients == ["lea@example.org"]
    assert received.sender == "faq@example.fr"
    assert received.authenticated_as == USER
    assert received.encrypted is (smtp_sink.mode != "plain")
    assert received.message["Subject"] == "Votre question a une réponse — FAQ du numérique en santé"
    assert received.message["Message-ID"] == "<faqsante-outbox-7@example.fr>"
    assert "« Où trouver ma carte CPS ? »" in received.text()
    assert f"{PUBLIC_URL}/reponses/c1179/ou-trouver-ma-carte-cps" in received.text()


def test_a_wrong_password_is_a_french_reason_not_a_crash(plain_smtp_sink: SmtpSink) -> None:
    mailer = mailer_for(plain_smtp_sink, f"smtp://{USER}:faux@{plain_smtp_sink.host}:{plain_smtp_sink.port}")

    with pytest.raises(DeliveryError, match="refusé l'identifiant ou le mot de passe") as refused:
        mailer.send(Draft("lea@example.org", "Objet", "Texte"), message_id=1)

    assert not refused.value.permanent  # a configuration to fix: the message waits for it
    assert plain_smtp_sink.inbox == []


def test_an_untrusted_certificate_is_refused(encrypted_smtp_sink: SmtpSink) -> None:
    trusting = mailer_for(encrypted_smtp_sink)
    assert isinstance(trusting.transport, SmtpTransport)
    mailer = replace(
        trusting, transport=replace(trusting.transport, tls=None)
    )  # the system's authorities: not the test's

    with pytest.raises(DeliveryError, match="chiffrée"):
        mailer.send(Draft("lea@example.org", "Objet", "Texte"), message_id=1)
    assert encrypted_smtp_sink.inbox == []


def test_a_server_that_does_not_answer_is_reported_by_address() -> None:
    mailer = Mailer(SmtpTransport(SmtpServer("127.0.0.1", 9, implicit_tls=False)), "faq@example.fr", PUBLIC_URL)

    with pytest.raises(DeliveryError, match="injoignable : 127.0.0.1:9"):
        mailer.send(Draft("lea@example.org", "Objet", "Texte"), message_id=1)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.example.fr", SmtpServer("relay.example.fr", 25, implicit_tls=False)),
        ("smtps://a%40b:p%3Ass@relay.example.fr", SmtpServer("relay.example.fr", 465, True, "a@b", "p:ss")),
        ("smtp://u:p@relay.example.fr:587", SmtpServer("relay.example.fr", 587, False, "u", "p")),
    ],
)
def test_smtp_urls_are_read_with_their_defaults(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.from_url(url) == expected


@pytest.mark.parametrize(
    "url", ["http://relay.example.fr", "relay.example.fr", "smtp://relay:port", "smtp://", "smtp://u:mot%C3%A9@relay"]
)
def test_a_malformed_smtp_url_is_explained(url: str) -> None:
    with pytest.raises(InvalidInput, match="FAQSANTE_SMTP_URL"):
        SmtpServer.from_url(url)


def test_mail_is_off_without_settings_and_refused_when_half_configured() -> None:
    assert (
        Mailer.from_settings(Settings().model_copy(update={"smtp_url": "", "mail_from": "", "public_url": ""})) is None
    )
    with pytest.raises(InvalidInput, match="FAQSANTE_PUBLIC_URL"):
        Mailer.from_settings(
            Settings().model_copy(update={"smtp_url": "smtp://h", "mail_from": "faq@example.fr", "public_url": ""})
        )
    with pytest.raises(InvalidInput, match="FAQSANTE_MAIL_FROM"):
        Mailer.from_settings(
            Settings().model_copy(update={"smtp_url": "smtp://h", "mail_from": "personne", "public_url": PUBLIC_URL})
        )


def test_the_password_never_shows_in_a_repr() -> None:
    settings = Settings().model_copy(
        update={"smtp_url": f"smtp://{USER}:hunter2@h", "mail_from": "f@e.fr", "public_url": PUBLIC_URL}
    )
    assert "hunter2" not in repr(Mailer.from_settings(settings)) + repr(settings)
    assert PASSWORD not in repr(SmtpServer.from_url(f"smtp://u:{PASSWORD}@h"))
