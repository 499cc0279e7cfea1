"""The signed-in editor's own two-factor sign-in, turned on, renewed and off by its owner.

    GET  /admin/compte/double-authentification               whether it is on, how many recovery codes are left;
                                                             during an enrolment, the QR code, the secret, a code field
    POST /admin/compte/double-authentification               a new secret, pending  -> GET above
    POST /admin/compte/double-authentification/confirmer     the first code: on, recovery codes shown once
    POST /admin/compte/double-authentification/codes-secours a code or the password: ten new recovery codes
    POST /admin/compte/double-authentification/desactiver    a code or the password: off

Pages showing a secret or recovery codes are never cached (``Cache-Control: no-store``) and are answered
directly rather than by a redirect: they are shown once. The QR code is an SVG image in a ``data:`` address,
which the Content-Security-Policy allows (``img-src 'self' data:``) without any inline style or script.
"""

from __future__ import annotations

from typing import Annotated, Any

import segno
from fastapi import Form, Request
from starlette.responses import Response

from faqsante import two_factor
from faqsante.accounts import Account
from faqsante.errors import InvalidInput
from faqsante.store import Database
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import ENROL_PATH, HOME_PATH, EditorDep, must_enrol
from faqsante.web.deps import DbDep, SettingsDep, app_secret, web_state

router = workspace_router()
ROUTE = ENROL_PATH.removeprefix(HOME_PATH)  # "/compte/double-authentification", under the workspace's /admin

CodeField = Annotated[str, Form(max_length=100)]
ProofField = Annotated[str, Form(alias="preuve", max_length=1000)]  # a code or the password


@router.post(ROUTE)
def start_enrolment(request: Request, db: DbDep, settings: SettingsDep, account: EditorDep) -> Response:
    two_factor.start_enrolment(db, app_secret(request), account.username, issuer=settings.site_name)
    return redirect(ENROL_PATH)


@router.get(ROUTE)
def enrolment_page(request: Request, db: DbDep, settings: SettingsDep, account: EditorDep) -> Response:
    enrolment = two_factor.pending_enrolment(db, app_secret(request), account.username, issuer=settings.site_name)
    if enrolment is None:  # none started (or already on): whether it is on, and what can be done
        return _status_page(request, db, account)
    return _enrolment_page(request, account, enrolment)


@router.post(f"{ROUTE}/confirmer")
def confirm_enrolment(
    request: Request, db: DbDep, settings: SettingsDep, account: EditorDep, code: CodeField = ""
) -> Response:
    key = app_secret(request)
    try:
        codes = two_factor.confirm_enrolment(
            db, key, account.username, code, keep_session=getattr(request.state, "session_id", None)
        )
    except InvalidInput as error:
        enrolment = two_factor.pending_enrolment(db, key, account.username, issuer=settings.site_name)
        if enrolment is None:
            raise
        return _enrolment_page(request, account, enrolment, error=str(error), status_code=400)
    return _codes_page(request, codes, first=True)


@router.post(f"{ROUTE}/codes-secours")
def renew_recovery_codes(request: Request, db: DbDep, account: EditorDep, proof: ProofField = "") -> Response:
    refused = _refuse_without_proof(request, db, account, proof)
    if refused is not None:
        return refused
    return _codes_page(request, two_factor.regenerate_recovery_codes(db, account.username), first=False)


@router.post(f"{ROUTE}/desactiver")
def disable(request: Request, db: DbDep, settings: SettingsDep, account: EditorDep, proof: ProofField = "") -> Response:
    if account.is_admin and settings.require_2fa_admins:
        raise InvalidInput("La double authentification est obligatoire pour les administrateurs de ce site.")
    refused = _refuse_without_proof(request, db, account, proof)
    if refused is not None:
        return refused
    two_factor.disable(db, account.username, keep_session=getattr(request.state, "session_id", None))
    return redirect(ENROL_PATH, message="2fa-desactivee")


def _refuse_without_proof(request: Request, db: Database, account: Account, proof: str) -> Response | None:
    """The status page again with an error unless ``proof`` is a current code or the password; a wrong proof
    counts against the account like a wrong password, so that a browser left open cannot be used to guess it."""
    throttle = web_state(request.app).signin_throttle
    if throttle and throttle.retry_after(account.username):
        return _status_page(request, db, account, error="Trop d'essais infructueux : réessayez plus tard.", status=429)
    try:
        proven = two_factor.confirm_identity(db, app_secret(request), account, proof)
    except two_factor.UnreadableSecret:
        proven = False
    if proven:
        return None
    if throttle:
        throttle.failed(account.username)
    error = "Code ou mot de passe incorrect (un code ne sert qu'une fois : attendez le suivant)."
    return _status_page(request, db, account, error=error, status=400)


def _status_page(
    request: Request, db: Database, account: Account, *, error: str | None = None, status: int = 200
) -> Response:
    context = {"status": two_factor.status(db, account.username), "must_enrol": must_enrol(request, account),
               "error": error}  # fmt: skip
    return page(request, "two_factor.html", context, status)


def _enrolment_page(
    request: Request,
    account: Account,
    enrolment: two_factor.Enrolment,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    qr = segno.make(enrolment.uri, error="m").svg_data_uri(scale=5, border=4, dark="#161616", light="#ffffff")
    context: dict[str, Any] = {"enrolment": enrolment, "qr": qr, "error": error,
                               "must_enrol": must_enrol(request, account)}  # fmt: skip
    return _no_store(page(request, "two_factor_enrol.html", context, status_code))


def _codes_page(request: Request, codes: list[str], *, first: bool) -> Response:
    return _no_store(page(request, "recovery_codes.html", {"codes": codes, "first": first}))


def _no_store(response: Response) -> Response:
    response.headers["cache-control"] = "no-store"
    return response
