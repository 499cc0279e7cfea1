"""The embeddable widget's server side: cross-origin reads for the allowed origins only, its vote, its script
and the /integrer page. The widget itself runs in Chromium: test_widget_browser.py."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from faqsante.store import Database
from faqsante.store.models import Feedback, QueryLog, SubmittedQuestion
from faqsante.web.api import SEARCH_TOKEN_HEADER
from faqsante.web.app import create_app
from faqsante.web.deps import service_of
from faqsante.web.templating import STATIC_DIR

from .conftest import ECPS_QUESTION, PUBLIC_URL, copy_sqlite, web_settings

PARTNER = "https://editeur.example"
OTHER_PARTNER = "http://localhost:8080"
ORIGINS = (PARTNER, OTHER_PARTNER, "https://portail-regional.example:8443")
STRANGER = "https://ailleurs.example"
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def widget_app(seed_template: Path, seed_index: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Partners allowed, and the portal's rate limits on (each test asks from its own address)."""
    folder = tmp_path_factory.mktemp("widget")
    settings = web_settings(copy_sqlite(seed_template, folder / "faqsante.db"), seed_index).model_copy(
        update={"widget_origins": ORIGINS, "rate_ask": "3/minute", "rate_feedback": "3/minute"}
    )
    return create_app(settings)


def client_at(app, address: str) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False, client=(address, 50000)) as client:
        yield client


_ADDRESSES = itertools.count(1)


@pytest.fixture
def partner(widget_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A visitor of the partner's page, from an address of its own (its own rate allowance)."""
    yield from client_at(widget_app, f"198.51.100.{next(_ADDRESSES)}")


def cors_headers(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {name: value for name, value in response.headers.items() if name.startswith("access-control-")}


def ecps_entry(client: TestClient, origin: str = PARTNER) -> tuple[str, str]:
    """(entry id of the first answer, the search token) of the e-CPS question asked from ``origin``."""
    asked = client.get("/api/ask", params={"q": ECPS_QUESTION, "top_k": 3}, headers={"Origin": origin})
    assert asked.status_code == 200, asked.text
    return asked.json()["results"][0]["id"], asked.headers[SEARCH_TOKEN_HEADER]


def votes_on(db: Database, entry_id: str) -> list[tuple[bool, str | None]]:
    with db.session() as session:
        return [
            (vote.helpful, vote.query)
            for vote in session.scalars(select(Feedback).where(Feedback.entry_id == entry_id))
        ]


# ------------------------------------------------------------------------------------------------ CORS


def test_an_allowed_origin_reads_the_answers_without_credentials(partner: TestClient) -> None:
    asked = partner.get("/api/ask", params={"q": ECPS_QUESTION}, headers={"Origin": PARTNER})

    assert asked.status_code == 200
    assert asked.headers["access-control-allow-origin"] == PARTNER
    assert asked.headers["access-control-expose-headers"] == SEARCH_TOKEN_HEADER
    assert "access-control-allow-credentials" not in asked.headers
    assert "Origin" in asked.headers.get_list("vary")
    entry_id = asked.json()["results"][0]["id"]
    read = partner.get(f"/api/entries/{entry_id}", headers={"Origin": PARTNER})
    assert read.status_code == 200 and read.headers["access-control-allow-origin"] == PARTNER


@pytest.mark.parametrize("origin", ORIGINS)
def test_each_allowed_origin_is_named_alone_never_a_list_or_a_star(partner: TestClient, origin: str) -> None:
    asked = partner.get("/api/ask", params={"q": "carte CPS"}, headers={"Origin": origin})
    assert asked.headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize(
    "origin",
    [
        STRANGER,
        "null",  # sandboxed iframes, file:// pages, some redirects
        PARTNER + "/",
        PARTNER.upper(),
        "https://editeur.example.evil.example",
        "https://evil.example/https://editeur.example",
        "http://editeur.example",  # the same host over plain HTTP is another origin
        PARTNER + ":443",
        "*",
        "",
    ],
)
def test_another_origin_gets_no_cors_header(partner: TestClient, origin: str) -> None:
    asked = partner.get("/api/ask", params={"q": "carte CPS"}, headers={"Origin": origin})

    assert asked.status_code == 200  # answered as to any script: only the browser withholds it from that page
    assert cors_headers(asked) == {}
    assert "Origin" in asked.headers.get_list("vary")  # a cache must not give it to an allowed page, or back


def test_two_origin_headers_are_no_origin(widget_app) -> None:  # type: ignore[no-untyped-def]
    for client in client_at(widget_app, "198.51.100.251"):
        headers = [("origin", PARTNER), ("origin", OTHER_PARTNER)]
        asked = client.get("/api/ask", params={"q": "carte CPS"}, headers=headers)
        assert cors_headers(asked) == {}


def test_the_preflight_of_a_vote_lets_an_allowed_origin_send_json(partner: TestClient) -> None:
    preflight = partner.options(
        "/api/entries/abc/feedback",
        headers={
            "Origin": PARTNER,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert preflight.status_code == 204 and preflight.content == b""
    assert cors_headers(preflight) == {
        "access-control-allow-origin": PARTNER,
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": "Content-Type",
        "access-control-max-age": "600",
    }
    assert preflight.headers["vary"] == "Origin"


@pytest.mark.parametrize(
    ("path", "origin", "method"),
    [
        ("/api/entries/abc/feedback", STRANGER, "POST"),
        ("/api/entries/abc/feedback", "null", "POST"),
        ("/api/entries/abc/feedback", PARTNER, "DELETE"),
        ("/api/entries/abc/feedback", PARTNER, "GET"),
        ("/api/ask", PARTNER, "POST"),
        ("/api/ask", STRANGER, "GET"),
    ],
)
def test_any_other_preflight_is_refused_in_french(partner: TestClient, path: str, origin: str, method: str) -> None:
    preflight = partner.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method})

    assert preflight.status_code == 403
    assert cors_headers(preflight) == {}
    assert "FAQSANTE_WIDGET_ORIGINS" in preflight.json()["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin"),
        ("GET", "/admin/api/lint"),
        ("POST", "/connexion"),
        ("GET", "/question"),
        ("POST", "/question"),
        ("POST", "/api/questions"),
        ("GET", "/api/facets"),
        ("GET", "/api/entries"),
        ("GET", "/"),
        ("POST", "/reponses/abc/avis"),
        ("GET", "/api/entries/abc/feedback"),
    ],
)
def test_no_other_route_ever_answers_cross_origin(partner: TestClient, method: str, path: str) -> None:
    response = partner.request(method, path, headers={"Origin": PARTNER})
    preflight = partner.options(path, headers={"Origin": PARTNER, "Access-Control-Request-Method": method})

    assert cors_headers(response) == {} and cors_headers(preflight) == {}
    assert preflight.status_code != 204


