"""Whatever is sent, the API answers with a documented status and the error shape, never a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["helpful", "comment", "query", "question", "email", "x"]), inner, max_size=4),
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
    assert_documented(client.post(f"/api/entries/{entry_id}/feedback", json=body), 201, 400, 404, 422)


@FUZZ
@given(body=JSON)
def test_any_submitted_question_body(client: TestClient, body: object) -> None:
    assert_documented(client.post("/api/questions", json=body), 201, 400, 422)


@FUZZ
@given(section=st.text(max_size=40), page=st.integers(-2, 50), per_page=st.integers(-2, 150))
def test_any_listing(client: TestClient, section: str, page: int, per_page: int) -> None:
    response = client.get("/api/entries", params={"section": section, "page": page, "per_page": per_page})
    assert_documented(response, 200, 404, 422)
