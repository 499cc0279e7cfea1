"""Nobody let in: security headers on every response, rate limits per client, no stack trace ever shown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqsante.web.app import create_app
from faqsante.web.security import CONTENT_SECURITY_POLICY, Rate, TokenBuckets

from .conftest import ECPS_QUESTION, copy_sqlite, web_settings

SECRET = "mot-de-passe-base=hunter2"


@pytest.fixture(scope="module")
def limited_app(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("security")
    settings = replace(
        web_settings(copy_sqlite(seeded_template, folder / "faqsante.db"), folder / "index"),
        rate_ask="3/minute",
        rate_feedback="off",
        rate_questions="2/minute",
        rate_signin="2/minute",
    )
    return create_app(settings)


def client_from(app, address: str, **options) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False, client=(address, 50000), **options) as client:
        yield client


@pytest.fixture
def visitor(limited_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    yield from client_from(limited_app, "192.0.2.1")


@pytest.mark.parametrize("path", ["/", "/api/ask?q=e-cps", "/reponses", "/static/portal.css", "/docs", "/nulle-part"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"accept": "text/html"})
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # plain HTTP: HSTS would be ignored anyway


def test_https_responses_ask_browsers_to_stay_on_https(limited_app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(limited_app, base_url="https://faq.exemple.fr") as client:
        assert client.get("/").headers["strict-transport-security"].startswith("max-age=")


def test_too_many_questions_from_one_client_get_a_french_429(limited_app, visitor: TestClient) -> None:  # type: ignore[no-untyped-def]
    for number in range(2):
        assert visitor.post("/api/questions", json={"question": f"Question {number} ?"}).status_code == 201
    refused = visitor.post("/api/questions", json={"question": "Encore une ?"})

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert "réessayez dans" in refused.json()["error"]["message"]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for other in client_from(limited_app, "192.0.2.2"):  # another address has its own allowance
        assert other.post("/api/questions", json={"question": "Et moi ?"}).status_code == 201


def test_password_guessing_is_slowed_down_per_client(limited_app, visitor: TestClient) -> None:  # type: ignore[no-untyped-def]
    form = {"username": "marie", "password": "devine"}
    attempts = [visitor.post("/connexion", data=form, follow_redirects=False).status_code for _ in range(3)]

    assert 429 not in attempts[:2]
    assert attempts[2] == 429


def test_searches_share_one_allowance_between_the_api_and_the_portal(visitor: TestClient) -> None:
    assert visitor.get("/api/ask", params={"q": ECPS_QUESTION}).status_code == 200
    assert visitor.get("/", params={"q": ECPS_QUESTION}).status_code == 200
    assert visitor.get("/api/ask", params={"q": ECPS_QUESTION}).status_code == 200
    page = visitor.get("/", params={"q": ECPS_QUESTION}, headers={"accept": "text/html"})
    assert page.status_code == 429
    assert "Trop de demandes" in page.text and page.headers["content-type"].startswith("text/html")
    assert visitor.get("/").status_code == 200  # the home page without a question costs nothing
    assert visitor.post("/api/entries/inconnue/feedback", json={"helpful": True}).status_code == 404  # not limited


def test_a_bucket_refills_with_time() -> None:
    now = [0.0]
    buckets = TokenBuckets(Rate.parse("2/minute"), clock=lambda: now[0])  # type: ignore[arg-type]
    assert buckets.take("a") == buckets.take("a") == 0.0
    assert buckets.take("a") == pytest.approx(30.0)
    now[0] = 30.0
    assert buckets.take("a") == 0.0
    assert buckets.take("b") == 0.0


@pytest.mark.parametrize("text", ["beaucoup", "5/fortnight", "0/s", "-3/min"])
def test_a_malformed_limit_is_refused_at_startup(text: str) -> None:
    with pytest.raises(ValueError, match="limite de débit invalide"):
        Rate.parse(text)


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_an_unexpected_error_shows_no_stack_trace(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, accept: str
) -> None:
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"connexion perdue ({SECRET})")

    monkeypatch.setattr(client.app.state.engine, "ask", broken)
    response = client.get("/", params={"q": "e-cps"}, headers={"accept": accept})

    assert response.status_code == 500
    for leak in (SECRET, "Traceback", "RuntimeError", "File \"", ".py"):
        assert leak not in response.text
    assert "Une erreur inattendue" in response.text
    assert SECRET in caplog.text  # the details go to the log, for the operators
