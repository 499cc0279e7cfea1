"""Editors hear of what is new — questions visitors submitted, suggestions learned from use — by e-mail, as each
account asked: never (the default), at once, or in a daily digest (``accounts.set_notifications``).

The event's own transaction writes one ``EditorNotice`` per subscribed account (``record``); nothing is sent
there. A mail is written later, in its own transaction, by whoever claims the account's notices with one
DELETE … RETURNING: two workers or two cron jobs never announce a notice twice, and a notice is announced iff
its mail is queued in the outbox, which sends it after the commit like every other mail.
# submitted question 41 -> notices (marie, 41), (paul, 41) -> announce(): marie's mail queued, her notice deleted

A burst is one mail, not a hundred: an account set to « immédiate » gets at most one mail every
``IMMEDIATE_EVERY``. The first question after a quiet spell is mailed at once (the web app announces right after
its response); what comes during the next minutes waits for the end of the spell and goes in one mail, listing
ten questions « … et 89 autres ». A digest lists what came since the last one; an empty one is not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from faqsante.content.title_book import shown_titles
from faqsante.mail import DeliveryReport, Mailer, deliver_due, queue_mail
from faqsante.mail.messages import Suggested, editor_notice
from faqsante.store.db import Database
from faqsante.store.models import EditorNotice, Entry, EntryQuestion, SubmittedQuestion, User, utcnow

IMMEDIATE_EVERY = timedelta(minutes=5)  # an account set to « immédiate » gets one mail in this long at most


@dataclass(frozen=True)
class News:
    """What one mail announces, oldest first: questions still open, suggestions still waiting."""

    questions: list[str]
    suggestions: list[Suggested]


def record(session: Session, *, question_id: int | None = None, suggestion_id: int | None = None) -> None:
    """In the event's transaction: a notice of it for every active account that asked for mail."""
    subscribed = session.scalars(
        select(User.id).where(User.active.is_(True), User.notify.is_not(None), User.email.is_not(None))
    ).all()
    now = utcnow()
    session.add_all(
        EditorNotice(user_id=user_id, question_id=question_id, suggestion_id=suggestion_id, created_at=now)
        for user_id in subscribed
    )


def announce(db: Database, mailer: Mailer, *, now: datetime | None = None) -> int:
    """Queue a mail for each « immédiate » account with news whose last mail is ``IMMEDIATE_EVERY`` old;
    returns how many were queued."""
    now = now or utcnow()
    return _announce_all(db, mailer, "immediate", now)


def send_digests(db: Database, mailer: Mailer, *, now: datetime | None = None) -> int:
    """Queue each « résumé quotidien » account's digest of what came since its last one (``faqsante inbox digest``,
    from cron); returns how many were queued (none for an account with nothing new)."""
    now = now or utcnow()
    return _announce_all(db, mailer, "daily", now)


def deliver(db: Database, mailer: Mailer) -> DeliveryReport:
    """Announce the news that is due, then send every mail that is due (the web app's loop, ``inbox send``)."""
    announce(db, mailer)
    return deliver_due(db, mailer)


def _subscribed(kind: str, now: datetime) -> list[Any]:
    """Conditions on ``users`` for an account that may get a ``kind`` mail at ``now``."""
    conditions = [User.notify == kind, User.active.is_(True), User.email.is_not(None)]
    if kind == "immediate":
        conditions.append(or_(User.notified_at.is_(None), User.notified_at <= now - IMMEDIATE_EVERY))
    return conditions


def _announce_all(db: Database, mailer: Mailer, kind: str, now: datetime) -> int:
    with db.session() as session:
        due = session.scalars(
            select(User.id)
            .where(*_subscribed(kind, now), exists().where(EditorNotice.user_id == User.id))
            .order_by(User.id)
        ).all()
    return sum(_announce_one(db, mailer, user_id, kind, now) for user_id in due)


def _announce_one(db: Database, mailer: Mailer, user_id: int, kind: str, now: datetime) -> bool:
    """Claim the account's notices, then its turn (a conditional UPDATE of its last mail's time), and queue one
    mail; a worker that loses either race rolls back and leaves the notices to the next turn."""
    with db.session() as session:
        claimed = session.execute(
            delete(EditorNotice)
            .where(EditorNotice.user_id == user_id)
            .returning(EditorNotice.question_id, EditorNotice.suggestion_id)
        ).all()
        news = _news(session, [q for q, _ in claimed if q is not None], [s for _, s in claimed if s is not None])
        if not news.questions and not news.suggestions:
            return False  # nothing claimed, or all of it already handled by an editor: no mail, notices spent
        turn = update(User).where(User.id == user_id, *_subscribed(kind, now))
        stamp = {"notified_at": now} if kind == "immediate" else {"digest_at": now}
        won = session.execute(turn.values(**stamp).execution_options(synchronize_session=False))
        if won.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            return False
        user = session.get_one(User, user_id)
        assert user.email is not None  # checked by the turn's conditions
        draft = editor_notice(
            recipient=user.email, username=user.username, questions=news.questions, suggestions=news.suggestions,
            daily=kind == "daily", public_url=mailer.public_url, site_name=mailer.site_name,
        )  # fmt: skip
        queue_mail(session, draft)
        return True


def _news(session: Session, question_ids: Sequence[int], suggestion_ids: Sequence[int]) -> News:
    """The texts behind claimed notices that still need an editor (a question answered meanwhile is not news)."""
    questions = session.scalars(
        select(SubmittedQuestion.question)
        .where(SubmittedQuestion.id.in_(question_ids), SubmittedQuestion.status == "open")
        .order_by(SubmittedQuestion.id)
    ).all()
    suggestions = session.execute(
        select(EntryQuestion.text, Entry.id)
        .join(Entry, Entry.id == EntryQuestion.entry_id)
        .where(EntryQuestion.id.in_(suggestion_ids), EntryQuestion.state == "suggested", Entry.status == "published")
        .order_by(EntryQuestion.id)
    ).all()
    titles = shown_titles(session, [entry_id for _, entry_id in suggestions])
    return News(list(questions), [Suggested(text, titles[entry_id]) for text, entry_id in suggestions])
