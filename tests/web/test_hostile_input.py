"""Hostile input is normal input: out-of-range numbers and unencodable text get a French 422, never a 5xx.

Both databases answer alike because the bounds are checked before any query (faqsante.web.params):
PostgreSQL's INTEGER ends at 2**31 - 1, SQLite's at 2**63 - 1, and neither can store a lone surrogate.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from faqsante.accounts import create_user
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.models import Feedback, QueryLog, SubmittedQuestion
from faqsante.web.app import create_app
from faqsante.web.params import MAX_PAGE, MAX_ROW_ID

from .conftest import SAMPLE_DIR, web_settings
from .test_admin import HTML, PASSWORD, sign_in, token_of

HUGE = "9" * 20  # beyond both databases' integers
ENTRY_ID = "627b0cbf71bb"


@pytest.fixture
def hostile_client(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = Database(db_url)
    ingest_paths(db, [SAMPLE_DIR])
    with TestClient(create_app(web_settings(db_url, tmp_path / "index")), raise_server_exceptions=False) as client:
        yield client, db
    db.dispose()


def _refused(response, field: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.text
    if response.headers["content-type"].startswith("application/json"):
        message = response.json()["error"]["message"]
    else:
        message = response.text
    assert field in message
    return message


def test_out_of_range_ids_and_pages_are_a_422_on_both_databases(hostile_client) -> None:  # type: ignore[no-untyped-def]
    client, db = hostile_client
    for value in (str(MAX_ROW_ID + 1), HUGE):
        # suite and from name a query-log row through a visitor's token (web/query_links.py): any other value is ignored
        assert client.get("/", params={"q": "carte", "suite": value}).status_code == 200
        assert client.get(f"/reponses/{ENTRY_ID}", params={"from": value}).status_code == 200
        for path in ("/api/entries", "/reponses"):
            _refused(client.get(path, params={"page": value}), "page")
    assert client.get("/reponses", params={"page": MAX_PAGE}).status_code == 404  # in range, past the end
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(QueryLog)) == 2


def test_an_out_of_range_page_or_id_in_the_workspace_is_a_422_on_both_databases(hostile_client) -> None:  # type: ignore[no-untyped-def]
    client, db = hostile_client
    create_user(db, "marie", PASSWORD)
    assert sign_in(client).status_code == 303
    for value in (str(MAX_ROW_ID + 1), HUGE):
        _refused(client.get("/admin/entrees", params={"page": value}, headers=HTML), "page")
        form = {"csrf_token": token_of(client.get("/admin/entrees", headers=HTML).text), "revision": value}
        _refused(
            client.post(f"/admin/entrees/{ENTRY_ID}", data={**form, "reponse": "Texte."}, headers=HTML), "revision"
        )
        _refused(client.post(f"/admin/questions/{value}/ecarter", data=form, headers=HTML), "question_id")
    assert client.get("/admin/entrees", params={"page": MAX_PAGE}, headers=HTML).status_code == 200  # an empty page


def test_a_lone_surrogate_in_a_question_or_a_vote_is_a_422_and_stores_nothing(hostile_client) -> None:  # type: ignore[no-untyped-def]
    client, db = hostile_client
    json = {"content-type": "application/json"}
    question = client.post("/api/questions", content=b'{"question": "Et la carte \\ud800 ?"}', headers=json)
    assert "U+D800" in _refused(question, "question")
    vote = b'{"helpful": false, "comment": "\\udfff incomplet"}'
    _refused(client.post(f"/api/entries/{ENTRY_ID}/feedback", content=vote, headers=json), "comment")
    _refused(
        client.post(
            f"/api/entries/{ENTRY_ID}/feedback", content=b'{"helpful": true, "query": "\\ud83d"}', headers=json
        ),
        "query",
    )
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SubmittedQuestion)) == 0
        assert session.scalar(select(func.count()).select_from(Feedback)) == 0
    paired = client.post("/api/questions", content=b'{"question": "Et la carte \\ud83d\\ude00 ?"}', headers=json)
    assert (
        paired.status_code == 201 and paired.json()["question"] == "Et la carte \U0001f600 ?"
    )  # a whole pair is a character


FORM = {"content-type": "application/x-www-form-urlencoded", "accept": "text/html"}


@pytest.mark.parametrize(
    ("path", "body", "headers", "french"),
    [
        ("/api/questions", b"[" * 100_000, {"content-type": "application/json"}, "illisible"),
        (
            "/api/questions",
            '{"question": "Et l\'été ?"}'.encode("latin-1"),
            {"content-type": "application/json"},
            "illisible",
        ),
        ("/question", b"question=" + b"a" * 1_100_000, FORM, "Un champ dépasse la taille maximale (1024 Ko)"),
        ("/question", b"&".join(b"x%d=1" % n for n in range(1001)), FORM, "Trop de champs (1000 au plus)"),
        ("/question", b"question=x", {**FORM, "content-type": "multipart/form-data"}, "Formulaire mal formé"),
    ],
    ids=["json-too-deep", "json-not-utf8", "field-over-1-mb", "too-many-fields", "multipart-without-boundary"],
)
def test_a_body_that_cannot_be_read_gets_a_french_400(
    client: TestClient, path: str, body: bytes, headers: dict, french: str
) -> None:
    response = client.post(path, content=body, headers=headers, follow_redirects=False)
    assert response.status_code == 400
    message = response.json()["error"]["message"] if path.startswith("/api/") else response.text
    assert french in message, message[:500]
