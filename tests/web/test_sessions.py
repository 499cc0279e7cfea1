"""Sign-out ends the session: every editor session is a server-side row, checked at every request.

A cookie copied before sign-out, before an account was disabled or before its password changed opens
nothing after; expiry is the server's, not the cookie's; an admin lists an account's sessions and revokes
them. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from faqsante.accounts import create_user, list_sessions, set_active
from faqsante.store.models import EditorSession, utcnow
from faqsante.web.app import create_app
from faqsante.web.auth import SESSION_COOKIE
from faqsante.web.deps import service_of

from .conftest import web_settings
from .test_admin import HTML, PASSWORD, sign_in, token_of


@pytest.fixture
def app(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(web_settings(db_url, tmp_path / "index"))
    create_user(service_of(app).db, "marie", PASSWORD, "editor")
    create_user(service_of(app).db, "admin", PASSWORD, "admin")
    yield app
    service_of(app).db.dispose()


def browser(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def marie(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    for client in browser(app):
        assert sign_in(client, "marie").status_code == 303
        yield client


@pytest.fixture
def admin(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    for client in browser(app):
        assert sign_in(client, "admin").status_code == 303
        yield client


def opens_admin(app, cookie: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether a browser holding only this cookie gets into the workspace."""
    for thief in browser(app):
        thief.cookies.set(SESSION_COOKIE, cookie)
        response = thief.get("/admin", headers=HTML, follow_redirects=False)
        assert response.status_code in (200, 303), response.text
        return response.status_code == 200
    raise AssertionError("unreachable")


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app, marie: TestClient) -> None:  # type: ignore[no-untyped-def]
    copied = marie.cookies[SESSION_COOKIE]
    assert opens_admin(app, copied)
    token = token_of(marie.get("/admin", headers=HTML).text)
    assert marie.post("/deconnexion", data={"csrf_token": token}, follow_redirects=False).status_code == 303

    assert not opens_admin(app, copied)
    assert marie.get("/admin", headers=HTML, follow_redirects=False).status_code == 303  # to the sign-in page


def test_disabling_an_account_ends_its_sessions_and_enabling_it_revives_none(app, marie: TestClient) -> None:  # type: ignore[no-untyped-def]
    copied = marie.cookies[SESSION_COOKIE]
    set_active(service_of(app).db, "marie", False)
    assert not opens_admin(app, copied)
    set_active(service_of(app).db, "marie", True)
    assert not opens_admin(app, copied)
    for again in browser(app):  # signing in again works
        assert sign_in(again, "marie").status_code == 303
        assert opens_admin(app, again.cookies[SESSION_COOKIE])


def test_a_session_expires_on_the_server_whatever_its_cookie_says(app, marie: TestClient) -> None:  # type: ignore[no-untyped-def]
    copied = marie.cookies[SESSION_COOKIE]
    with service_of(app).db.session() as session:  # the row's end comes, the signed cookie is still within its max-age
        session.execute(update(EditorSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert not opens_admin(app, copied)


def test_an_admin_lists_an_account_sessions_and_revokes_one(app, marie: TestClient, admin: TestClient) -> None:  # type: ignore[no-untyped-def]
    for other in browser(app):
        other.headers["user-agent"] = "Navigateur du bureau"
        assert sign_in(other, "marie").status_code == 303
        kept = other.cookies[SESSION_COOKIE]
    page = admin.get("/admin/utilisateurs/marie/sessions", headers=HTML)
    assert page.status_code == 200 and "Navigateur du bureau" in page.text and page.text.count("Révoquer</button>") == 2

    first = next(s for s in list_sessions(service_of(app).db, "marie") if s.user_agent != "Navigateur du bureau")
    url = f"/admin/utilisateurs/marie/sessions/{first.id}/revoquer"
    done = admin.post(url, data={"csrf_token": token_of(page.text)}, headers=HTML)
    assert done.status_code == 200 and "Session révoquée" in done.text and "révoquée le" in done.text

    assert marie.get("/admin", headers=HTML, follow_redirects=False).status_code == 303  # that browser is out
    assert opens_admin(app, kept)  # the other one is not
    assert [s.user_agent for s in list_sessions(service_of(app).db, "marie") if s.active] == ["Navigateur du bureau"]


def test_only_admins_see_sessions(app, marie: TestClient) -> None:  # type: ignore[no-untyped-def]
    assert marie.get("/admin/utilisateurs/admin/sessions", headers=HTML).status_code == 403
    token = token_of(marie.get("/admin", headers=HTML).text)
    refused = marie.post("/admin/utilisateurs/admin/sessions/revoquer", data={"csrf_token": token})
    assert refused.status_code == 403
    assert [s.active for s in list_sessions(service_of(app).db, "admin")] == []  # admin never signed in here
