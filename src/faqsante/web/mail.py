"""Mail in the web app: the process's mailer, a send right after the response, and a retry loop per worker.

An editor's click never waits for the SMTP server: the handler commits (the outbox row with it), answers,
and only then ``deliver`` runs as a background task. Whatever failed is picked up by the loop, and so are editors'
news held back by their « at most one mail every few minutes » (``feedback.notices``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from starlette.concurrency import run_in_threadpool

from faqsante.feedback.notices import deliver
from faqsante.mail import Mailer
from faqsante.store import Database
from faqsante.web.deps import get_service

RETRY_INTERVAL_SECONDS = 60
log = logging.getLogger(__name__)


def get_mailer(request: Request) -> Mailer | None:
    """None when mail is off (FAQSANTE_SMTP_URL and its companions unset)."""
    return get_service(request).mailer


MailerDep = Annotated[Mailer | None, Depends(get_mailer)]


def send_after_response(background: BackgroundTasks, db: Database, mailer: Mailer | None) -> None:
    if mailer is not None:
        background.add_task(deliver, db, mailer)


@asynccontextmanager
async def retrying_outbox(
    db: Database, mailer: Mailer | None, *, interval: float = RETRY_INTERVAL_SECONDS
) -> AsyncIterator[None]:
    """While the app runs, send what is due every minute (claims keep two workers off one message)."""
    if mailer is None:
        yield
        return
    task = asyncio.create_task(_retry_forever(db, mailer, interval))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


async def _retry_forever(db: Database, mailer: Mailer, interval: float) -> None:
    """Only cancellation ends the loop: whatever a round raises (the database unreachable, a bug), the next
    round tries again, since a loop that dies silently stops every worker's mail (#19.1)."""
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(deliver, db, mailer)
        except Exception:
            log.exception("outbox: envoi des e-mails en attente impossible pour l'instant")
