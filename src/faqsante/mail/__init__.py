"""E-mails to visitors: composed in French, queued in the database with the change they announce, sent after."""

from faqsante.mail.mailer import Mailer
from faqsante.mail.messages import Draft
from faqsante.mail.outbox import DeliveryReport, MailStatus, deliver_due, latest_by_question, queue_mail
from faqsante.mail.smtp import DeliveryError, SmtpServer, SmtpTransport
from faqsante.mail.transports import FileTransport, MemoryTransport, Sent, Transport, transport_from_url

__all__ = [
    "DeliveryError",
    "DeliveryReport",
    "Draft",
    "FileTransport",
    "MailStatus",
    "Mailer",
    "MemoryTransport",
    "Sent",
    "SmtpServer",
    "SmtpTransport",
    "Transport",
    "deliver_due",
    "latest_by_question",
    "queue_mail",
    "transport_from_url",
]
