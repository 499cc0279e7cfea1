"""Signing in to the editors' workspace: a signed session cookie, CSRF tokens, and role checks.

# Set-Cookie: faqsante_session=<{"csrf": "…", "sid": "…"} signed with itsdangerous>;
#             HttpOnly; SameSite=Lax; Path=/; Max-Age=43200  (+ Secure over HTTPS)
Every visitor of the sign-in page gets a session holding a CSRF token; signing in replaces it with a new
token and a session token, so a token seen before sign-in is worthless after. Every unsafe request under
these routers must carry the token (form field ``csrf_token`` or header ``X-CSRF-Token``): a synchronizer
token tied to the session. ``sid`` names a row of ``editor_sessions`` (``faqsante.accounts``), checked at
every request: signing out, an admin, a disabled account or a new password revoke it, and it expires on
the server whatever the cookie says.

Passwords are checked by ``faqsante.accounts.authenticate``; single sign-on would add its own routes here
and end, like the password form, in ``start_session``.

An account with two-factor sign-in (``faqsante.two_factor``) is not signed in by its password: the cookie then
holds a pending sign-in instead of a session, ``{"csrf": "…", "sid": null, "2fa": {"uid": 7, "since": 1796000000,
"next": "/admin"}}``: signed like the rest, in this browser only, good for PENDING_LIFETIME, and opening no
page of the workspace (no ``sid``); ``/connexion/code`` turns it into a session once a code is right. Wrong
codes count against the account like wrong passwords (``AccountThrottle``), and ``/connexion/code`` against
the address like ``/connexion``. With FAQSANTE_REQUIRE_2FA_ADMINS, an administrator without it reaches only
``/admin/compte`` (where it is turned on) until it is on.
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from faqsante.accounts import (
    SESSION_LIFETIME,
    Account,
    authenticate,
    get_account,
    open_session,
    revoke_session,
    session_account,
)
from faqsante.two_factor import UnreadableSecret, check_second_factor
from faqsante.web.deps import app_secret, get_db, get_settings, web_state
from faqsante.web.templating import render

SESSION_COOKIE = "faqsante_session"
SESSION_MAX_AGE = int(SESSION_LIFETIME.total_seconds())  # the cookie's; the server's row decides
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SIGN_IN_PATH = "/connexion"
CODE_PATH = "/connexion/code"
HOME_PATH = "/admin"
ACCOUNT_PATH = "/admin/compte"  # the signed-in editor's own settings
ENROL_PATH = f"{ACCOUNT_PATH}/double-authentification"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PENDING_LIFETIME = 300  # seconds between a right password and its code: then the password again


@dataclass(frozen=True)
class PendingSignIn:
    """A right password waiting for its second factor."""

    user_id: int
    since: int  # Unix time of the password
    next_path: str

    def live(self) -> bool:
        return 0 <= time.time() - self.since <= PENDING_LIFETIME

    @classmethod
    def loads(cls, data: object) -> PendingSignIn | None:
        """# {"uid": 7, "since": 1796000000, "next": "/admin"} -> PendingSignIn; anything else -> None"""
        if not isinstance(data, dict):
            return None
        user_id, since, next_path = data.get("uid"), data.get("since"), data.get("next")
        if type(user_id) is not int or type(since) is not int or not isinstance(next_path, str):
            return None
        return cls(user_id, since, _safe_next(next_path))


@dataclass(frozen=True)
class WebSession:
    csrf: str
    token: str | None = None  # a signed-in session's token (editor_sessions), None before sign-in
    fresh: bool = False  # not yet in the browser's cookie
    pending: PendingSignIn | None = None  # a password accepted, its second factor not yet given

    def dumps(self) -> dict[str, Any]:
        data: dict[str, Any] = {"csrf": self.csrf, "sid": self.token}
        if self.pending is not None:
            data["2fa"] = {"uid": self.pending.user_id, "since": self.pending.since, "next": self.pending.next_path}
        return data


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app_secret(request), salt="faqsante.session")


