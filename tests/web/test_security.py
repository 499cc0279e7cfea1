"""Nobody let in: security headers on every response, rate limits per client, no stack trace ever shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqsante.accounts import create_user
from faqsante.web.app import create_app
from faqsante.web.deps import service_of
from faqsante.web.security import CONTENT_SECURITY_POLICY, parse_rate

from .conftest import ECPS_QUESTION, copy_sqlite, web_settings
from .test_admin import HTML, PASSWORD, token_of

SECRET = "mot-de-passe-base=hunter2"


@pytest.fixture(scope="module")
def limited_app(seed_template: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("security")
    settings = web_settings(copy_sqlite(seed_template, folder / "faqsante.db"), folder / "index").model_copy(
        update={"rate_ask": "3/minute", "rate_feedback": "off", "rate_questions": "2/minute", "rate_signin": "2/minute"}
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


def test_a_refused_client_is_told_when_to_come_back(limited_app) -> None:  # type: ignore[no-untyped-def]
    for client in client_from(limited_app, "192.0.2.3"):
        statuses = [client.post("/connexion", data={}).status_code for _ in range(3)]
        assert statuses[2] == 429
        assert 1 <= int(client.post("/connexion", data={}).headers["retry-after"]) <= 60  # 2/minute: within the minute


def test_facet_counts_for_a_question_draw_from_the_search_allowance(limited_app) -> None:  # type: ignore[no-untyped-def]
    for client in client_from(limited_app, "192.0.2.4"):
        assert [client.get("/api/facets", params={"q": ECPS_QUESTION}).status_code for _ in range(3)] == [200] * 3
        assert client.get("/api/facets", params={"q": ECPS_QUESTION}).status_code == 429  # it runs a search too
        assert client.get("/api/ask", params={"q": ECPS_QUESTION}).status_code == 429  # one allowance for both
        assert client.get("/api/facets").status_code == 200  # the counts of the whole FAQ search nothing


@pytest.mark.parametrize(
    ("text", "amount", "seconds"), [("120/minute", 120, 60), ("5 per second", 5, 1), (" 10/Hour ", 10, 3600)]
)
def test_a_limit_reads_like_the_documentation(text: str, amount: int, seconds: int) -> None:
    rate = parse_rate(text)
    assert rate is not None and (rate.amount, rate.get_expiry()) == (amount, seconds)


@pytest.mark.parametrize("text", ["off", "0", "", "none"])
def test_a_limit_can_be_turned_off(text: str) -> None:
    assert parse_rate(text) is None


@pytest.mark.parametrize("text", ["beaucoup", "5/fortnight", "0/second", "-3/minute", "3/"])
def test_a_malformed_limit_is_refused_at_startup(text: str) -> None:
    with pytest.raises(ValueError, match="limite de débit invalide"):
        parse_rate(text)


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_an_unexpected_error_shows_no_stack_trace(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, accept: str
) -> None:
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"connexion perdue ({SECRET})")

    monkeypatch.setattr(service_of(client.app).engine, "ask", broken)
    response = client.get("/", params={"q": "e-cps"}, headers={"accept": accept})

    assert response.status_code == 500
    for leak in (SECRET, "Traceback", "RuntimeError", 'File "', ".py"):
        assert leak not in response.text
    assert "Une erreur inattendue" in response.text
    assert SECRET in caplog.text  # the details go to the log, for the operators


def test_a_trusted_proxy_forwards_each_client_with_its_own_allowance(limited_app) -> None:  # type: ignore[no-untyped-def]
    app = create_app(service_of(limited_app).settings.model_copy(update={"trusted_proxies": ("10.0.0.1",)}))
    for proxy in client_from(app, "10.0.0.1"):
        first = [proxy.post("/connexion", headers={"x-forwarded-for": "198.51.100.1"}).status_code for _ in range(3)]
        second = proxy.post("/connexion", headers={"x-forwarded-for": "198.51.100.2"}).status_code
    assert first[2] == 429 and second != 429  # two visitors behind one proxy, counted apart


def test_rate_limits_let_requests_through_when_their_storage_is_down(
    limited_app, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        service_of(limited_app).settings.model_copy(update={"rate_storage": "redis://127.0.0.1:9/0"})
    )  # nothing listens
    for client in client_from(app, "192.0.2.5"):
        assert [client.get("/api/facets", params={"q": "carte"}).status_code for _ in range(4)] == [200] * 4  # 3/minute
    assert caplog.text.count("Limites de débit inopérantes") == 1  # once, not at every request


def test_an_unknown_rate_storage_is_refused_at_startup(limited_app) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="memcached://"):
        create_app(service_of(limited_app).settings.model_copy(update={"rate_storage": "memcached://127.0.0.1:11211"}))


def test_failed_sign_ins_are_limited_per_account_from_any_address(seed_template: Path, tmp_path: Path) -> None:
    """#19.15: the per-address limit alone let one account's password be guessed from many addresses."""
    settings = web_settings(copy_sqlite(seed_template, tmp_path / "faqsante.db"), tmp_path / "index").model_copy(
        update={"rate_signin_account": "3/minute", "trusted_proxies": ("*",)}
    )
    app = create_app(settings)
    create_user(service_of(app).db, "marie", PASSWORD)
    create_user(service_of(app).db, "paul", PASSWORD)
    with TestClient(app, raise_server_exceptions=False) as client:

        def sign_in(username: str, password: str, address: str):  # type: ignore[no-untyped-def]
            headers = {"x-forwarded-for": address, **HTML}
            form = {"identifiant": username, "mot_de_passe": password,
                    "csrf_token": token_of(client.get("/connexion", headers=headers).text)}  # fmt: skip
            return client.post("/connexion", data=form, headers=headers, follow_redirects=False)

        for number in range(3):  # three addresses, one wrong password each
            assert sign_in("marie", "pas le bon mot de passe", f"198.51.100.{number}").status_code == 400
        refused = sign_in(" Marie ", PASSWORD, "203.0.113.9")
        assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
        assert "Trop d&#39;essais infructueux sur ce compte" in refused.text
        assert sign_in("paul", PASSWORD, "203.0.113.9").status_code == 303  # the others sign in as usual
