"""Editors' accounts: argon2 hashes only, sign-in that says nothing about which part was wrong, CLI."""

from __future__ import annotations

import json

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from typer.testing import CliRunner

from faqsante import two_factor
from faqsante.accounts import (
    authenticate,
    create_user,
    find_user,
    get_account,
    list_users,
    open_session,
    session_account,
    set_active,
    set_notifications,
    set_password,
)
from faqsante.cli import app
from faqsante.errors import InvalidInput, NotFound
from faqsante.store import Database
from faqsante.store.models import EditorSession, User

PASSWORD = "correct horse battery"
runner = CliRunner()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Database:
    return Database(sqlite_url)


def test_only_an_argon2_hash_is_stored(sqlite_db: Database) -> None:
    account = create_user(sqlite_db, "  Marie ", PASSWORD, "admin")
    with sqlite_db.session() as session:
        stored = session.scalar(select(User.password_hash))
    assert (account.username, account.role, account.is_admin) == ("marie", "admin", True)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sign_in_accepts_the_right_password_only(sqlite_db: Database) -> None:
    create_user(sqlite_db, "marie", PASSWORD)
    assert authenticate(sqlite_db, "MARIE", PASSWORD).username == "marie"
    assert authenticate(sqlite_db, "marie", PASSWORD + "!") is None
    assert authenticate(sqlite_db, "inconnu", PASSWORD) is None


def test_a_deactivated_account_cannot_sign_in_nor_keep_its_session(sqlite_db: Database) -> None:
    account = create_user(sqlite_db, "marie", PASSWORD)
    set_active(sqlite_db, "marie", False)
    assert authenticate(sqlite_db, "marie", PASSWORD) is None
    assert get_account(sqlite_db, account.id) is None
    set_active(sqlite_db, "marie", True)
    assert get_account(sqlite_db, account.id) == account


def test_a_new_password_ends_the_sessions_opened_before(sqlite_db: Database) -> None:
    account = create_user(sqlite_db, "marie", PASSWORD)
    token = open_session(sqlite_db, account, user_agent="Firefox", address="192.0.2.1")
    assert session_account(sqlite_db, token) is not None
    set_password(sqlite_db, "marie", "un tout autre mot de passe")
    assert session_account(sqlite_db, token) is None
    assert authenticate(sqlite_db, "marie", PASSWORD) is None


def test_only_a_hash_of_the_session_token_is_stored(sqlite_db: Database) -> None:
    token = open_session(sqlite_db, create_user(sqlite_db, "marie", PASSWORD), user_agent=None, address=None)
    with sqlite_db.session() as session:
        stored = session.scalar(select(EditorSession.token_hash))
    assert stored and token not in stored and len(stored) == 64


