"""The JSON API on the real seed: answers, entries, votes, submitted questions, and errors that are never 500s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from faqsante.cli import app as cli
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.models import Entry, Feedback, QueryLog, SubmittedQuestion
from faqsante.web.app import create_app
from faqsante.web.deps import service_of

from .conftest import ECPS_QUESTION, SAMPLE_DIR, mail_on, web_settings


def assert_error(response, status: int, code: str) -> str:
    """The one error shape; returns its (French) message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and "Traceback" not in error["message"]
    return error["message"]


def twelve_digit_entries(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(Entry.id).where(Entry.answer.contains("12 chiffres"))))


def test_ask_answers_with_the_twelve_digit_entry(client: TestClient, app_db: Database) -> None:
    response = client.get("/api/ask", params={"q": ECPS_QUESTION, "top_k": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == ECPS_QUESTION
    assert len(data["results"]) <= 3
    assert data["results"][0]["id"] in twelve_digit_entries(app_db)
    assert {"id", "question", "answer", "section", "sources", "score", "confidence"} <= set(data["results"][0])
    for hit in data["results"]:  # the passages that answer, as offsets into the answer
        assert hit["spans"] and all(0 <= span["start"] < span["end"] <= len(hit["answer"]) for span in hit["spans"])
    first = data["results"][0]["spans"][0]
    assert "12 chiffres" in data["results"][0]["answer"][first["start"] : first["end"]]


def test_ask_returns_the_object_of_the_command_line(
    client: TestClient, app_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQSANTE_EMBEDDER", "none")
    printed = CliRunner().invoke(cli, ["ask", "--json", "-k", "5", "--db", app_db.url, ECPS_QUESTION])
    assert printed.exit_code == 0, printed.output
    assert client.get("/api/ask", params={"q": ECPS_QUESTION, "top_k": 5}).json() == json.loads(printed.stdout)


def test_every_question_is_logged_with_what_was_shown(client: TestClient, app_db: Database) -> None:
    data = client.get("/api/ask", params={"q": "mot de passe ViaTrajectoire oublié", "top_k": 4}).json()
    with app_db.session() as session:
        row = session.scalars(select(QueryLog).order_by(QueryLog.id.desc()).limit(1)).one()
    assert row.query == data["query"]
    assert row.channel == "api"
    assert row.result_ids == [hit["id"] for hit in data["results"]]
    assert row.abstained == data["abstained"]
    assert row.top_confidence == pytest.approx(data["results"][0]["confidence"])
    assert row.latency_ms > 0


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"q": ""}, 400, "invalid_query"),
        ({"q": "   "}, 400, "invalid_query"),
        ({"q": "e-cps " * 100}, 400, "invalid_query"),
        ({}, 422, "validation_error"),
        ({"q": "e-cps", "top_k": 0}, 422, "validation_error"),
        ({"q": "e-cps", "top_k": "beaucoup"}, 422, "validation_error"),
    ],
)
def test_bad_questions_get_a_clear_error(client: TestClient, params: dict, status: int, code: str) -> None:
    message = assert_error(client.get("/api/ask", params=params), status, code)
    assert any(word in message for word in ("question", "top_k", "Demande"))


def test_entries_are_paginated_and_filtered_by_section(client: TestClient, app_db: Database) -> None:
    with app_db.session() as session:
        published = session.scalar(select(func.count()).select_from(Entry).where(Entry.status == "published"))
    first = client.get("/api/entries", params={"per_page": 50}).json()
    second = client.get("/api/entries", params={"per_page": 50, "page": 2}).json()
    assert first["total"] == published and first["pages"] == -(-published // 50)
    assert len(first["items"]) == 50
    assert not {item["id"] for item in first["items"]} & {item["id"] for item in second["items"]}

    sections = client.get("/api/sections").json()
    mssante = next(section for section in sections if section["name"] == "MSSanté")
    listed = client.get("/api/entries", params={"section": "MSSanté", "per_page": 100}).json()
    assert listed["total"] == mssante["count"] == len(listed["items"])
    assert {item["section"] for item in listed["items"]} == {"MSSanté"}


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"section": "Rubrique qui n'existe pas"}, 404, "not_found"),
        ({"page": 1000}, 404, "not_found"),
        ({"page": 0}, 422, "validation_error"),
        ({"per_page": 101}, 422, "validation_error"),
    ],
)
def test_bad_listing_parameters(client: TestClient, params: dict, status: int, code: str) -> None:
    assert_error(client.get("/api/entries", params=params), status, code)


