"""Editors' accounts: roles, argon2 password hashes, and signing in with a username and password.

Single sign-on, when it comes, is a second way to find the account (a column for the provider's subject
and its own sign-in routes) ending in the same session; until then there is one ``authenticate``.

Sessions are rows (``editor_sessions``): a browser holds a random token, the database its hash, an expiry
and whether it was revoked. Signing out, disabling an account or changing its password revokes them; an
admin sees them per account and may revoke any.
# open_session(db, account, ...) -> "Zq3…" (cookie);  session_account(db, "Zq3…") -> (account, session id) | None
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from faqsante.errors import InvalidInput, NotFound
from faqsante.mail.addresses import mailbox
from faqsante.store import Database
from faqsante.store.models import EditorNotice, EditorSession, User, utcnow

ROLES = ("editor", "admin")
ROLE_LABELS = {"editor": "rédacteur", "admin": "administrateur"}
# How often an account hears of new submitted questions and suggestions (``feedback.notices``); stored as None,
# "immediate", "daily".
NOTIFY_LABELS = {"none": "aucune", "immediate": "immédiate", "daily": "résumé quotidien"}
MIN_PASSWORD_LENGTH = 10
# zxcvbn's score: 3 is « safely unguessable », a hundred million guesses or more; it knows the commonly used
# passwords (azerty, motdepasse…), keyboard runs, repeats, dates, and is told the account's own name:
# # "aaaaaaaaaa" 0 ; "marie12345678" for marie 1 ; "Azerty123!" 1 ; "un autre mot de passe" 4
MIN_PASSWORD_SCORE = 3
SCORED_LENGTH = 72  # zxcvbn refuses longer input; what is beyond only adds strength
SITE_WORDS = ("faqsante", "faq", "sante", "esante", "admin", "administrateur", "redacteur")
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,119}")

SESSION_LIFETIME = timedelta(hours=12)  # a working day; then sign in again
SEEN_EVERY = timedelta(minutes=5)  # last_seen_at is rewritten at most this often, not at every request
FORGET_AFTER = timedelta(days=30)  # ended sessions stay listed this long, then are deleted

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("faqsante: compte inexistant")


@dataclass(frozen=True)
class Account:
    """Who is signed in."""

    id: int
    username: str
    role: str
    active: bool
    email: str | None = None
    notify: str = "none"  # a key of NOTIFY_LABELS
    digest_at: datetime | None = None
    two_factor: bool = False  # signs in with a TOTP code after the password (``faqsante.two_factor``)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def notify_label(self) -> str:
        return NOTIFY_LABELS[self.notify]


def _account(user: User) -> Account:
    return Account(
        user.id,
        user.username,
        user.role,
        user.active,
        user.email,
        user.notify or "none",
        user.digest_at,
        user.totp_enabled_at is not None,
    )


def hash_password(password: str, username: str) -> str:
    """The hash of a password good enough for ``username``: long enough and hard to guess (#19.15)."""
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères (sans compter les espaces "
            "au début et à la fin).",
            "password",
        )
    known = [username, *re.split(r"[._@-]+", username), *SITE_WORDS]
    if zxcvbn(password[:SCORED_LENGTH], user_inputs=known)["score"] < MIN_PASSWORD_SCORE:
        raise InvalidInput(
            "Ce mot de passe est trop facile à deviner (mot de passe courant, identifiant, répétition, suite de "
            "touches ou de chiffres) : choisissez plutôt une phrase de plusieurs mots sans rapport avec vous.",
            "password",
        )
    return _hasher.hash(password)


def create_user(db: Database, username: str, password: str, role: str = "editor") -> Account:
    """A new account; the username is case-insensitive (stored in lower case)."""
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise InvalidInput(
            "Identifiant invalide : de 2 à 120 caractères parmi lettres sans accents, chiffres, « . », « _ », « - », « @ ».",
            "username",
        )
    if role not in ROLES:
        raise InvalidInput(f"Rôle inconnu « {role} » : editor (rédacteur) ou admin (administrateur).", "role")
    password_hash = hash_password(password, name)
    try:
        with db.session() as session:
            user = User(username=name, password_hash=password_hash, role=role, active=True)
            session.add(user)
            session.flush()
            return _account(user)
    except IntegrityError:
        raise InvalidInput(f"L'identifiant « {name} » est déjà pris.", "username") from None


def list_users(db: Database) -> list[Account]:
    with db.session() as session:
        return [_account(user) for user in session.scalars(select(User).order_by(User.username))]


def find_user(db: Database, username: str) -> Account:
    """An account by its username, active or not; ``NotFound`` otherwise."""
    with db.session() as session:
        return _account(require_user(session, username))


def get_account(db: Database, user_id: int) -> Account | None:
    """The account of a session, or None when it no longer exists or was deactivated."""
    with db.session() as session:
        user = session.get(User, user_id)
        return _account(user) if user is not None and user.active else None


def set_password(db: Database, username: str, password: str) -> None:
    """A new password ends every session opened with the old one."""
    with db.session() as session:
        user = require_user(session, username)
        user.password_hash = hash_password(password, user.username)
        _revoke_all(session, user.id)


def set_active(db: Database, username: str, active: bool) -> None:
    """Deactivating ends every session at once, and forgets the news not mailed yet; re-activating revives none
    of them. Nothing written is lost."""
    with db.session() as session:
        user = require_user(session, username)
        user.active = active
        if not active:
            _revoke_all(session, user.id)
            session.execute(delete(EditorNotice).where(EditorNotice.user_id == user.id))


def set_notifications(db: Database, username: str, *, email: str | None, notify: str) -> Account:
    """Where and how often an account hears of new questions and suggestions: the address passes the one strict
    mailbox rule; no address means no mail. Choosing « aucune » forgets the news not mailed yet.

    # set_notifications(db, "marie", email="marie@ars.fr", notify="daily")   # notify: a key of NOTIFY_LABELS
    """
    if notify not in NOTIFY_LABELS:
        raise InvalidInput("Fréquence inconnue : choisissez none (aucune), immediate ou daily.", "notify")
    address = (email or "").strip()
    if address:
        address = mailbox(address)
    elif notify != "none":
        raise InvalidInput("Indiquez l'adresse e-mail où recevoir les nouvelles questions et suggestions.", "email")
    with db.session() as session:
        user = require_user(session, username)
        user.email, user.notify = address or None, None if notify == "none" else notify
        if notify == "none":
            session.execute(delete(EditorNotice).where(EditorNotice.user_id == user.id))
        return _account(user)


@dataclass(frozen=True)
class SessionRecord:
    """One signed-in browser, as an admin sees it."""

    id: int
    username: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    user_agent: str | None
    address: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()


def open_session(db: Database, account: Account, *, user_agent: str | None, address: str | None) -> str:
    """A new session for a signed-in account; returns the token for its cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with db.session() as session:
        session.execute(delete(EditorSession).where(EditorSession.expires_at < now - FORGET_AFTER))
        session.add(
            EditorSession(
                token_hash=_token_hash(token),
                user_id=account.id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + SESSION_LIFETIME,
                user_agent=(user_agent or "")[:200] or None,
                address=(address or "")[:64] or None,
            )
        )
    return token


def session_account(db: Database, token: str) -> tuple[Account, int] | None:
    """The account and session id of a live session token; None once revoked, expired or the account disabled."""
    now = utcnow()
    with db.session() as session:
        row = session.execute(
            select(EditorSession.id, EditorSession.last_seen_at, User)
            .join(User, User.id == EditorSession.user_id)
            .where(
                EditorSession.token_hash == _token_hash(token),
                EditorSession.revoked_at.is_(None),
                EditorSession.expires_at > now,
                User.active.is_(True),
            )
        ).first()
        if row is None:
            return None
        if row.last_seen_at < now - SEEN_EVERY:
            session.execute(update(EditorSession).where(EditorSession.id == row.id).values(last_seen_at=now))
        return _account(row.User), row.id


def revoke_session(db: Database, token: str) -> None:
    """Sign-out: this browser's session ends, a copy of its cookie with it."""
    with db.session() as session:
        session.execute(
            update(EditorSession)
            .where(EditorSession.token_hash == _token_hash(token), EditorSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def list_sessions(db: Database, username: str) -> list[SessionRecord]:
    """An account's sessions, the latest first: live ones, and those ended in the last FORGET_AFTER."""
    with db.session() as session:
        user = require_user(session, username)
        rows = session.scalars(
            select(EditorSession).where(EditorSession.user_id == user.id).order_by(EditorSession.created_at.desc())
        )
        return [
            SessionRecord(
                row.id,
                user.username,
                row.created_at,
                row.last_seen_at,
                row.expires_at,
                row.revoked_at and row.revoked_at,
                row.user_agent,
                row.address,
            )  # fmt: skip
            for row in rows
        ]


def revoke_session_of(db: Database, username: str, session_id: int | None = None) -> None:
    """An admin ends one session of an account, or all of them with ``session_id=None``."""
    with db.session() as session:
        user = require_user(session, username)
        if session_id is None:
            _revoke_all(session, user.id)
            return
        session.execute(
            update(EditorSession)
            .where(EditorSession.id == session_id, EditorSession.user_id == user.id, EditorSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def _revoke_all(session: Session, user_id: int) -> None:
    revoke_other_sessions(session, user_id, None)


def revoke_other_sessions(session: Session, user_id: int, keep_session: int | None) -> None:
    """End every live session of an account but ``keep_session`` (the browser making the change), if given."""
    statement = update(EditorSession).where(EditorSession.user_id == user_id, EditorSession.revoked_at.is_(None))
    if keep_session is not None:
        statement = statement.where(EditorSession.id != keep_session)
    session.execute(statement.values(revoked_at=utcnow()))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def require_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"Aucun compte n'a l'identifiant « {username} ».")
    return user


def authenticate(db: Database, username: str, password: str) -> Account | None:
    """The active account these credentials prove, or None; a hash made with older parameters is renewed.

    An unknown username costs one argon2 check too, so response times do not tell which usernames exist.
    """
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or not user.active or stored is _DUMMY_HASH:
            return None
        if _hasher.check_needs_rehash(stored):
            user.password_hash = _hasher.hash(password)
        return _account(user)
