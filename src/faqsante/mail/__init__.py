"""E-mails to visitors: composed in French, queued in the database with the change they announce, sent after."""

from faqsante.mail.mailer import Mailer
from faqsante.mail.messages import Draft
from faqsante.mail.outbox import DeliveryReport, MailStatus, deliver_due, latest_by_question, queue_mail
from faqsante.mail.smtp import DeliveryError, SmtpServer

__all__ = [
    "DeliveryError",
    "DeliveryReport",
    "Draft",
    "MailStatus",
    "Mailer",
    "SmtpServer",
    "deliver_due",
    "latest_by_question",
    "queue_mail",
]
