"""Whatever is sent, the API answers with a documented status and the error shape, never a 500."""

from __future__ import annotations

import json
from urllib.parse import quote_from_bytes

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["helpful", "comment", "query", "search_token", "question", "email", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=8,
)


def assert_documented(response, *allowed: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in allowed, response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}


@FUZZ
@given(q=st.text(max_size=600), top_k=st.one_of(st.integers(-5, 200), st.text(max_size=3)))
def test_any_question(client: TestClient, q: str, top_k: object) -> None:
    assert_documented(client.get("/api/ask", params={"q": q, "top_k": top_k}), 200, 400, 422)


@FUZZ
@given(entry_id=st.sampled_from(["627b0cbf71bb", "inconnue", "%00", "é" * 40]), body=JSON)
def test_any_vote_body(client: TestClient, entry_id: str, body: object) -> None:
    assert_documented(client.post(f"/api/entries/{entry_id}/feedback", json=body), 201, 400, 403, 404, 422)


@FUZZ
@given(body=JSON)
def test_any_submitted_question_body(client: TestClient, body: object) -> None:
    assert_documented(client.post("/api/questions", json=body), 201, 400, 422)


@FUZZ
@given(section=st.text(max_size=40), page=st.integers(-2, 50), per_page=st.integers(-2, 150))
def test_any_listing(client: TestClient, section: str, page: int, per_page: int) -> None:
    response = client.get("/api/entries", params={"section": section, "page": page, "per_page": per_page})
    assert_documented(response, 200, 404, 422)


# Any code point, lone surrogates included (a JSON "\ud800" escape carries one), at sizes from empty to
# far beyond every limit; and raw bytes for forms (percent-encoded, valid UTF-8 or not).
ANY_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.text(st.characters(exclude_categories=()), min_size=450, max_size=3000),
)
URL_TEXT = st.text(max_size=700)  # what a URL can carry: surrogates cannot be percent-encoded
ANY_INT = st.one_of(st.integers(), st.integers(-3, 3), st.text("0123456789-", max_size=40))
ANY_BYTES = st.binary(max_size=600)
PAGE_OR_API = ["/", "/api/ask", "/api/facets", "/reponses", "/api/entries", "/question"]


def assert_no_server_error(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400 and response.headers["content-type"].startswith("application/json"):
        assert set(response.json()["error"]) >= {"code", "message"}


def raw_json(body: object) -> bytes:
    """JSON as a hostile client may send it: lone surrogates escaped, never refused by the encoder."""
    return json.dumps(body, ensure_ascii=True).encode()


@FUZZ
@given(path=st.sampled_from(PAGE_OR_API), q=URL_TEXT, number=ANY_INT, filters=st.lists(URL_TEXT, max_size=3))
def test_any_query_string_on_pages_and_api(
    client: TestClient, path: str, q: str, number: object, filters: list[str]
) -> None:
    params = {"q": q, "suite": number, "page": number, "top_k": number, "per_page": number, "produit": filters}
    assert_no_server_error(client.get(path, params=params, headers={"accept": "text/html"}))
    assert_no_server_error(client.get(path, params={**params, "partiel": "1"}))


@FUZZ
@given(entry_id=st.sampled_from(["627b0cbf71bb", "inconnue", "%00", "..%2F..%2Fetc"]), origin=ANY_INT, q=URL_TEXT)
def test_any_answer_page(client: TestClient, entry_id: str, origin: object, q: str) -> None:
    assert_no_server_error(
        client.get(f"/reponses/{entry_id}", params={"from": origin, "q": q}, headers={"accept": "text/html"})
    )


@FUZZ
@given(
    question=ANY_TEXT,
    email=st.one_of(st.none(), ANY_TEXT),
    comment=ANY_TEXT,
    helpful=st.one_of(st.booleans(), ANY_TEXT),
)
def test_any_unicode_in_json_bodies(
    client: TestClient, question: str, email: str | None, comment: str, helpful: object
) -> None:
    headers = {"content-type": "application/json"}
    body = raw_json({"question": question, "email": email})
    assert_no_server_error(client.post("/api/questions", content=body, headers=headers))
    vote = raw_json({"helpful": helpful, "comment": comment, "query": question})
    assert_no_server_error(client.post("/api/entries/627b0cbf71bb/feedback", content=vote, headers=headers))


@FUZZ
@given(
    fields=st.dictionaries(st.sampled_from(["utile", "commentaire", "q", "question", "email"]), ANY_BYTES, max_size=5)
)
def test_any_bytes_in_forms(client: TestClient, fields: dict[str, bytes]) -> None:
    body = "&".join(f"{name}={quote_from_bytes(value)}" for name, value in fields.items()).encode()
    headers = {"content-type": "application/x-www-form-urlencoded", "accept": "text/html"}
    assert_no_server_error(
        client.post("/reponses/627b0cbf71bb/avis", content=body, headers=headers, follow_redirects=False)
    )
    assert_no_server_error(client.post("/question", content=body, headers=headers, follow_redirects=False))