def get_session(request: Request) -> WebSession:
    """The session of the cookie, or a new anonymous one when it is missing, forged or expired."""
    cached = getattr(request.state, "web_session", None)
    if isinstance(cached, WebSession):
        return cached
    session = WebSession(csrf=secrets.token_urlsafe(32), fresh=True)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            data = _serializer(request).loads(cookie, max_age=SESSION_MAX_AGE)
            token = data.get("sid")
            session = WebSession(
                csrf=str(data["csrf"]),
                token=token if isinstance(token, str) else None,
                pending=PendingSignIn.loads(data.get("2fa")),
            )
        except (BadSignature, KeyError, TypeError, AttributeError):
            pass
    request.state.web_session = session
    return session


def current_account(request: Request) -> Account | None:
    """The signed-in account, its session checked against the database on every request."""
    if not hasattr(request.state, "account"):
        token = get_session(request).token
        found = session_account(get_db(request), token) if token else None
        request.state.account, request.state.session_id = found or (None, None)
    account: Account | None = request.state.account
    return account


def csrf_token(request: Request) -> str:
    return get_session(request).csrf


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose token is not this session's (a form posted from another site)."""
    if request.method in SAFE_METHODS:
        return
    sent: str | UploadFile | None = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get(CSRF_FIELD)
    session = get_session(request)
    if session.fresh or not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf):
        raise HTTPException(
            403, "Le jeton de sécurité du formulaire est absent ou expiré : rechargez la page et recommencez."
        )


def require_editor(request: Request) -> Account:
    """Signed in as editor or admin; otherwise a browser is sent to sign in and a script gets 401.
    An administrator who must turn on two-factor sign-in first is sent to do it (FAQSANTE_REQUIRE_2FA_ADMINS)."""
    account = current_account(request)
    if account is not None:
        path = request.url.path
        if must_enrol(request, account) and not (path == ACCOUNT_PATH or path.startswith(f"{ACCOUNT_PATH}/")):
            if _wants_page(request):
                raise HTTPException(303, headers={"Location": ENROL_PATH})
            raise HTTPException(
                403, "Activez d'abord la double authentification : elle est obligatoire pour les administrateurs."
            )
        return account
    if _wants_page(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(303, headers={"Location": f"{SIGN_IN_PATH}?suivant={quote(target, safe='')}"})
    raise HTTPException(401, "Connectez-vous à l'espace rédaction pour accéder à cette adresse.")


def must_enrol(request: Request, account: Account) -> bool:
    """An administrator without two-factor sign-in, where the operator requires it of administrators."""
    return account.is_admin and not account.two_factor and get_settings(request).require_2fa_admins


def _wants_page(request: Request) -> bool:
    return request.method in SAFE_METHODS and "text/html" in request.headers.get("accept", "")


def require_admin(account: Annotated[Account, Depends(require_editor)]) -> Account:
    if not account.is_admin:
        raise HTTPException(403, "Cette page est réservée aux administrateurs.")
    return account


EditorDep = Annotated[Account, Depends(require_editor)]
AdminDep = Annotated[Account, Depends(require_admin)]


def is_https(request: Request) -> bool:
    """Over HTTPS, directly or behind a trusted proxy that says so (FAQSANTE_TRUSTED_PROXIES)."""
    if request.url.scheme == "https":
        return True
    trusted = get_settings(request).trusted_proxies
    client = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return forwarded == "https" and ("*" in trusted or client in trusted)


def write_session(request: Request, response: Response, session: WebSession) -> Response:
    response.set_cookie(
        SESSION_COOKIE,
        _serializer(request).dumps(session.dumps()),
        max_age=SESSION_MAX_AGE,
        path="/",
        httponly=True,
        secure=is_https(request),
        samesite="lax",
    )
    request.state.web_session = session
    return response


def start_session(request: Request, account: Account, next_path: str) -> Response:
    """Signed in: a new session (new CSRF token, new server-side row), then where the person was going."""
    token = open_session(
        get_db(request),
        account,
        user_agent=request.headers.get("user-agent"),
        address=request.client.host if request.client else None,
    )
    session = WebSession(csrf=secrets.token_urlsafe(32), token=token)
    return write_session(request, RedirectResponse(next_path, status_code=303), session)


def _safe_next(target: str | None) -> str:
    """Only back into the workspace: ``suivant=https://evil.example`` must not send anyone away."""
    if target and target.startswith(HOME_PATH) and not target.startswith("//") and "\\" not in target:
        return target
    return HOME_PATH


router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])


