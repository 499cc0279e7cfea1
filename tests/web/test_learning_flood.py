"""One address voting « utile » again and again, with a new User-Agent or without its cookie each time, counts
once toward a suggestion, and no vote makes the workers reload their index (#19.7)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from faqsante.feedback.suggestions import list_suggestions
from faqsante.store import Database
from faqsante.web.deps import service_of

from .conftest import ECPS_QUESTION


def test_new_user_agents_from_one_address_count_once_and_nothing_reloads(app_client: TestClient) -> None:
    db: Database = service_of(app_client.app).db
    asked = app_client.get("/api/ask", params={"q": ECPS_QUESTION}).json()
    assert not asked["abstained"]
    entry_id = asked["results"][0]["id"]
    version = app_client.get("/healthz").json()["data_version"]

    for n in range(8):  # a script that changes its User-Agent (and keeps no cookie) for every vote
        voted = app_client.post(
            f"/api/entries/{entry_id}/feedback",
            json={"helpful": True, "query": ECPS_QUESTION},
            headers={"user-agent": f"robot/{n}"},
        )
        assert voted.status_code == 201

    assert [(s.question.text, s.question.asked_count) for s in list_suggestions(db, entry_ids=[entry_id])] == [
        (ECPS_QUESTION, 1)
    ]
    assert app_client.get("/healthz").json()["data_version"] == version


def test_a_search_the_faq_could_not_answer_teaches_nothing(app_client: TestClient) -> None:
    db: Database = service_of(app_client.app).db
    question = "Comment organiser le repas de Noël des résidents avec un traiteur ?"
    asked = app_client.get("/api/ask", params={"q": question}).json()
    assert asked["abstained"] and asked["results"]

    voted = app_client.post(
        f"/api/entries/{asked['results'][0]['id']}/feedback", json={"helpful": True, "query": question}
    )

    assert voted.status_code == 201
    assert question not in [s.question.text for s in list_suggestions(db)]