def test_without_the_setting_no_response_carries_a_cors_header(client: TestClient) -> None:
    asked = client.get("/api/ask", params={"q": ECPS_QUESTION}, headers={"Origin": PARTNER})
    preflight = client.options(
        "/api/entries/abc/feedback", headers={"Origin": PARTNER, "Access-Control-Request-Method": "POST"}
    )

    assert cors_headers(asked) == {} and "vary" not in asked.headers
    assert preflight.status_code == 405 and cors_headers(preflight) == {}


def test_widget_searches_count_against_the_portals_rate_limit_and_read_the_429(partner: TestClient) -> None:
    statuses = [partner.get("/api/ask", params={"q": "carte CPS"}, headers={"Origin": PARTNER}) for _ in range(3)]
    assert [response.status_code for response in statuses] == [200, 200, 200]
    portal = partner.get("/", params={"q": "carte CPS"}, headers={"Accept": "text/html"})  # one allowance for both

    refused = partner.get("/api/ask", params={"q": "carte CPS"}, headers={"Origin": PARTNER})

    assert portal.status_code == 429 and refused.status_code == 429
    assert refused.headers["access-control-allow-origin"] == PARTNER  # so that the widget shows why
    assert "Trop de demandes" in refused.json()["error"]["message"]


# Any byte a header may carry (not CR or LF), the allowed values and near misses among them.
header_bytes = st.binary(max_size=120).map(lambda raw: raw.replace(b"\r", b"").replace(b"\n", b""))
origins = st.one_of(st.sampled_from([origin.encode() for origin in ORIGINS]), header_bytes,
                    st.sampled_from(ORIGINS).map(lambda origin: origin.encode() + b"\x00"))  # fmt: skip


