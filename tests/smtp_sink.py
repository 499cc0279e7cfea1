"""A real SMTP server for the tests (aiosmtpd on loopback): it records what it receives.

Modes: "plain" (no TLS; AUTH allowed in clear, as a local relay does), "starttls" (a self-signed
certificate, AUTH only after STARTTLS) and "tls" (implicit TLS, for smtps://). The certificate is made by
the test with ``cryptography``; clients trust it through ``SmtpSink.client_tls``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

USER, PASSWORD = "faq", "mot de passe : 100% s@le!"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    authenticated_as: str | None
    encrypted: bool

    def text(self) -> str:
        body = self.message.get_body(("plain",))
        assert body is not None
        return body.get_content()


@dataclass
class SmtpSink:
    host: str
    port: int
    mode: str
    cert_file: Path | None
    inbox: list[Received] = field(default_factory=list)
    # Replies forced on RCPT, one per delivery attempt: ["451 4.3.0 Réessayez plus tard"] fails the first one.
    rcpt_replies: list[str] = field(default_factory=list)
    # Replies forced on QUIT, one per connection: ["421 4.3.2 Arrêt du service"] after a message was accepted.
    quit_replies: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        scheme = "smtps" if self.mode == "tls" else "smtp"
        return f"{scheme}://{USER}:{quote(PASSWORD, safe='')}@{self.host}:{self.port}"

    @property
    def client_tls(self) -> ssl.SSLContext | None:
        return ssl.create_default_context(cafile=str(self.cert_file)) if self.cert_file else None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.login.decode() if session.authenticated and session.auth_data else None
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.inbox.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), message, login, _encrypted(server, session))
        )
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return self.quit_replies.pop(0) if self.quit_replies else "221 Bye"


def _encrypted(server: Any, session: Any) -> bool:
    """After STARTTLS the session knows; under implicit TLS only the transport does."""
    return session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False, auth_data=auth_data if good else None)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, valid one day: (certificate file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "faqsante test smtp")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp.crt", directory / "smtp.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sink(mode: str, directory: Path) -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    cert_file = None
    options: dict[str, Any] = {"authenticator": _authenticate, "auth_require_tls": mode == "starttls"}
    if mode != "plain":
        cert_file, key_file = self_signed_certificate(directory)
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_tls.load_cert_chain(cert_file, key_file)
        options.update({"ssl_context": server_tls} if mode == "tls" else {"tls_context": server_tls,
                                                                         "require_starttls": True})  # fmt: skip
    sink = SmtpSink("127.0.0.1", _free_port(), mode, cert_file)
    controller = Controller(sink, hostname=sink.host, port=sink.port, **options)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture(params=["plain", "starttls", "tls"])
def smtp_sink(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SmtpSink]:
    """A running SMTP server, once per security mode."""
    yield from start_sink(request.param, tmp_path)


@pytest.fixture(params=["starttls", "tls"])
def encrypted_smtp_sink(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SmtpSink]:
    yield from start_sink(request.param, tmp_path)


@pytest.fixture
def plain_smtp_sink(tmp_path: Path) -> Iterator[SmtpSink]:
    yield from start_sink("plain", tmp_path)