def test_hashes_with_weaker_parameters_are_renewed_at_authenticate(sqlite_db: Database) -> None:
    create_user(sqlite_db, "marie", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with sqlite_db.session() as session:
        session.scalar(select(User)).password_hash = weak  # type: ignore[union-attr]
    assert authenticate(sqlite_db, "marie", PASSWORD) is not None
    with sqlite_db.session() as session:
        assert session.scalar(select(User.password_hash)) != weak


@pytest.mark.parametrize(
    ("username", "password", "role", "field"),
    [
        ("marie", "court", "editor", "password"),
        ("é", PASSWORD, "editor", "username"),
        ("marie", PASSWORD, "chef", "role"),
    ],
)
def test_invalid_accounts_are_refused(sqlite_db: Database, username: str, password: str, role: str, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        create_user(sqlite_db, username, password, role)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("username", "password", "role"),
    [
        ("marie", " " * 10, "editor"),  # #19.15: ten spaces were a password
        ("marie", "  court    ", "editor"),
        ("admin", "aaaaaaaaaa", "admin"),
        ("marie.curie", "marie.curie", "editor"),  # the account's own name
        ("marie.curie", "curie12345678", "editor"),
        ("paul", "azertyuiop", "editor"),  # a keyboard run
        ("paul", "motdepasse123", "editor"),  # a commonly used password
        ("paul", "0123456789", "admin"),
    ],
)
def test_weak_passwords_are_refused_in_french(sqlite_db: Database, username: str, password: str, role: str) -> None:
    with pytest.raises(InvalidInput, match="mot de passe") as refused:
        create_user(sqlite_db, username, password, role)
    assert refused.value.field == "password"
    create_user(sqlite_db, username, PASSWORD, role)
    with pytest.raises(InvalidInput, match="mot de passe"):
        set_password(sqlite_db, username, password)


def test_cli_refuses_a_weak_password_in_french(sqlite_url: str) -> None:
    result = runner.invoke(app, ["user", "add", "admin", "--role", "admin", "--password-stdin", "--db", sqlite_url],
                           input="aaaaaaaaaa\n")  # fmt: skip
    assert result.exit_code == 2 and "trop facile à deviner" in result.output, result.output
    assert "Traceback" not in result.output


def test_usernames_are_unique_and_unknown_ones_not_found(sqlite_db: Database) -> None:
    create_user(sqlite_db, "marie", PASSWORD)
    with pytest.raises(InvalidInput, match="déjà pris"):
        create_user(sqlite_db, "Marie", PASSWORD)
    with pytest.raises(NotFound):
        set_password(sqlite_db, "paul", PASSWORD)


def test_cli_prompts_twice_without_echo(sqlite_url: str) -> None:
    result = runner.invoke(app, ["user", "add", "marie", "--db", sqlite_url], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    mismatch = runner.invoke(app, ["user", "add", "paul", "--db", sqlite_url], input=f"{PASSWORD}\nautre chose\n")
    assert mismatch.exit_code == 2 and "diffèrent" in mismatch.output


def test_cli_reads_the_password_from_stdin_and_lists_accounts(sqlite_url: str) -> None:
    added = runner.invoke(
        app, ["user", "add", "admin", "--role", "admin", "--password-stdin", "--db", sqlite_url], input=PASSWORD + "\n"
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["user", "list", "--json", "--db", sqlite_url])
    assert json.loads(listed.stdout) == [
        {"username": "admin", "role": "admin", "active": True, "email": None, "notify": "none", "two_factor": False}
    ]
    assert authenticate(Database(sqlite_url), "admin", PASSWORD) is not None
    disabled = runner.invoke(app, ["user", "disable", "admin", "--db", sqlite_url])
    assert disabled.exit_code == 0 and not list_users(Database(sqlite_url))[0].active


@pytest.mark.parametrize(
    "address",
    ["pas-une-adresse", "a@b.fr, c@d.fr", "marie@ars.fr\r\nBcc: x@evil.example", "Marie <marie@ars.fr>", "a\x00@b.fr"],
)
def test_an_editors_address_is_one_mailbox_or_a_clear_refusal(db: Database, address: str) -> None:
    create_user(db, "marie", PASSWORD)
    with pytest.raises(InvalidInput, match="adresse e-mail") as refused:
        set_notifications(db, "marie", email=address, notify="immediate")
    assert refused.value.field == "email"
    assert (find_user(db, "marie").email, find_user(db, "marie").notify) == (None, "none")  # nothing changed


def test_mail_settings_need_an_address_and_a_known_frequency(db: Database) -> None:
    create_user(db, "marie", PASSWORD)
    with pytest.raises(InvalidInput, match="Indiquez l'adresse e-mail"):
        set_notifications(db, "marie", email=" ", notify="daily")
    with pytest.raises(InvalidInput, match="Fréquence inconnue"):
        set_notifications(db, "marie", email="marie@ars.fr", notify="hourly")
    account = set_notifications(db, "marie", email=" Marie@ARS.fr ", notify="daily")
    assert (account.email, account.notify, account.notify_label) == ("Marie@ars.fr", "daily", "résumé quotidien")
    assert set_notifications(db, "marie", email="", notify="none").email is None


def test_cli_sets_an_accounts_mail_and_frequency(sqlite_url: str) -> None:
    create_user(Database(sqlite_url), "marie", PASSWORD)
    done = runner.invoke(
        app, ["user", "notify", "marie", "--email", "marie@ars.fr", "--frequency", "daily", "--db", sqlite_url]
    )
    assert done.exit_code == 0, done.output
    assert "Notifications de « marie » : résumé quotidien à marie@ars.fr." in done.output
    kept = runner.invoke(app, ["user", "notify", "marie", "--frequency", "immediate", "--db", sqlite_url])
    assert kept.exit_code == 0 and "immédiate à marie@ars.fr" in kept.output  # the address stays
    refused = runner.invoke(app, ["user", "notify", "marie", "--email", "a@b.fr;c@d.fr", "--db", sqlite_url])
    assert refused.exit_code == 2 and "une seule adresse" in refused.output
    listed = json.loads(runner.invoke(app, ["user", "list", "--json", "--db", sqlite_url]).output)
    assert listed == [
        {
            "username": "marie",
            "role": "editor",
            "active": True,
            "email": "marie@ars.fr",
            "notify": "immediate",
            "two_factor": False,
        }
    ]


def test_cli_resets_a_lost_second_factor(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    marie = create_user(db, "marie", PASSWORD)
    enrolment = two_factor.start_enrolment(db, "clé", "marie", issuer="FAQ")
    two_factor.confirm_enrolment(db, "clé", "marie", pyotp.TOTP(enrolment.secret).now(), keep_session=None)
    token = open_session(db, get_account(db, marie.id), user_agent=None, address=None)  # type: ignore[arg-type]
    listed = runner.invoke(app, ["user", "list", "--json", "--db", sqlite_url])
    assert json.loads(listed.stdout)[0]["two_factor"] is True

    reset = runner.invoke(app, ["user", "reset-2fa", "Marie", "--db", sqlite_url])

    assert reset.exit_code == 0 and "réinitialisée" in reset.output
    assert not get_account(db, marie.id).two_factor  # type: ignore[union-attr]
    assert session_account(db, token) is None
    unknown = runner.invoke(app, ["user", "reset-2fa", "inconnu", "--db", sqlite_url])
    assert unknown.exit_code == 2 and "Aucun compte" in unknown.output