@FUZZ
@given(origin=origins, method=st.one_of(st.just(b"POST"), header_bytes))
def test_hostile_origin_and_preflight_headers_get_no_cors_and_no_5xx(widget_app, origin: bytes, method: bytes) -> None:  # type: ignore[no-untyped-def]
    for client in client_at(widget_app, "198.51.100.252"):
        headers = {"Origin": origin, "Access-Control-Request-Method": method}
        preflight = client.options("/api/entries/abc/feedback", headers=headers)
        read = client.get("/api/entries/abc", headers={"Origin": origin})

        allowed = origin.decode("latin-1") in ORIGINS
        method_ok = method == b"POST"
        assert preflight.status_code == (204 if allowed and method_ok else 403)
        assert read.status_code == 404
        assert read.headers.get("access-control-allow-origin") == (origin.decode("latin-1") if allowed else None)
        assert (preflight.headers.get("access-control-allow-origin") is not None) == (allowed and method_ok)


# ------------------------------------------------------------------------------------------------ the vote


def test_a_widget_vote_counts_with_the_question_of_its_search(partner: TestClient) -> None:
    db = service_of(partner.app).db
    entry_id, token = ecps_entry(partner)

    voted = partner.post(
        f"/api/entries/{entry_id}/feedback",
        json={"helpful": True, "search_token": token},
        headers={"Origin": PARTNER, "Sec-Fetch-Site": "cross-site"},  # as a browser sends it from the partner's page
    )

    assert voted.status_code == 201 and voted.headers["access-control-allow-origin"] == PARTNER
    assert voted.json()["query"] == ECPS_QUESTION
    assert (True, ECPS_QUESTION) in votes_on(db, entry_id)
    with db.session() as session:
        logged = session.scalars(select(QueryLog).where(QueryLog.query == ECPS_QUESTION).order_by(QueryLog.id)).all()
    assert logged[-1].channel == "widget"  # a partner page's question, told apart in the log


def test_a_widget_visitor_has_one_vote_per_answer_like_a_portal_visitor(partner: TestClient) -> None:
    db = service_of(partner.app).db
    entry_id, token = ecps_entry(partner)
    before = len(votes_on(db, entry_id))
    url = f"/api/entries/{entry_id}/feedback"

    for helpful in (True, False):
        assert (
            partner.post(url, json={"helpful": helpful, "search_token": token}, headers={"Origin": PARTNER}).status_code
            == 201
        )

    assert len(votes_on(db, entry_id)) == before + 1  # the second replaced the first
    assert votes_on(db, entry_id)[-1] == (False, ECPS_QUESTION)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"helpful": True}, 403),  # no search: a page could vote for any answer
        ({"helpful": True, "query": ECPS_QUESTION}, 403),  # a question it claims, not one it asked
        ({"helpful": True, "search_token": "1.00000000000000000000000000000000"}, 403),  # forged
        ({"helpful": True, "search_token": "x" * 65}, 422),
    ],
)
def test_a_widget_vote_without_its_own_search_is_refused(
    partner: TestClient, body: dict[str, object], status: int
) -> None:
    entry_id, _ = ecps_entry(partner)
    refused = partner.post(f"/api/entries/{entry_id}/feedback", json=body, headers={"Origin": PARTNER})

    assert refused.status_code == status
    assert refused.headers["access-control-allow-origin"] == PARTNER
    assert refused.json()["error"]["message"]


