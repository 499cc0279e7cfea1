"""Two-factor sign-in: after the password, a code from an authenticator app (TOTP, RFC 6238, ``pyotp``) or one
of ten single-use recovery codes.

# start_enrolment(db, key, "marie", issuer="FAQ")  -> Enrolment: a new secret, pending; sign-in is unchanged yet
#   .grouped -> "JBSW Y3DP EHPK 3PXP …" (typed by hand)   .uri -> "otpauth://totp/FAQ:marie?secret=…&issuer=FAQ"
# confirm_enrolment(db, key, "marie", "492 039")    -> ["7KQ4-M2XA-9FZC-T1RW", …] in force; codes shown once
# check_second_factor(db, key, user_id, "492039")   -> "totp" | "recovery" | None

Codes are 6 digits per 30-second step; the steps just before and after are accepted too (a phone's clock drifts,
a code typed in the last second of its step: ``valid_window=1``). A code is accepted once: the account keeps the
step of the last code accepted and a code is accepted only for a later step, by one conditional UPDATE, so that
two requests racing with the same code cannot both win. Recovery codes are spent the same way.

At rest the secret is sealed (AES-GCM) with a key derived from the installation's secret (FAQSANTE_SECRET_KEY,
else the key kept in ``meta``, which backups never carry: ``store.secret``), bound to the account's id: a
leaked backup alone gives no codes, and a sealed secret pasted onto another account opens nothing. A secret
sealed under another key (FAQSANTE_SECRET_KEY changed, a backup restored into another installation) cannot be
read: that account's codes are refused saying so; its recovery codes still work and an admin can reset it.

Recovery codes are 16 characters out of 32 unambiguous ones (80 bits: « 7KQ4-M2XA-9FZC-T1RW »), only their
SHA-256 kept: too random for a leaked hash to be searched back, so a fast hash does.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal, cast

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import CursorResult, Result, delete, func, or_, select, update
from sqlalchemy.orm import Session

from faqsante.accounts import Account, authenticate, require_user, revoke_other_sessions
from faqsante.errors import InvalidInput
from faqsante.store import Database
from faqsante.store.models import RecoveryCode, User, utcnow

VALID_WINDOW = 1  # steps accepted on either side of the current one
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
RECOVERY_LENGTH = 16
SEALED_PREFIX = "aesgcm1:"
TOTP_CODE = re.compile(r"[0-9]{6}")
# What people type around a code: spaces (« 492 039 »), dashes, and the letters Crockford reads as digits.
_TYPED_SPACING = re.compile(r"[\s\-‐‑–—]+")
_LOOKALIKES = str.maketrans("ILO", "110")

Factor = Literal["totp", "recovery"]


class UnreadableSecret(InvalidInput):
    """The account's TOTP secret was sealed under another key than this installation's."""

    def __init__(self) -> None:
        super().__init__(
            "Ce code ne peut pas être vérifié : la clé du serveur a changé depuis l'activation de la double "
            "authentification. Utilisez un code de secours, ou demandez à un administrateur de la réinitialiser.",
            "code",
        )


@dataclass(frozen=True)
class Enrolment:
    """A secret waiting for its first code: what the authenticator app is given."""

    secret: str  # base 32, 32 characters (160 bits)
    uri: str  # otpauth://… for the QR code

    @property
    def grouped(self) -> str:
        """# "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP" (typed by hand into the app)"""
        return " ".join(self.secret[start : start + 4] for start in range(0, len(self.secret), 4))


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    pending: bool  # an enrolment started, not yet confirmed by a code
    recovery_left: int  # unused recovery codes


