"""Sending one message through an SMTP server, with the security the URL asks for (the ``smtp://`` transport).

# smtp://alice:s3cret@relay.example.fr:587  -> plain connection, STARTTLS when the server offers it, then AUTH
# smtps://alice:s3cret@relay.example.fr     -> TLS from the first byte (port 465 by default)
# smtp://localhost:25                       -> no authentication (a local relay)
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from faqsante.errors import FaqsanteError, InvalidInput

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to connect, parsed from ``FAQSANTE_SMTP_URL``."""

    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as error:  # a port that is not a number, a malformed address
            raise InvalidInput(f"FAQSANTE_SMTP_URL n'est pas une adresse valide ({error}).") from error
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise InvalidInput(
                "FAQSANTE_SMTP_URL doit être de la forme smtp://utilisateur:motdepasse@serveur:port "
                "(ou smtps:// pour TLS dès la connexion, file:///dossier pour écrire les e-mails dans un dossier)."
            )
        username, password = (unquote(value) if value else None for value in (parts.username, parts.password))
        if not f"{username or ''}{password or ''}".isascii():  # Python's SMTP client sends AUTH in ASCII only
            raise InvalidInput("FAQSANTE_SMTP_URL : l'identifiant et le mot de passe doivent être en caractères ASCII.")
        return cls(
            host=parts.hostname,
            port=port or DEFAULT_PORTS[parts.scheme],
            implicit_tls=parts.scheme == "smtps",
            username=username,
            password=password,
        )


@dataclass(frozen=True)
class SmtpTransport:
    """The ``Transport`` that talks to an SMTP server; ``tls``: None trusts the system's authorities."""

    server: SmtpServer
    tls: ssl.SSLContext | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str, *, tls: ssl.SSLContext | None = None) -> SmtpTransport:
        return cls(SmtpServer.from_url(url), tls)

    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        send(self.server, message, sender=sender, recipient=recipient, tls=self.tls)


class DeliveryError(FaqsanteError):
    """A message was not sent; ``permanent`` when retrying cannot help (the server refused the address)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        self.permanent = permanent
        super().__init__(message)


def send(
    server: SmtpServer, message: EmailMessage, *, sender: str, recipient: str, tls: ssl.SSLContext | None = None
) -> None:
    """Deliver ``message`` to ``recipient`` alone or raise ``DeliveryError`` with a French reason an editor can act on.

    ``tls`` defaults to the system's trusted authorities with host name checking.
    """
    context = tls or ssl.create_default_context()
    try:
        if server.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        try:
            client.ehlo()
            if not server.implicit_tls and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            if server.username:
                client.login(server.username, server.password or "")
            client.send_message(message, from_addr=sender, to_addrs=[recipient])
        finally:
            _quit(client)
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(
            f"Le serveur d'envoi a refusé l'identifiant ou le mot de passe ({_reply(error)})."
        ) from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise DeliveryError(
            f"Le serveur d'envoi a refusé l'adresse du destinataire ({_replies(error)}).",
            permanent=all(code >= 500 for code in codes),
        ) from error
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(
            f"Le serveur d'envoi a refusé le message ({_reply(error)}).", permanent=error.smtp_code >= 500
        ) from error
    except smtplib.SMTPNotSupportedError as error:
        raise DeliveryError(
            "Le serveur d'envoi ne propose pas l'authentification demandée par FAQSANTE_SMTP_URL "
            f"(souvent : il l'exige chiffrée et n'offre pas STARTTLS ; essayez smtps://) : {error}"
        ) from error
    except ssl.SSLError as error:
        raise DeliveryError(f"La connexion chiffrée au serveur d'envoi a échoué ({error.reason or error}).") from error
    except (OSError, smtplib.SMTPException) as error:  # refused, unreachable, timed out, cut off
        raise DeliveryError(f"Serveur d'envoi injoignable : {server.host}:{server.port} ({error}).") from error


def _quit(client: smtplib.SMTP) -> None:
    """Say goodbye, whatever the server answers: once it said 250 to DATA the message is its job, and a
    « 421 » to QUIT (or a dropped connection) must not make us send it again (#19.14)."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {text}".strip()


def _replies(error: smtplib.SMTPRecipientsRefused) -> str:
    return "; ".join(
        f"{address} : {code} {reply.decode(errors='replace')}" for address, (code, reply) in error.recipients.items()
    )
