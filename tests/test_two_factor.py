"""Two-factor sign-in (#20.4): on only once a code confirms it, a code accepted once, the steps around now only,
recovery codes spent once, the secret unreadable without the installation's key. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pyotp
import pytest
from sqlalchemy import select

from faqsante import two_factor
from faqsante.accounts import Account, create_user, get_account, open_session, session_account
from faqsante.errors import InvalidInput, NotFound
from faqsante.store import Database
from faqsante.store.backup import backup, restore
from faqsante.store.models import RecoveryCode, User

PASSWORD = "correct horse battery"
KEY = "clé de l'installation"
NOW = 1_796_000_015.0  # 15 s into its 30-second step


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The time pyotp reads: ``clock[0] += 30`` moves one step on."""
    now = [NOW]
    monkeypatch.setattr(pyotp.totp, "time", SimpleNamespace(time=lambda: now[0]))
    yield now


@pytest.fixture
def marie(db: Database) -> Account:
    return create_user(db, "marie", PASSWORD)


def enrolled(db: Database, clock: list[float]) -> tuple[pyotp.TOTP, list[str]]:
    """Marie with two-factor sign-in on: her app, and her recovery codes; the clock one step later."""
    enrolment = two_factor.start_enrolment(db, KEY, "marie", issuer="FAQ santé")
    app = pyotp.TOTP(enrolment.secret)
    codes = two_factor.confirm_enrolment(db, KEY, "marie", app.at(clock[0]), keep_session=None)
    clock[0] += 30
    return app, codes


def test_enrolment_is_pending_until_a_code_confirms_it(db: Database, marie: Account, clock: list[float]) -> None:
    enrolment = two_factor.start_enrolment(db, KEY, "marie", issuer="FAQ santé")

    assert enrolment.uri.startswith("otpauth://totp/FAQ%20sant%C3%A9:marie?secret=" + enrolment.secret)
    assert enrolment.grouped.replace(" ", "") == enrolment.secret and len(enrolment.secret) == 32
    assert two_factor.status(db, "marie") == two_factor.TwoFactorStatus(enabled=False, pending=True, recovery_left=0)
    assert not get_account(db, marie.id).two_factor  # type: ignore[union-attr]  # the password still suffices
    assert two_factor.pending_enrolment(db, KEY, "marie", issuer="FAQ santé") == enrolment

    with pytest.raises(InvalidInput, match="Code incorrect"):
        two_factor.confirm_enrolment(db, KEY, "marie", "000000", keep_session=None)
    assert not two_factor.status(db, "marie").enabled

    codes = two_factor.confirm_enrolment(db, KEY, "marie", pyotp.TOTP(enrolment.secret).at(NOW), keep_session=None)
    assert two_factor.status(db, "marie") == two_factor.TwoFactorStatus(enabled=True, pending=False, recovery_left=10)
    assert get_account(db, marie.id).two_factor  # type: ignore[union-attr]
    assert len(set(codes)) == 10 and all(len(code) == 19 and code.count("-") == 3 for code in codes)
    assert two_factor.pending_enrolment(db, KEY, "marie", issuer="FAQ santé") is None
    with pytest.raises(InvalidInput, match="déjà activée"):
        two_factor.start_enrolment(db, KEY, "marie", issuer="FAQ santé")


def test_a_code_is_accepted_once(db: Database, marie: Account, clock: list[float]) -> None:
    app, _ = enrolled(db, clock)
    confirming = app.at(NOW)
    assert two_factor.check_second_factor(db, KEY, marie.id, confirming) is None  # spent by the enrolment

    code = app.at(clock[0])
    assert two_factor.check_second_factor(db, KEY, marie.id, f" {code[:3]} {code[3:]} ") == "totp"
    assert two_factor.check_second_factor(db, KEY, marie.id, code) is None
    clock[0] += 30
    assert two_factor.check_second_factor(db, KEY, marie.id, app.at(clock[0])) == "totp"


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_the_steps_just_before_and_after_now_are_accepted(
    db: Database, marie: Account, clock: list[float], steps: int, accepted: bool
) -> None:
    app, _ = enrolled(db, clock)
    clock[0] += 60  # the last step accepted (the enrolment's) is now three steps back
    assert (two_factor.check_second_factor(db, KEY, marie.id, app.at(clock[0] + 30 * steps)) == "totp") is accepted


def test_an_older_code_than_the_last_accepted_is_refused(db: Database, marie: Account, clock: list[float]) -> None:
    app, _ = enrolled(db, clock)
    clock[0] += 60
    assert two_factor.check_second_factor(db, KEY, marie.id, app.at(clock[0] + 30)) == "totp"
    assert two_factor.check_second_factor(db, KEY, marie.id, app.at(clock[0])) is None  # within the window, but older


def test_a_recovery_code_works_once_typed_any_way(db: Database, marie: Account, clock: list[float]) -> None:
    _, codes = enrolled(db, clock)
    typed = codes[0].lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert two_factor.check_second_factor(db, KEY, marie.id, typed) == "recovery"
    assert two_factor.check_second_factor(db, KEY, marie.id, codes[0]) is None
    assert two_factor.status(db, "marie").recovery_left == 9
    assert two_factor.check_second_factor(db, KEY, marie.id, codes[1]) == "recovery"
    for wrong in ("", "0" * 16, codes[2][:-1], codes[2] + "X", "é" * 16, "\x00" * 6, "１２３４５６"):
        assert two_factor.check_second_factor(db, KEY, marie.id, wrong) is None