@router.get(SIGN_IN_PATH)
def sign_in_page(request: Request, next_path: Annotated[str | None, Query(alias="suivant")] = None) -> Response:
    if current_account(request) is not None:
        return RedirectResponse(_safe_next(next_path), status_code=303)
    return _sign_in_form(request, next_path)


@router.post(SIGN_IN_PATH)
def sign_in(
    request: Request,
    username: Annotated[str, Form(alias="identifiant", max_length=200)] = "",
    password: Annotated[str, Form(alias="mot_de_passe", max_length=1000)] = "",
    next_path: Annotated[str | None, Form(alias="suivant")] = None,
) -> Response:
    throttle = web_state(request.app).signin_throttle
    wait = throttle.retry_after(username) if throttle else 0.0
    if wait:
        response = _sign_in_form(request, next_path, error=_too_many(wait), username=username, status_code=429)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    account = authenticate(get_db(request), username, password)
    if account is None:
        if throttle:
            throttle.failed(username)
        return _sign_in_form(
            request, next_path, error="Identifiant ou mot de passe incorrect.", username=username, status_code=400
        )
    if account.two_factor:
        pending = PendingSignIn(account.id, int(time.time()), _safe_next(next_path))
        session = WebSession(csrf=secrets.token_urlsafe(32), pending=pending)
        return write_session(request, RedirectResponse(CODE_PATH, status_code=303), session)
    return start_session(request, account, _safe_next(next_path))


@router.get(CODE_PATH)
def code_page(request: Request) -> Response:
    """The second step of a sign-in whose password was right; without one in progress, back to the first."""
    pending = _pending(request)
    if pending is None:
        return RedirectResponse(f"{SIGN_IN_PATH}?expire=1", status_code=303)
    return _code_form(request)


@router.post(CODE_PATH)
def sign_in_code(request: Request, code: Annotated[str, Form(max_length=100)] = "") -> Response:
    """A TOTP code not used before, or an unused recovery code (then spent), opens the session."""
    pending = _pending(request)
    account = get_account(get_db(request), pending.user_id) if pending else None
    if pending is None or account is None:
        return RedirectResponse(f"{SIGN_IN_PATH}?expire=1", status_code=303)
    throttle = web_state(request.app).signin_throttle
    wait = throttle.retry_after(account.username) if throttle else 0.0
    if wait:
        response = _code_form(request, error=_too_many(wait), status_code=429)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    try:
        factor = check_second_factor(get_db(request), app_secret(request), account.id, code)
    except UnreadableSecret as error:
        return _code_form(request, error=str(error), status_code=400)
    if factor is None:
        if throttle:
            throttle.failed(account.username)
        wrong = "Code incorrect ou déjà utilisé : saisissez le code affiché maintenant par l'application."
        return _code_form(request, error=wrong, status_code=400)
    # A recovery code is spent: the two-factor page says how many are left.
    next_path = f"{ENROL_PATH}?message=code-secours" if factor == "recovery" else pending.next_path
    return start_session(request, account, next_path)


def _pending(request: Request) -> PendingSignIn | None:
    pending = get_session(request).pending
    return pending if pending is not None and pending.live() else None


def _too_many(wait: float) -> str:
    minutes = math.ceil(wait / 60)
    return f"Trop d'essais infructueux sur ce compte : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."


@router.post("/deconnexion")
def sign_out(request: Request) -> Response:
    """The session ends on the server: a copy of the cookie taken before opens nothing after."""
    token = get_session(request).token
    if token:
        revoke_session(get_db(request), token)
    anonymous = WebSession(csrf=secrets.token_urlsafe(32))
    return write_session(request, RedirectResponse(SIGN_IN_PATH + "?deconnecte=1", status_code=303), anonymous)


def _sign_in_form(
    request: Request, next_path: str | None, *, error: str | None = None, username: str = "", status_code: int = 200
) -> Response:
    session = get_session(request)
    context = {
        "csrf_token": session.csrf,
        "next": _safe_next(next_path),
        "error": error,
        "username": username,
        "signed_out": request.query_params.get("deconnecte") == "1",
        "expired": request.query_params.get("expire") == "1",
    }
    response = render(request, "admin/sign_in.html", context, status_code=status_code)
    return write_session(request, response, session) if session.fresh else response


def _code_form(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    context = {"csrf_token": get_session(request).csrf, "error": error}
    return render(request, "admin/sign_in_code.html", context, status_code=status_code)
