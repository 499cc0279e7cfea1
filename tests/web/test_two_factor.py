"""Two-factor sign-in in the workspace (#20.4): a right password opens nothing until its code; the pending step is
short, in its browser's signed cookie, behind CSRF; codes are spent once and wrong ones are throttled like wrong
passwords; administrators may be required to enrol. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer

from faqsante.accounts import create_user, list_users
from faqsante.store.secret import shared_secret
from faqsante.web.app import create_app
from faqsante.web.auth import PENDING_LIFETIME, SESSION_COOKIE
from faqsante.web.deps import service_of
from faqsante.web.security import CONTENT_SECURITY_POLICY

from .conftest import HTML, PASSWORD, sign_in, token_of, web_settings

ENROL = "/admin/compte/double-authentification"
NOW = 1_796_000_015.0
RECOVERY = re.compile(r"<li><code>([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})</code></li>")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The time pyotp reads, here and in the app alike: ``clock[0] += 30`` moves one step on."""
    now = [NOW]
    monkeypatch.setattr(pyotp.totp, "time", SimpleNamespace(time=lambda: now[0]))
    yield now


@contextmanager
def running_app(db_url: str, index_dir: Path, **overrides: object) -> Iterator[FastAPI]:
    """The app with an editor and an admin, its lifespan running (every test browser below shares it)."""
    app = create_app(web_settings(db_url, index_dir).model_copy(update=overrides))
    create_user(service_of(app).db, "marie", PASSWORD, "editor")
    create_user(service_of(app).db, "admin", PASSWORD, "admin")
    with TestClient(app):
        yield app
    service_of(app).db.dispose()


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    with running_app(db_url, tmp_path / "index") as app:
        yield app


def browser(app: FastAPI, address: str = "testclient") -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(address, 50000))


def user_id(app: FastAPI, username: str) -> int:
    return next(user.id for user in list_users(service_of(app).db) if user.username == username)


def signed_in(app: FastAPI, username: str = "marie") -> TestClient:
    client = browser(app)
    assert sign_in(client, username).status_code == 303
    return client


def enrol(client: TestClient, clock: list[float]) -> tuple[pyotp.TOTP, list[str]]:
    """Two-factor sign-in turned on from the account page: the app now holding the secret, the recovery codes."""
    started = client.post(ENROL, data={"csrf_token": token_of(client.get(ENROL, headers=HTML).text)})
    assert started.status_code == 200 and started.headers["cache-control"] == "no-store"
    secret = re.search(r'class="cle-secrete"><code>([A-Z2-7 ]+)</code>', started.text)
    assert secret, started.text
    totp = pyotp.TOTP(secret.group(1).replace(" ", ""))
    confirmed = client.post(
        f"{ENROL}/confirmer", data={"csrf_token": token_of(started.text), "code": totp.at(clock[0])}
    )
    assert confirmed.status_code == 200 and confirmed.headers["cache-control"] == "no-store", confirmed.text
    clock[0] += 30
    return totp, RECOVERY.findall(confirmed.text)


def opens_admin(client: TestClient) -> bool:
    response = client.get("/admin", headers=HTML, follow_redirects=False)
    assert response.status_code in (200, 303), response.text
    return response.status_code == 200


def second_step(client: TestClient, code: str):  # type: ignore[no-untyped-def]
    token = token_of(client.get("/connexion/code", headers=HTML).text)
    return client.post(
        "/connexion/code", data={"code": code, "csrf_token": token}, headers=HTML, follow_redirects=False
    )


def test_a_right_password_opens_nothing_until_the_code(app: FastAPI, clock: list[float]) -> None:
    totp, _ = enrol(signed_in(app), clock)
    visitor = browser(app)

    password_ok = sign_in(visitor, next_path="/admin/entrees")
    assert password_ok.status_code == 303 and password_ok.headers["location"] == "/connexion/code"
    assert not opens_admin(visitor)
    for path in ("/admin/entrees", ENROL):
        assert visitor.get(path, headers=HTML, follow_redirects=False).headers["location"].startswith("/connexion?")
    assert visitor.get("/admin/api/lint").status_code == 401

    wrong = second_step(visitor, "000000")
    assert wrong.status_code == 400 and "Code incorrect" in wrong.text and not opens_admin(visitor)
    right = second_step(visitor, totp.at(clock[0]))
    assert right.status_code == 303 and right.headers["location"] == "/admin/entrees"
    assert opens_admin(visitor)