def test_a_search_token_is_good_for_its_client_and_its_answers_only(widget_app, partner: TestClient) -> None:  # type: ignore[no-untyped-def]
    entry_id, token = ecps_entry(partner)
    url = f"/api/entries/{entry_id}/feedback"
    shown = {hit["id"] for hit in partner.get("/api/ask", params={"q": ECPS_QUESTION, "top_k": 3}).json()["results"]}
    listing = partner.get("/api/entries", params={"per_page": 50}).json()["items"]
    not_shown = next(item["id"] for item in listing if item["id"] not in shown)

    for stranger in client_at(widget_app, "198.51.100.253"):  # another visitor replays the token
        replayed = stranger.post(url, json={"helpful": True, "search_token": token}, headers={"Origin": PARTNER})
        assert replayed.status_code == 403
    other_answer = partner.post(
        f"/api/entries/{not_shown}/feedback", json={"helpful": True, "search_token": token}, headers={"Origin": PARTNER}
    )
    both = partner.post(url, json={"helpful": True, "search_token": token, "query": "autre chose"})

    assert other_answer.status_code == 403
    assert both.status_code == 400


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_page_of_another_site_cannot_make_its_visitors_vote(partner: TestClient, site: str) -> None:
    db = service_of(partner.app).db
    entry_id, _ = ecps_entry(partner)
    before = votes_on(db, entry_id)
    sent_by = {"Sec-Fetch-Site": site, "Origin": STRANGER}

    # Neither needs a preflight: a fetch whose body is not declared JSON, and a form.
    api = partner.post(f"/api/entries/{entry_id}/feedback", content=b'{"helpful": true}', headers=sent_by)
    form = partner.post(
        f"/reponses/{entry_id}/avis",
        data={"utile": "oui"},
        headers={**sent_by, "Accept": "text/html"},
        follow_redirects=False,
    )

    assert api.status_code == 422  # the API reads a body declared JSON only, which takes a preflight
    assert form.status_code == 403 and "page partenaire autorisée" in form.text
    assert votes_on(db, entry_id) == before


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_page_of_another_site_cannot_post_questions_through_its_visitors(partner: TestClient, site: str) -> None:
    db = service_of(partner.app).db
    question = f"Question postée par une page d'un autre site ({site}) ?"
    form = partner.post(
        "/question",
        data={"question": question},
        headers={"Sec-Fetch-Site": site, "Origin": STRANGER, "Accept": "text/html"},
        follow_redirects=False,
    )
    portal = partner.post(
        "/question", data={"question": question}, headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False
    )

    assert form.status_code == 403 and "formulaire de la FAQ" in form.text
    assert portal.status_code == 303
    with db.session() as session:
        stored = session.scalars(select(SubmittedQuestion.question).where(SubmittedQuestion.question == question)).all()
    assert stored == [question]  # the portal's own post, once


def test_the_portal_still_votes_without_a_token(partner: TestClient) -> None:
    entry_id, _ = ecps_entry(partner)
    host = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}  # portal.js
    form = partner.post(f"/reponses/{entry_id}/avis", data={"utile": "oui"}, headers=host, follow_redirects=False)

    assert partner.post(f"/api/entries/{entry_id}/feedback", json={"helpful": True}, headers=host).status_code == 201
    assert form.status_code == 303


# ------------------------------------------------------------------------------------------------ script and page


def test_the_script_is_cached_an_hour_and_revalidated(client: TestClient) -> None:
    script = client.get("/widget.js")

    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.headers["cache-control"] == "public, max-age=3600"
    assert script.text == (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    again = client.get("/widget.js", headers={"If-None-Match": script.headers["etag"]})
    assert (
        again.status_code == 304 and again.content == b"" and again.headers["cache-control"] == "public, max-age=3600"
    )


def test_the_script_builds_everything_with_dom_calls_and_sends_no_cookie() -> None:
    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")

    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script)
    assert script.count("fetch(") == script.count('credentials: "omit"') == 2


def test_the_embed_page_shows_the_snippet_under_the_request_address(client: TestClient) -> None:
    page = client.get("/integrer", headers={"Accept": "text/html"})

    assert page.status_code == 200
    assert '<code>&lt;script src="http://testserver/widget.js" async&gt;&lt;/script&gt;</code>' in page.text
    assert '&lt;script src="http://testserver/widget.js" data-produit="e_cps" async&gt;' in page.text
    assert '<script src="/widget.js" async></script>' in page.text  # the live preview
    assert "<code>data-type-offre</code>" in page.text and "<code>e_cps</code> : e-CPS et carte CPS" in page.text
    assert '<a href="/integrer">Intégrer la recherche</a>' in client.get("/", headers={"Accept": "text/html"}).text


def test_the_embed_page_names_the_public_address_when_one_is_set(client: TestClient) -> None:
    service = service_of(client.app)
    original = service.settings
    service.settings = original.model_copy(update={"public_url": PUBLIC_URL + "/"})
    try:
        page = client.get("/integrer", headers={"Accept": "text/html"}).text
    finally:
        service.settings = original

    assert f"{PUBLIC_URL}/widget.js" in page and "testserver/widget.js" not in page
