"""The outbox: e-mails are written in the transaction that makes them true and sent after its commit.

A change that promises a visitor an e-mail (an editor answered their question) adds an ``outbox`` row in
its own transaction, so the promise is kept even if the process stops right after. ``deliver_due`` then
sends what is due, outside any transaction, and reschedules a failure with a growing delay:
# attempt 1 fails -> next in 1 min; 2 -> 5 min; 3 -> 30 min; 4 -> 2 h; 5 -> 6 h; 6 -> 24 h; 7 -> failed
Several workers may call it at once: a row is sent by the one that claimed it (one conditional UPDATE).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from faqsante.mail.messages import Draft
from faqsante.mail.smtp import DeliveryError
from faqsante.store import Database
from faqsante.store.models import OutgoingMail, utcnow

if TYPE_CHECKING:
    from faqsante.mail.mailer import Mailer

RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 5, 30, 120, 360, 1440))
# A worker that claimed a message and died: after this long, another one may send it.
CLAIM_TIMEOUT = timedelta(minutes=10)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailStatus:
    """What the queue shows next to an answered question: « e-mail envoyé le … », « nouvel essai à … »."""

    id: int
    recipient: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    sent_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def queue_mail(session: Session, draft: Draft, *, question_id: int | None = None) -> OutgoingMail:
    """Add a message to the caller's transaction: it exists if and only if the change it announces does."""
    row = OutgoingMail(
        question_id=question_id,
        recipient=draft.recipient,
        subject=draft.subject,
        body=draft.body,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    session.add(row)
    return row


def deliver_due(db: Database, mailer: Mailer, *, now: datetime | None = None) -> DeliveryReport:
    """Send every message whose time has come; never raises for a message that could not be sent (it is recorded:
    retried later, or ``failed`` with its reason when retrying cannot help), so one message never blocks the rest."""
    now = now or utcnow()
    report = DeliveryReport()
    with db.session() as session:
        due = session.scalars(select(OutgoingMail.id).where(_due(now)).order_by(OutgoingMail.id)).all()
    for mail_id in due:
        draft = _claim(db, mail_id, now)
        if draft is None:  # another worker was faster
            continue
        try:
            mailer.send(draft, message_id=mail_id)
        except DeliveryError as error:
            _record_failure(db, mail_id, str(error), permanent=error.permanent, now=now, report=report)
        except Exception as error:  # a bug, or a message no library would write: that one fails, the rest go on
            log.exception("outbox: message %s non envoyé", mail_id)
            reason = f"Erreur inattendue à l'envoi ({type(error).__name__} : {error})."
            _record_failure(db, mail_id, reason, permanent=True, now=now, report=report)
        else:
            _set(db, mail_id, status="sent", sent_at=utcnow(), last_error=None, claimed_at=None)
            report.sent.append(mail_id)
    return report


def latest_by_question(db: Database, question_ids: Iterable[int]) -> dict[int, MailStatus]:
    """The last message about each question, if any: ``{12: MailStatus(status="sent", …)}``."""
    ids = list(question_ids)
    if not ids:
        return {}
    with db.session() as session:
        rows = session.scalars(
            select(OutgoingMail).where(OutgoingMail.question_id.in_(ids)).order_by(OutgoingMail.id)
        ).all()
        return {row.question_id: _status(row) for row in rows if row.question_id is not None}


def _due(now: datetime) -> Any:
    return or_(
        and_(OutgoingMail.status == "pending", OutgoingMail.next_attempt_at <= now),
        and_(OutgoingMail.status == "sending", OutgoingMail.claimed_at <= now - CLAIM_TIMEOUT),
    )


def _claim(db: Database, mail_id: int, now: datetime) -> Draft | None:
    with db.session() as session:
        claimed = session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id == mail_id, _due(now))
            .values(status="sending", claimed_at=now, attempts=OutgoingMail.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get_one(OutgoingMail, mail_id)
        return Draft(recipient=row.recipient, subject=row.subject, body=row.body)


def _record_failure(
    db: Database, mail_id: int, reason: str, *, permanent: bool, now: datetime, report: DeliveryReport
) -> None:
    with db.session() as session:
        attempts = session.scalar(select(OutgoingMail.attempts).where(OutgoingMail.id == mail_id)) or 1
    if permanent or attempts > len(RETRY_DELAYS):
        _set(db, mail_id, status="failed", last_error=reason, claimed_at=None)
        report.failed.append(mail_id)
        return
    later = now + RETRY_DELAYS[attempts - 1]
    _set(db, mail_id, status="pending", last_error=reason, next_attempt_at=later, claimed_at=None)
    report.retrying.append(mail_id)


def _set(db: Database, mail_id: int, **values: Any) -> None:
    with db.session() as session:
        session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values))


def _status(row: OutgoingMail) -> MailStatus:
    return MailStatus(
        id=row.id,
        recipient=row.recipient,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at if row.sent_at else None,
    )