def test_a_code_signs_in_once(app: FastAPI, clock: list[float]) -> None:
    totp, _ = enrol(signed_in(app), clock)
    first, second = browser(app), browser(app)
    assert sign_in(first).status_code == sign_in(second).status_code == 303
    code = totp.at(clock[0])
    assert second_step(first, code).status_code == 303
    replayed = second_step(second, code)
    assert replayed.status_code == 400 and "déjà utilisé" in replayed.text and not opens_admin(second)


def test_a_recovery_code_signs_in_once_and_the_account_page_counts_what_is_left(
    app: FastAPI, clock: list[float]
) -> None:
    _, codes = enrol(signed_in(app), clock)
    assert len(codes) == 10
    first, second = browser(app), browser(app)
    sign_in(first)
    sign_in(second)
    used = second_step(first, codes[3].lower())
    assert used.status_code == 303 and used.headers["location"] == f"{ENROL}?message=code-secours"
    page = first.get(used.headers["location"], headers=HTML).text
    assert "il ne servira plus" in page and "<strong>9</strong> sur 10" in page
    assert second_step(second, codes[3]).status_code == 400


def test_the_second_step_checks_the_csrf_token_of_its_own_browser(app: FastAPI, clock: list[float]) -> None:
    totp, _ = enrol(signed_in(app), clock)
    mine, other = browser(app), browser(app)
    sign_in(mine)
    sign_in(other)
    code = totp.at(clock[0])
    assert mine.post("/connexion/code", data={"code": code}).status_code == 403
    other_token = token_of(other.get("/connexion/code", headers=HTML).text)
    assert mine.post("/connexion/code", data={"code": code, "csrf_token": other_token}).status_code == 403
    assert not opens_admin(mine)
    assert second_step(mine, code).status_code == 303  # the code was not spent by the refused requests


def pending_cookie(app: FastAPI, user_id: int, since: float, key: str | None = None) -> str:
    """A pending sign-in as the app would sign it (with the app's key unless told another)."""
    secret = key or shared_secret(service_of(app).db, service_of(app).settings.secret_key)
    data = {"csrf": "jeton", "sid": None, "2fa": {"uid": user_id, "since": int(since), "next": "/admin"}}
    return URLSafeTimedSerializer(secret, salt="faqsante.session").dumps(data)


def test_the_pending_step_expires_and_cannot_be_forged(app: FastAPI, clock: list[float]) -> None:
    enrol(signed_in(app), clock)
    marie_id = user_id(app, "marie")
    for cookie in (
        pending_cookie(app, marie_id, time.time() - PENDING_LIFETIME - 1),  # too old
        pending_cookie(app, marie_id, time.time() + 600),  # from the future
        pending_cookie(app, marie_id, time.time(), key="une clé devinée"),  # not signed by this installation
    ):
        visitor = browser(app)
        visitor.cookies.set(SESSION_COOKIE, cookie)
        response = visitor.get("/connexion/code", headers=HTML, follow_redirects=False)
        assert response.headers["location"] == "/connexion?expire=1"
        assert "La connexion a expiré" in visitor.get(response.headers["location"], headers=HTML).text
    fresh = browser(app)
    fresh.cookies.set(SESSION_COOKIE, pending_cookie(app, marie_id, time.time()))
    assert fresh.get("/connexion/code", headers=HTML).status_code == 200  # the control: a live one is accepted
    assert browser(app).get("/connexion/code", headers=HTML, follow_redirects=False).status_code == 303


def test_wrong_codes_count_against_the_account_like_wrong_passwords(
    db_url: str, tmp_path: Path, clock: list[float]
) -> None:
    with running_app(db_url, tmp_path / "index", rate_signin_account="3/minute", trusted_proxies=("*",)) as app:
        throttled_per_account(app, clock)


