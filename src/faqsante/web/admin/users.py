"""Editor accounts: each editor's own page (where their mail goes, and how often), and the accounts
administrators manage, anyone's mail settings included."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Request
from starlette.responses import Response

from faqsante import accounts, two_factor
from faqsante.errors import InvalidInput
from faqsante.mail import Mailer
from faqsante.store import Database
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import AdminDep, EditorDep
from faqsante.web.deps import DbDep
from faqsante.web.mail import MailerDep
from faqsante.web.params import RowId

router = workspace_router()


@router.get("/utilisateurs")
def users(request: Request, db: DbDep, _admin: AdminDep) -> Response:
    return page(request, "users.html", {"users": accounts.list_users(db), "roles": accounts.ROLE_LABELS})


@router.post("/utilisateurs")
def create_user(
    request: Request,
    db: DbDep,
    _admin: AdminDep,
    username: Annotated[str, Form(alias="identifiant", max_length=200)],
    password: Annotated[str, Form(alias="mot_de_passe", max_length=1000)],
    role: Annotated[str, Form(max_length=20)] = "editor",
) -> Response:
    try:
        accounts.create_user(db, username, password, role)
    except InvalidInput as error:
        context = {"users": accounts.list_users(db), "roles": accounts.ROLE_LABELS, "error": str(error),
                   "field": error.field, "username": username, "role": role}  # fmt: skip
        return page(request, "users.html", context, 400)
    return redirect("/admin/utilisateurs", message="compte")


@router.post("/utilisateurs/{username}/actif")
def toggle_user(db: DbDep, admin: AdminDep, username: str, active: Annotated[bool, Form(alias="actif")]) -> Response:
    if username == admin.username and not active:
        raise InvalidInput("Vous ne pouvez pas désactiver votre propre compte.")
    accounts.set_active(db, username, active)
    return redirect("/admin/utilisateurs", message="compte-modifie")


@router.post("/utilisateurs/{username}/double-authentification/reinitialiser")
def reset_two_factor(db: DbDep, admin: AdminDep, username: str) -> Response:
    """A lost phone: back to the password alone, every session of the account ended. One's own goes through
    its own page, which asks for a code or the password."""
    if username.strip().lower() == admin.username:
        raise InvalidInput("Désactivez votre propre double authentification depuis « Mon compte ».")
    two_factor.disable(db, username, keep_session=None)
    return redirect("/admin/utilisateurs", message="2fa-reinitialisee")


@router.get("/utilisateurs/{username}/sessions")
def sessions(request: Request, db: DbDep, _admin: AdminDep, username: str) -> Response:
    """Where an account is signed in: browser, address, since when, until when; the ended ones below."""
    context = {"username": username, "sessions": accounts.list_sessions(db, username),
               "current_session": getattr(request.state, "session_id", None)}  # fmt: skip
    return page(request, "sessions.html", context)


@router.post("/utilisateurs/{username}/sessions/{session_id}/revoquer")
def revoke_session(db: DbDep, _admin: AdminDep, username: str, session_id: RowId) -> Response:
    accounts.revoke_session_of(db, username, session_id)
    return redirect(f"/admin/utilisateurs/{quote(username, safe='')}/sessions", message="session-revoquee")


@router.post("/utilisateurs/{username}/sessions/revoquer")
def revoke_all_sessions(db: DbDep, _admin: AdminDep, username: str) -> Response:
    accounts.revoke_session_of(db, username)
    return redirect(f"/admin/utilisateurs/{quote(username, safe='')}/sessions", message="sessions-revoquees")


EmailField = Annotated[str, Form(max_length=1000)]
FrequencyField = Annotated[str, Form(alias="frequence", max_length=40)]


@router.get("/compte")
def own_account(request: Request, db: DbDep, account: EditorDep, mailer: MailerDep) -> Response:
    return _notifications_page(request, accounts.find_user(db, account.username), "/admin/compte", mailer)


@router.post("/compte")
def set_own_notifications(
    request: Request, db: DbDep, account: EditorDep, mailer: MailerDep, email: EmailField = "",
    frequency: FrequencyField = "none",
) -> Response:  # fmt: skip
    return _set_notifications(request, db, account.username, "/admin/compte", mailer, email, frequency)


@router.get("/utilisateurs/{username}/notifications")
def notifications(request: Request, db: DbDep, _admin: AdminDep, mailer: MailerDep, username: str) -> Response:
    """An admin sets where and how often any account hears of new questions and suggestions."""
    return _notifications_page(request, accounts.find_user(db, username), _notifications_path(username), mailer)


@router.post("/utilisateurs/{username}/notifications")
def set_notifications(
    request: Request, db: DbDep, _admin: AdminDep, mailer: MailerDep, username: str, email: EmailField = "",
    frequency: FrequencyField = "none",
) -> Response:  # fmt: skip
    return _set_notifications(request, db, username, _notifications_path(username), mailer, email, frequency)


def _notifications_path(username: str) -> str:
    return f"/admin/utilisateurs/{quote(username, safe='')}/notifications"


def _notifications_page(
    request: Request, target: accounts.Account, action: str, mailer: Mailer | None, status_code: int = 200,
    **form: str | None,
) -> Response:  # fmt: skip
    """The account's mail settings; ``form``: what was typed (``email``, ``notify``), the ``error`` and its ``field``."""
    context = {"target": target, "action": action, "choices": accounts.NOTIFY_LABELS, "mail": mailer is not None,
               "email": target.email or "", "notify": target.notify, **form}  # fmt: skip
    return page(request, "account.html", context, status_code)


def _set_notifications(
    request: Request, db: Database, username: str, action: str, mailer: Mailer | None, email: str, frequency: str
) -> Response:
    try:
        accounts.set_notifications(db, username, email=email, notify=frequency)
    except InvalidInput as error:
        target = accounts.find_user(db, username)
        return _notifications_page(request, target, action, mailer, 400, email=email, notify=frequency,
                                   error=str(error), field=error.field)  # fmt: skip
    return redirect(action, message="notifications")
