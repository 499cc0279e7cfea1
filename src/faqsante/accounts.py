"""Editors' accounts: roles, argon2 password hashes, and signing in with a username and password.

Single sign-on, when it comes, is a second way to find the account (a column for the provider's subject
and its own sign-in routes) ending in the same session; until then there is one ``authenticate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqsante.errors import InvalidInput, NotFound
from faqsante.store import Database
from faqsante.store.models import User

ROLES = ("editor", "admin")
ROLE_LABELS = {"editor": "rédacteur", "admin": "administrateur"}
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,119}")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("faqsante: compte inexistant")


@dataclass(frozen=True)
class Account:
    """Who is signed in. ``fingerprint`` changes with the password: sessions opened before a change end."""

    id: int
    username: str
    role: str
    active: bool
    fingerprint: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def _account(user: User) -> Account:
    return Account(user.id, user.username, user.role, user.active, (user.password_hash or "")[-16:])


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.", "password")
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
    password_hash = hash_password(password)
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


def get_account(db: Database, user_id: int) -> Account | None:
    """The account of a session, or None when it no longer exists or was deactivated."""
    with db.session() as session:
        user = session.get(User, user_id)
        return _account(user) if user is not None and user.active else None


def set_password(db: Database, username: str, password: str) -> None:
    password_hash = hash_password(password)
    with db.session() as session:
        _require(session, username).password_hash = password_hash


def set_active(db: Database, username: str, active: bool) -> None:
    """Deactivating signs the person out everywhere at their next request; nothing they wrote is lost."""
    with db.session() as session:
        _require(session, username).active = active


def _require(session: Session, username: str) -> User:
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