def test_an_entry_comes_with_related_entries(client: TestClient, app_db: Database) -> None:
    entry_id = sorted(twelve_digit_entries(app_db))[0]
    data = client.get(f"/api/entries/{entry_id}").json()
    assert data["id"] == entry_id and "12 chiffres" in data["answer"]
    assert data["sources"]
    assert 0 < len(data["related"]) <= 5
    assert entry_id not in {item["id"] for item in data["related"]}
    assert set(data["related"][0]) == {"id", "question", "answer", "section", "sources", "title", "url"}


def test_unknown_entry(client: TestClient) -> None:
    message = assert_error(client.get("/api/entries/inconnue"), 404, "not_found")
    assert "inconnue" in message


def vote_count(db: Database, entry_id: str) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Feedback).where(Feedback.entry_id == entry_id))


def test_a_later_vote_replaces_the_earlier_one(client: TestClient, app_db: Database) -> None:
    entry_id = sorted(twelve_digit_entries(app_db))[0]
    url = f"/api/entries/{entry_id}/feedback"
    first = client.post(url, json={"helpful": True, "query": ECPS_QUESTION})
    assert first.status_code == 201
    assert first.json() == {"entry_id": entry_id, "helpful": True, "comment": None, "query": ECPS_QUESTION}
    second = client.post(url, json={"helpful": False, "comment": "Il manque le format exact."})
    assert second.status_code == 201
    assert vote_count(app_db, entry_id) == 1
    with app_db.session() as session:
        vote = session.scalars(select(Feedback).where(Feedback.entry_id == entry_id)).one()
    assert (vote.helpful, vote.comment, vote.query) == (False, "Il manque le format exact.", None)
    assert len(vote.visitor) == 64  # a hash: neither the address nor the cookie is stored

    # Another browser (another visitor cookie) votes on its own.
    client.cookies.set("faqsante_visiteur", "un-autre-navigateur-0123456789")
    assert client.post(url, json={"helpful": True}).status_code == 201
    assert vote_count(app_db, entry_id) == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"helpful": "peut-être"}, 422, "validation_error"),
        ({}, 422, "validation_error"),
        ({"helpful": True, "note": 5}, 422, "validation_error"),
        ({"helpful": False, "comment": "x" * 2001}, 400, "invalid_input"),
        (["helpful"], 422, "validation_error"),
    ],
)
def test_malformed_votes(client: TestClient, app_db: Database, body: object, status: int, code: str) -> None:
    entry_id = sorted(twelve_digit_entries(app_db))[0]
    before = vote_count(app_db, entry_id)
    assert_error(client.post(f"/api/entries/{entry_id}/feedback", json=body), status, code)
    assert vote_count(app_db, entry_id) == before


def test_votes_on_unknown_entries_and_broken_json(client: TestClient, app_db: Database) -> None:
    assert_error(client.post("/api/entries/inconnue/feedback", json={"helpful": True}), 404, "not_found")
    entry_id = sorted(twelve_digit_entries(app_db))[0]
    broken = client.post(
        f"/api/entries/{entry_id}/feedback", content=b'{"helpful": tr', headers={"content-type": "application/json"}
    )
    assert "JSON invalide" in assert_error(broken, 422, "validation_error")


def submitted(db: Database, question_id: int) -> tuple[str, str | None]:
    with db.session() as session:
        row = session.get(SubmittedQuestion, question_id)
        return row.question, row.email


def test_submitted_questions_are_queued_with_the_address_to_reply_to(client: TestClient, app_db: Database) -> None:
    with mail_on(client.app):
        response = client.post(
            "/api/questions", json={"question": "Comment renouveler ma carte CPS ?", "email": "a.b@exemple.fr"}
        )
    assert response.status_code == 201
    created = response.json()
    assert created["status"] == "open" and created["reply_by_mail"] is True
    assert "Vous recevrez un e-mail" in created["message"]
    assert submitted(app_db, created["id"]) == ("Comment renouveler ma carte CPS ?", "a.b@exemple.fr")


