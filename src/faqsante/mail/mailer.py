"""The configured way out: a transport (SMTP, a folder, memory), the sender and the public address links point to.

Mail is on only when ``FAQSANTE_SMTP_URL``, ``FAQSANTE_MAIL_FROM`` and ``FAQSANTE_PUBLIC_URL`` are all set;
without them nothing is promised to visitors (the question form asks for no address).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from faqsante.config import Settings
from faqsante.errors import InvalidInput
from faqsante.mail.addresses import mailbox
from faqsante.mail.messages import Draft, answer_notice
from faqsante.mail.smtp import DeliveryError
from faqsante.mail.transports import Transport, transport_from_url

SETTINGS = ("FAQSANTE_SMTP_URL", "FAQSANTE_MAIL_FROM", "FAQSANTE_PUBLIC_URL")


@dataclass(frozen=True)
class Mailer:
    transport: Transport
    sender: str
    public_url: str
    site_name: str = "FAQ du numérique en santé"

    @classmethod
    def from_settings(cls, settings: Settings, *, tls: ssl.SSLContext | None = None) -> Mailer | None:
        """None when mail is off; ``InvalidInput`` when it is half configured (better than silent promises).

        ``tls``: the authorities an SMTP server's certificate is checked against (None: the system's).
        """
        given = {"FAQSANTE_SMTP_URL": settings.smtp_url, "FAQSANTE_MAIL_FROM": settings.mail_from,
                 "FAQSANTE_PUBLIC_URL": settings.public_url}  # fmt: skip
        missing = [name for name, value in given.items() if not value.strip()]
        if len(missing) == len(SETTINGS):
            return None
        if missing:
            raise InvalidInput(f"Envoi d'e-mails à moitié configuré : définissez aussi {', '.join(missing)}.")
        if "@" not in parseaddr(settings.mail_from)[1]:
            raise InvalidInput(f"FAQSANTE_MAIL_FROM n'est pas une adresse e-mail : « {settings.mail_from} ».")
        if not settings.public_url.startswith(("http://", "https://")):
            raise InvalidInput("FAQSANTE_PUBLIC_URL doit commencer par https:// (ou http://).")
        return cls(transport_from_url(settings.smtp_url, tls=tls), settings.mail_from.strip(),
                   settings.public_url.strip().rstrip("/"), settings.site_name)  # fmt: skip

    def answer_notice(self, *, recipient: str, question: str, title: str, answer_path: str) -> Draft:
        return answer_notice(
            recipient=recipient, question=question, title=title, answer_path=answer_path,
            public_url=self.public_url, site_name=self.site_name,
        )  # fmt: skip

    def send(self, draft: Draft, *, message_id: int) -> None:
        """Send one outbox message; its Message-ID stays the same across retries, so duplicates can be spotted.

        The recipient passes the address rule again (a row may predate it) and is the only RCPT: the To header
        is never parsed into recipients (#19.4). A refused address is a permanent ``DeliveryError``.
        """
        try:
            recipient = mailbox(draft.recipient)
        except InvalidInput as error:
            raise DeliveryError(str(error), permanent=True) from error
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = draft.subject
        message["Date"] = formatdate(usegmt=True)
        domain = parseaddr(self.sender)[1].rpartition("@")[2]
        message["Message-ID"] = f"<faqsante-outbox-{message_id}@{domain}>"
        message.set_content(draft.body)
        self.transport.send(message, sender=parseaddr(self.sender)[1], recipient=recipient)
