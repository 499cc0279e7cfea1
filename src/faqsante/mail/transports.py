"""How a message leaves, chosen by the URL in ``FAQSANTE_SMTP_URL``; ``Mailer`` only knows the protocol.

# smtp://alice:s3cret@relay.example.fr:587  -> SmtpTransport (STARTTLS when offered), smtps:// for TLS at once
# file:///var/lib/faqsante/mails            -> FileTransport: one .eml file per message, for development
# memory://                                 -> MemoryTransport: kept in the process, for tests
Each raises ``DeliveryError`` for a message it could not take; anything else it raises is a bug the outbox records.
"""

from __future__ import annotations

import os
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit
from uuid import uuid4

from faqsante.errors import InvalidInput
from faqsante.mail.smtp import DeliveryError, SmtpTransport


class Transport(Protocol):
    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        """Hand ``message`` over for ``recipient`` alone (the envelope, whatever its headers say)."""


@dataclass(frozen=True)
class Sent:
    """One message a ``MemoryTransport`` took, with its envelope."""

    sender: str
    recipient: str
    message: EmailMessage


@dataclass
class MemoryTransport:
    """Keeps what is sent in ``sent``, in order: tests read it when a real server is not the point."""

    sent: list[Sent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        with self._lock:  # background tasks of several requests may send at once
            self.sent.append(Sent(sender, recipient, message))


@dataclass(frozen=True)
class FileTransport:
    """Writes each message as a file a mail client opens, instead of sending it: mail in development.

    # file:///tmp/faqsante-mails -> /tmp/faqsante-mails/20261205T164012.123456Z-5f0c….eml
    """

    folder: Path

    @classmethod
    def from_url(cls, url: str) -> FileTransport:
        parts = urlsplit(url.strip())
        folder = unquote(parts.netloc + parts.path)  # file:///abs/path, or file://relative/path
        if not folder:
            raise InvalidInput(
                "FAQSANTE_SMTP_URL : indiquez le dossier des e-mails, par exemple file:///tmp/faqsante-mails."
            )
        return cls(Path(folder))

    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}-{uuid4().hex}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Written whole, then renamed: a reader of the folder never sees half a message.
            with tempfile.NamedTemporaryFile(dir=self.folder, suffix=".part", delete=False) as part:
                part.write(message.as_bytes())
            os.replace(part.name, self.folder / name)
        except OSError as error:
            raise DeliveryError(f"Écriture de l'e-mail impossible dans {self.folder} ({error}).") from error


def transport_from_url(url: str, *, tls: ssl.SSLContext | None = None) -> Transport:
    """The transport the URL names; ``tls`` (trusted authorities) only matters to SMTP."""
    scheme = url.strip().partition(":")[0].lower()
    if scheme == "file":
        return FileTransport.from_url(url)
    if scheme == "memory":
        return MemoryTransport()
    return SmtpTransport.from_url(url, tls=tls)  # smtp:// or smtps://, or an error that says what is expected