def test_without_mail_configured_the_address_is_not_kept_and_the_visitor_is_told(
    client: TestClient, app_db: Database
) -> None:
    response = client.post("/api/questions", json={"question": "Et ma carte CPS expirée ?", "email": "a.b@exemple.fr"})
    assert response.status_code == 201
    created = response.json()
    assert created["reply_by_mail"] is False
    assert "Aucune réponse ne vous sera envoyée par e-mail" in created["message"]
    assert "adresse n'a pas été conservée" in created["message"]
    assert submitted(app_db, created["id"]) == ("Et ma carte CPS expirée ?", None)
    anonymous = client.post("/api/questions", json={"question": "Et sans adresse ?"}).json()
    assert anonymous["reply_by_mail"] is False and "adresse" not in anonymous["message"]
    assert "Aucune réponse ne vous sera envoyée par e-mail" in anonymous["message"]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"question": "  "}, 400, "invalid_input", "question"),
        ({"question": "x" * 501}, 400, "invalid_input", "question"),
        ({"question": "Et la CPS ?", "email": "pas-une-adresse"}, 400, "invalid_input", "email"),
        ({"question": "x", "email": "=?utf-8?q?x=0D=0ABcc:z?=@x.fr"}, 400, "invalid_input", "email"),  # #19.1
        ({"question": "x", "email": "postmaster,victim@evil.example"}, 400, "invalid_input", "email"),  # #19.4
        ({"email": "a@b.fr"}, 422, "validation_error", "question"),
    ],
)
def test_bad_submitted_questions(client: TestClient, body: dict, status: int, code: str, field: str) -> None:
    response = client.post("/api/questions", json=body)
    assert_error(response, status, code)
    assert response.json()["error"]["fields"][0]["field"] == field


def test_health_openapi_and_offline_docs(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/ask",
        "/api/entries",
        "/api/entries/{entry_id}",
        "/api/entries/{entry_id}/feedback",
        "/api/questions",
    } <= set(paths)
    assert "422" in paths["/api/ask"]["get"]["responses"]
    docs = client.get("/docs").text
    assert "//cdn" not in docs and "https://" not in docs and "<script>" not in docs
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/docs.js").status_code == 200


def test_unexpected_failures_are_a_generic_500(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service_of(client.app).engine, "ask", explode)
    message = assert_error(client.get("/api/ask", params={"q": "e-cps"}), 500, "internal_error")
    assert "secret" not in message
    page = client.get("/?q=e-cps", headers={"accept": "text/html"})
    assert page.status_code == 500 and "secret" not in page.text and 'lang="fr"' in page.text


def test_round_trip_on_both_databases(db_url: str, tmp_path: Path) -> None:
    """Ask, vote twice, submit a question: on SQLite and on PostgreSQL."""
    db = Database(db_url)
    ingest_paths(db, [SAMPLE_DIR])
    with TestClient(create_app(web_settings(db_url, tmp_path / "index")), raise_server_exceptions=False) as client:
        hit = client.get("/api/ask", params={"q": ECPS_QUESTION}).json()["results"][0]
        assert "12 chiffres" in hit["answer"]
        url = f"/api/entries/{hit['id']}/feedback"
        assert client.post(url, json={"helpful": True}).status_code == 201
        assert client.post(url, json={"helpful": False, "comment": "Incomplet"}).status_code == 201
        assert client.post("/api/questions", json={"question": "Et la carte CPS ?"}).status_code == 201
        assert client.get("/api/entries", params={"page": 2}).json()["page"] == 2
    with db.session() as session:
        votes = session.scalars(select(Feedback)).all()
        assert [(vote.entry_id, vote.helpful, vote.comment) for vote in votes] == [(hit["id"], False, "Incomplet")]
        assert session.scalar(select(func.count()).select_from(SubmittedQuestion)) == 1
        assert session.scalar(select(func.count()).select_from(QueryLog)) == 1
    db.dispose()


def test_nul_characters_never_reach_the_database_as_errors(db_url: str, tmp_path: Path) -> None:
    """PostgreSQL refuses NUL in text: ids, sections and texts that carry one are answered like any other."""
    db = Database(db_url)
    ingest_paths(db, [SAMPLE_DIR])
    db.dispose()
    with TestClient(create_app(web_settings(db_url, tmp_path / "index")), raise_server_exceptions=False) as client:
        assert_error(client.get("/api/entries/a%00b"), 404, "not_found")
        assert_error(client.get("/api/entries", params={"section": "a\x00b"}), 404, "not_found")
        assert_error(client.post("/api/entries/a%00b/feedback", json={"helpful": True}), 404, "not_found")
        assert client.get("/api/ask", params={"q": "e-cps\x00"}).status_code == 200
        assert client.post("/api/questions", json={"question": "a\x00b ?"}).status_code == 201
        assert client.get("/reponses/a%00b", params={"from": 1}, headers={"accept": "text/html"}).status_code == 404