def throttled_per_account(app: FastAPI, clock: list[float]) -> None:
    totp, _ = enrol(signed_in(app), clock)
    owner = browser(app, "203.0.113.9")
    assert sign_in(owner).status_code == 303  # the owner's password, her code still to come
    for number in range(3):  # three addresses, one wrong code each
        guesser = browser(app, f"198.51.100.{number}")
        assert sign_in(guesser).status_code == 303
        assert second_step(guesser, f"{number:06d}").status_code == 400
    refused = second_step(owner, totp.at(clock[0]))  # right, but the account waits: a guess is never confirmed
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Trop d&#39;essais infructueux sur ce compte" in refused.text and not opens_admin(owner)
    assert sign_in(browser(app)).status_code == 429  # the password step waits too
    assert sign_in(browser(app), "admin").status_code == 303  # the other accounts sign in as usual


def test_the_second_step_counts_against_the_address(db_url: str, tmp_path: Path, clock: list[float]) -> None:
    with running_app(db_url, tmp_path / "index", rate_signin="3/minute") as app:
        throttled_per_address(app, clock)


def throttled_per_address(app: FastAPI, clock: list[float]) -> None:
    totp, _ = enrol(signed_in(app), clock)  # one POST /connexion from "testclient"
    visitor = browser(app, "192.0.2.7")
    assert sign_in(visitor).status_code == 303  # 1
    assert second_step(visitor, "000000").status_code == 400  # 2
    assert second_step(visitor, "111111").status_code == 400  # 3
    limited = second_step(visitor, totp.at(clock[0]))
    assert limited.status_code == 429 and "Trop de demandes" in limited.text and not opens_admin(visitor)


def test_turning_it_on_ends_the_other_sessions_but_this_one(app: FastAPI, clock: list[float]) -> None:
    here, elsewhere = signed_in(app), signed_in(app)
    enrol(here, clock)
    assert opens_admin(here) and not opens_admin(elsewhere)


def test_disabling_asks_for_a_code_or_the_password(app: FastAPI, clock: list[float]) -> None:
    client = signed_in(app)
    totp, _ = enrol(client, clock)
    other = browser(app)
    sign_in(other)
    second_step(other, totp.at(clock[0]))
    assert opens_admin(other)

    def disable(proof: str):  # type: ignore[no-untyped-def]
        token = token_of(client.get(ENROL, headers=HTML).text)
        return client.post(f"{ENROL}/desactiver", data={"csrf_token": token, "preuve": proof}, follow_redirects=False)

    refused = disable("pas le mot de passe")
    assert refused.status_code == 400 and "incorrect" in refused.text
    assert disable(totp.at(clock[0])).status_code == 400  # already used by the other browser's sign-in
    done = disable(PASSWORD)
    assert done.status_code == 303 and done.headers["location"] == f"{ENROL}?message=2fa-desactivee"
    assert opens_admin(client) and not opens_admin(other)
    assert sign_in(browser(app)).headers["location"] == "/admin"  # the password alone again


def test_new_recovery_codes_need_a_code_or_the_password(app: FastAPI, clock: list[float]) -> None:
    client = signed_in(app)
    totp, old = enrol(client, clock)
    token = token_of(client.get(ENROL, headers=HTML).text)
    assert client.post(f"{ENROL}/codes-secours", data={"csrf_token": token, "preuve": "000000"}).status_code == 400
    renewed = client.post(f"{ENROL}/codes-secours", data={"csrf_token": token, "preuve": totp.at(clock[0])})
    new = RECOVERY.findall(renewed.text)
    assert renewed.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert renewed.headers["cache-control"] == "no-store"
    visitor = browser(app)
    sign_in(visitor)
    assert second_step(visitor, old[0]).status_code == 400
    assert second_step(visitor, new[0]).status_code == 303


def test_an_admin_resets_another_accounts_two_factor(app: FastAPI, clock: list[float]) -> None:
    marie = signed_in(app)
    enrol(marie, clock)
    admin = signed_in(app, "admin")
    page = admin.get("/admin/utilisateurs", headers=HTML).text
    assert "Réinitialiser la double authentification" in page
    reset = admin.post("/admin/utilisateurs/marie/double-authentification/reinitialiser",
                       data={"csrf_token": token_of(page)}, follow_redirects=False)  # fmt: skip
    assert reset.status_code == 303 and reset.headers["location"] == "/admin/utilisateurs?message=2fa-reinitialisee"
    assert not opens_admin(marie)  # her sessions ended
    assert sign_in(browser(app)).headers["location"] == "/admin"  # her password alone again
    own = admin.post(
        "/admin/utilisateurs/admin/double-authentification/reinitialiser", data={"csrf_token": token_of(page)}
    )
    assert own.status_code == 400 and "Mon compte" in own.text


