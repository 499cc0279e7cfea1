"""The key that signs session cookies, the same for every worker process.

FAQSANTE_SECRET_KEY wins when set. Otherwise the first process to need a key generates a random one and
stores it in the ``meta`` table, where every other worker (and every restart) finds it: sessions survive
restarts and load balancing without any configuration. Anyone who can read the database can forge
sessions, so production deployments should still set FAQSANTE_SECRET_KEY.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from faqsante.store.db import Database
from faqsante.store.models import Meta

META_KEY = "secret_key"


def shared_secret(db: Database, configured: str = "") -> str:
    """``configured`` if given, else the key stored in the database (created once, race-free)."""
    if configured:
        return configured
    stored = _stored(db)
    if stored:
        return stored
    try:
        with db.session() as session:
            session.add(Meta(key=META_KEY, value=secrets.token_urlsafe(48)))
    except IntegrityError:  # another worker stored its key first: use that one
        pass
    return _stored(db) or ""


def _stored(db: Database) -> str | None:
    with db.session() as session:
        return session.scalar(select(Meta.value).where(Meta.key == META_KEY))