def status(db: Database, username: str) -> TwoFactorStatus:
    with db.session() as session:
        user = require_user(session, username)
        left = session.scalar(
            select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        enabled = user.totp_enabled_at is not None
        return TwoFactorStatus(enabled, not enabled and user.totp_secret is not None, left or 0)


def start_enrolment(db: Database, key: str, username: str, *, issuer: str) -> Enrolment:
    """A new secret for ``username``, pending until a code confirms it; sign-in is unchanged until then."""
    secret = pyotp.random_base32()
    with db.session() as session:
        user = require_user(session, username)
        if user.totp_enabled_at is not None:
            raise InvalidInput("La double authentification est déjà activée sur ce compte.")
        user.totp_secret = _seal(key, user.id, secret)
        user.totp_last_step = None
        return _enrolment(secret, user.username, issuer)


def pending_enrolment(db: Database, key: str, username: str, *, issuer: str) -> Enrolment | None:
    """The enrolment waiting for its first code, None when there is none."""
    with db.session() as session:
        user = require_user(session, username)
        if user.totp_enabled_at is not None or user.totp_secret is None:
            return None
        return _enrolment(_unseal(key, user.id, user.totp_secret), user.username, issuer)


def confirm_enrolment(db: Database, key: str, username: str, code: str, *, keep_session: int | None) -> list[str]:
    """Two-factor sign-in in force once ``code`` proves the app holds the secret; returns the recovery codes,
    which are shown once. The account's other sessions end (``keep_session``: the one confirming)."""
    with db.session() as session:
        user = require_user(session, username)
        if user.totp_enabled_at is not None:
            raise InvalidInput("La double authentification est déjà activée sur ce compte.")
        if user.totp_secret is None:
            raise InvalidInput("Aucune activation en cours : recommencez depuis « Mon compte ».")
        if not _accept_totp(session, key, user, code):
            raise InvalidInput(
                "Code incorrect : saisissez les 6 chiffres affichés par l'application, avant qu'ils ne changent.",
                "code",
            )
        user.totp_enabled_at = utcnow()
        codes = _new_recovery_codes(session, user.id)
        revoke_other_sessions(session, user.id, keep_session)
        return codes


def check_second_factor(db: Database, key: str, user_id: int, code: str) -> Factor | None:
    """Which factor ``code`` is for this account (a TOTP code not used before, or an unused recovery code, then
    spent), None when it is neither. Raises ``UnreadableSecret`` for a well-formed TOTP code it cannot check."""
    with db.session() as session:
        user = session.get(User, user_id)
        if user is None or not user.active or user.totp_enabled_at is None:
            return None
        if TOTP_CODE.fullmatch(_compact(code)):
            return "totp" if _accept_totp(session, key, user, code) else None
        return "recovery" if _spend_recovery_code(session, user.id, code) else None


def confirm_identity(db: Database, key: str, account: Account, proof: str) -> bool:
    """Whether ``proof`` is the account's current TOTP code (spent) or its password: what disabling two-factor
    sign-in or renewing its recovery codes asks, so that a browser left signed in is not enough."""
    if TOTP_CODE.fullmatch(_compact(proof)):
        with db.session() as session:
            user = session.get(User, account.id)
            return user is not None and user.totp_enabled_at is not None and _accept_totp(session, key, user, proof)
    return authenticate(db, account.username, proof) is not None


def regenerate_recovery_codes(db: Database, username: str) -> list[str]:
    """Ten new recovery codes; the previous ones, used or not, no longer work."""
    with db.session() as session:
        user = require_user(session, username)
        if user.totp_enabled_at is None:
            raise InvalidInput("La double authentification n'est pas activée sur ce compte.")
        return _new_recovery_codes(session, user.id)


def disable(db: Database, username: str, *, keep_session: int | None) -> None:
    """Back to the password alone: secret and recovery codes deleted, the account's other sessions ended.
    ``keep_session=None`` (an admin's reset, the command line) ends them all. Also cancels a pending enrolment."""
    with db.session() as session:
        user = require_user(session, username)
        was_enabled = user.totp_enabled_at is not None
        user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
        session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        if was_enabled:
            revoke_other_sessions(session, user.id, keep_session)


# --- codes ------------------------------------------------------------------------------------------


def _accept_totp(session: Session, key: str, user: User, code: str) -> bool:
    """Accept ``code`` if it is the account's for a step around now later than the last one accepted."""
    typed = _compact(code)
    if user.totp_secret is None or not TOTP_CODE.fullmatch(typed):
        return False
    try:
        step = pyotp.TOTP(_unseal(key, user.id, user.totp_secret)).verify_and_get_timecode(
            typed, valid_window=VALID_WINDOW
        )
    except pyotp.OTPVerificationError:
        return False
    accepted = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return _changed(accepted)


def _spend_recovery_code(session: Session, user_id: int, code: str) -> bool:
    typed = _compact(code).upper().translate(_LOOKALIKES)
    if len(typed) != RECOVERY_LENGTH or not set(typed) <= set(RECOVERY_ALPHABET):
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _code_hash(typed),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return _changed(spent)


def _changed(result: Result[Any]) -> bool:
    """Whether a conditional UPDATE matched its row: the one race-free test of « first to use it »."""
    return cast(CursorResult[Any], result).rowcount == 1


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    """# -> ["7KQ4-M2XA-9FZC-T1RW", …]: RECOVERY_CODES of them, replacing the account's previous ones"""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH)) for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user_id, code_hash=_code_hash(code)) for code in codes)
    return ["-".join(code[start : start + 4] for start in range(0, RECOVERY_LENGTH, 4)) for code in codes]


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _compact(code: str) -> str:
    """Spaces and dashes out: # " 492 039 " -> "492039" ;  "7kq4-m2xa 9fzc-t1rw" -> "7kq4m2xa9fzct1rw" """
    return _TYPED_SPACING.sub("", code)


# --- the secret at rest -------------------------------------------------------------------------------


def _cipher(key: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"faqsante totp secret").derive(
        key.encode("utf-8")
    )
    return AESGCM(derived)


def _seal(key: str, user_id: int, secret: str) -> str:
    """# "JBSW…" -> "aesgcm1:<base64url of a 12-byte nonce and the ciphertext>", readable for this account only"""
    nonce = secrets.token_bytes(12)
    sealed = _cipher(key).encrypt(nonce, secret.encode("ascii"), _bound_to(user_id))
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def _unseal(key: str, user_id: int, stored: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(stored.removeprefix(SEALED_PREFIX).encode("ascii"))
        return _cipher(key).decrypt(raw[:12], raw[12:], _bound_to(user_id)).decode("ascii")
    except (InvalidTag, ValueError) as error:  # another key, another account, or not a sealed secret at all
        raise UnreadableSecret() from error


def _bound_to(user_id: int) -> bytes:
    return f"users.totp_secret:{user_id}".encode()


def _enrolment(secret: str, username: str, issuer: str) -> Enrolment:
    return Enrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer))