def test_only_hashes_of_the_recovery_codes_are_stored(db: Database, marie: Account, clock: list[float]) -> None:
    app, codes = enrolled(db, clock)
    with db.session() as session:
        stored = session.scalars(select(RecoveryCode.code_hash)).all()
        secret = session.scalar(select(User.totp_secret).where(User.id == marie.id))
    assert len(stored) == 10 and not {code.replace("-", "") for code in codes} & set(stored)
    assert secret is not None and secret.startswith("aesgcm1:") and app.secret not in secret


def test_new_recovery_codes_replace_the_old_ones(db: Database, marie: Account, clock: list[float]) -> None:
    _, old = enrolled(db, clock)
    new = two_factor.regenerate_recovery_codes(db, "marie")
    assert two_factor.check_second_factor(db, KEY, marie.id, old[0]) is None
    assert two_factor.check_second_factor(db, KEY, marie.id, new[0]) == "recovery"


def test_the_secret_opens_only_with_the_installation_key_and_for_its_account(
    db: Database, marie: Account, clock: list[float]
) -> None:
    app, codes = enrolled(db, clock)
    with pytest.raises(two_factor.UnreadableSecret, match="code de secours"):
        two_factor.check_second_factor(db, "une autre clé", marie.id, app.at(clock[0]))
    assert two_factor.check_second_factor(db, "une autre clé", marie.id, codes[0]) == "recovery"  # still works

    paul = create_user(db, "paul", PASSWORD)
    with db.session() as session:
        sealed = session.scalar(select(User.totp_secret).where(User.id == marie.id))
        copied = session.get(User, paul.id)
        assert copied is not None
        copied.totp_secret, copied.totp_enabled_at = sealed, session.get(User, marie.id).totp_enabled_at  # type: ignore[union-attr]
    with pytest.raises(two_factor.UnreadableSecret):
        two_factor.check_second_factor(db, KEY, paul.id, app.at(clock[0]))


def test_identity_is_confirmed_by_a_code_or_the_password(db: Database, marie: Account, clock: list[float]) -> None:
    app, _ = enrolled(db, clock)
    assert two_factor.confirm_identity(db, KEY, marie, PASSWORD)
    assert not two_factor.confirm_identity(db, KEY, marie, "pas le mot de passe")
    assert two_factor.confirm_identity(db, KEY, marie, app.at(clock[0]))
    assert not two_factor.confirm_identity(db, KEY, marie, app.at(clock[0]))  # a code, once


def test_turning_it_on_or_off_ends_the_other_sessions(db: Database, marie: Account, clock: list[float]) -> None:
    here, elsewhere = (open_session(db, marie, user_agent=None, address=None) for _ in range(2))
    here_id = session_account(db, here)[1]  # type: ignore[index]
    enrolment = two_factor.start_enrolment(db, KEY, "marie", issuer="FAQ")
    two_factor.confirm_enrolment(db, KEY, "marie", pyotp.TOTP(enrolment.secret).at(NOW), keep_session=here_id)
    assert session_account(db, here) is not None and session_account(db, elsewhere) is None

    elsewhere = open_session(db, marie, user_agent=None, address=None)
    two_factor.disable(db, "marie", keep_session=here_id)
    assert session_account(db, here) is not None and session_account(db, elsewhere) is None


def test_an_admins_reset_ends_every_session(db: Database, marie: Account, clock: list[float]) -> None:
    enrolled(db, clock)
    token = open_session(db, marie, user_agent=None, address=None)
    two_factor.disable(db, "marie", keep_session=None)
    assert session_account(db, token) is None


def test_disabling_forgets_the_secret_and_the_codes(db: Database, marie: Account, clock: list[float]) -> None:
    _, codes = enrolled(db, clock)
    two_factor.disable(db, "marie", keep_session=None)
    assert two_factor.status(db, "marie") == two_factor.TwoFactorStatus(enabled=False, pending=False, recovery_left=0)
    assert two_factor.check_second_factor(db, KEY, marie.id, codes[0]) is None
    with db.session() as session:
        assert session.scalar(select(User.totp_secret)) is None
    with pytest.raises(NotFound):
        two_factor.disable(db, "inconnu", keep_session=None)
    with pytest.raises(InvalidInput, match="n'est pas activée"):
        two_factor.regenerate_recovery_codes(db, "marie")


def test_the_same_code_sent_at_once_is_accepted_once(db: Database, marie: Account, clock: list[float]) -> None:
    """Replay by racing: requests holding the same code at the same moment, on separate connections."""
    app, codes = enrolled(db, clock)
    code, recovery = app.at(clock[0]), codes[0]
    start = threading.Barrier(8)
    results: list[str | None] = []

    def sign_in(attempt: str) -> None:
        start.wait()
        results.append(two_factor.check_second_factor(db, KEY, marie.id, attempt))

    threads = [threading.Thread(target=sign_in, args=(code if n % 2 else recovery,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8  # every thread answered, none failed
    assert results.count("totp") == 1 and results.count("recovery") == 1 and results.count(None) == 6


def test_a_backup_restored_under_the_same_key_keeps_codes_working(
    sqlite_url: str, tmp_path: Path, clock: list[float]
) -> None:
    db = Database(sqlite_url)
    marie = create_user(db, "marie", PASSWORD)
    totp, codes = enrolled(db, clock)
    backup(db, tmp_path / "b.jsonl.gz", secret=KEY)
    restored = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    restore(restored, tmp_path / "b.jsonl.gz", secret=KEY)

    assert get_account(restored, marie.id).two_factor  # type: ignore[union-attr]
    assert two_factor.check_second_factor(restored, KEY, marie.id, totp.at(clock[0] - 30)) is None  # still spent
    assert two_factor.check_second_factor(restored, KEY, marie.id, totp.at(clock[0])) == "totp"
    assert two_factor.check_second_factor(restored, KEY, marie.id, codes[0]) == "recovery"