def test_admins_must_enrol_first_when_the_operator_requires_it(db_url: str, tmp_path: Path, clock: list[float]) -> None:
    with running_app(db_url, tmp_path / "index", require_2fa_admins=True) as app:
        admins_must_enrol(app, clock)


def admins_must_enrol(app: FastAPI, clock: list[float]) -> None:
    admin = signed_in(app, "admin")
    for path in ("/admin", "/admin/entrees", "/admin/utilisateurs", "/admin/entrees/x"):
        assert admin.get(path, headers=HTML, follow_redirects=False).headers["location"] == ENROL, path
    assert admin.get("/admin/api/lint").status_code == 403
    page = admin.get(ENROL, headers=HTML)
    assert page.status_code == 200 and "obligatoire pour les administrateurs" in page.text
    created = admin.post("/admin/utilisateurs", data={"csrf_token": token_of(page.text), "identifiant": "intrus",
                                                      "mot_de_passe": PASSWORD, "role": "admin"})  # fmt: skip
    assert created.status_code == 403 and "intrus" not in [user.username for user in list_users(service_of(app).db)]
    assert opens_admin(signed_in(app, "marie"))  # editors are not required to

    totp, _ = enrol(admin, clock)
    assert opens_admin(admin)
    token = token_of(admin.get(ENROL, headers=HTML).text)
    kept = admin.post(f"{ENROL}/desactiver", data={"csrf_token": token, "preuve": PASSWORD})
    assert kept.status_code == 400 and "obligatoire" in kept.text


def test_the_enrolment_page_shows_the_qr_code_within_the_content_security_policy(
    app: FastAPI, clock: list[float]
) -> None:
    client = signed_in(app)
    page = client.post(ENROL, data={"csrf_token": token_of(client.get(ENROL, headers=HTML).text)})
    assert '<img class="code-qr" src="data:image/svg+xml' in page.text and "otpauth://totp/" in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    again = client.get(ENROL, headers=HTML)  # the same pending secret, until confirmed
    secret = re.search(r'class="cle-secrete"><code>([A-Z2-7 ]+)</code>', page.text).group(1)  # type: ignore[union-attr]
    assert secret in again.text and again.headers["cache-control"] == "no-store"
    wrong = client.post(f"{ENROL}/confirmer", data={"csrf_token": token_of(again.text), "code": "123456"})
    assert wrong.status_code == 400 and "Code incorrect" in wrong.text and secret in wrong.text
    assert sign_in(browser(app)).headers["location"] == "/admin"  # never on without a confirmed code


CODES = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=120),
    st.binary(max_size=200).map(lambda raw: quote(raw)),
    st.sampled_from(["", "%00", "000000", "0" * 16, "AAAA-AAAA-AAAA-AAAA", "１２３４５６", "%C3%28" * 30, "x" * 101]),
)


@pytest.fixture(scope="module")
def pending(seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """A browser whose password was right, at the second step (the same one for every example: it lasts 5 min),
    and its CSRF token."""
    from databases import copy_sqlite

    folder = tmp_path_factory.mktemp("two-factor-fuzz")
    with running_app(copy_sqlite(seed_template, folder / "faqsante.db"), folder / "index") as app:
        enrol(signed_in(app), [time.time()])
        visitor = browser(app)
        sign_in(visitor)
        yield visitor, token_of(visitor.get("/connexion/code", headers=HTML).text)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(code=CODES, encoded=st.booleans())
def test_any_code_field_gets_a_french_page_and_opens_nothing(
    pending: tuple[TestClient, str], code: str, encoded: bool
) -> None:
    visitor, token = pending
    body = f"csrf_token={quote(token)}&code={code if encoded else quote(code)}&inattendu=%00"
    response = visitor.post("/connexion/code", content=body.encode(), follow_redirects=False,
                            headers={**HTML, "content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code in (400, 422), response.text[-2000:]
    assert '<html lang="fr">' in response.text and "Traceback" not in response.text
    assert not opens_admin(visitor)
