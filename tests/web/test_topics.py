"""Short queries on the portal and /api/ask (#12.2): a topic lists its answers; an off-topic question gets an
honest notice and three « réponses proches » at most.

The seed is tagged here (keyword rules, ``embedder="none"``) on a copy of the web tests' seeded database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from faqsante.facets import retag
from faqsante.store import Database
from faqsante.store.models import QueryLog
from faqsante.web.app import create_app
from faqsante.web.deps import service_of

from .conftest import ECPS_QUESTION, copy_sqlite, web_settings

HTML = {"accept": "text/html"}
OFF_TOPIC = "recette de la tarte aux pommes de ma grand-mère"


@pytest.fixture(scope="module")
def client(seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("topics-web")
    url = copy_sqlite(seed_template, folder / "faqsante.db")
    db = Database(url)
    retag(db, web_settings(url, folder / "index"))
    db.dispose()
    with TestClient(create_app(web_settings(url, folder / "index"))) as client:
        yield client


@pytest.mark.parametrize("query", ["INS", "DMP", "ROR"])
def test_an_acronym_lists_its_topic_instead_of_no_answer(client: TestClient, query: str) -> None:
    page = client.get("/", params={"q": query}, headers=HTML).text
    assert "Pas de réponse sûre" not in page
    heading = re.search(r'<h2 id="sujet-titre">([^<]*) : (\d+) réponses</h2>', page)
    assert heading and query in heading.group(1)
    links = re.findall(
        r'class="titre-resultat" href="/reponses/(\w+)/[\w-]+\?from=([\w.]+)(?:&amp;passage=\d+-\d+)?"', page
    )
    assert 0 < len(links) <= 10
    if int(heading.group(2)) > 10:
        assert f'href="/reponses?produit={query.lower()}">Voir les {heading.group(2)} réponses' in page


def test_the_api_carries_the_same_topic(client: TestClient) -> None:
    answer = client.get("/api/ask", params={"q": "INS", "top_k": 5}).json()
    topic = answer["topic"]
    assert (
        topic["kind"] == "filtre"
        and topic["filters"] == {"produit": ["ins"]}
        and topic["url"] == "/reponses?produit=ins"
    )
    assert len(topic["results"]) == 5 and topic["total"] > 5
    assert {"id", "question", "answer", "section", "sources"} <= set(topic["results"][0])  # the entry shape
    assert client.get("/api/ask", params={"q": ECPS_QUESTION}).json()["topic"] is None


def test_a_click_on_a_topic_answer_is_logged_as_shown(client: TestClient) -> None:
    page = client.get("/", params={"q": "DMP"}, headers=HTML).text
    entry_id, token, log_id = re.findall(
        r'href="/reponses/(\w+)/[\w-]+\?from=((\d+)\.\w+)(?:&amp;passage=\d+-\d+)?"', page
    )[0]
    client.get(f"/reponses/{entry_id}", params={"from": token}, headers=HTML)
    with service_of(client.app).db.session() as session:
        row = session.scalars(select(QueryLog).where(QueryLog.id == int(log_id))).one()
    assert row.clicked_entry_id == entry_id and not row.abstained and entry_id in row.result_ids


def test_a_glossary_topic_has_its_own_listing(client: TestClient) -> None:
    page = client.get("/", params={"q": "FINESS"}, headers=HTML).text
    assert '<h2 id="sujet-titre">FINESS : ' in page
    listing = client.get("/reponses", params={"sujet": "FINESS"}, headers=HTML)
    assert listing.status_code == 200 and "<h1>FINESS</h1>" in listing.text
    assert "fichier national des établissements sanitaires et sociaux" in listing.text
    assert client.get("/reponses", params={"sujet": "<b>rien</b>"}, headers=HTML).status_code == 404


def test_a_filter_topic_listing_redirects_to_the_filter(client: TestClient) -> None:
    response = client.get("/reponses", params={"sujet": "INS"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/reponses?produit=ins"


def test_an_off_topic_question_shows_the_notice_and_three_close_answers_at_most(client: TestClient) -> None:
    page = client.get("/", params={"q": OFF_TOPIC}, headers=HTML).text
    assert "Pas de réponse sûre" in page and 'id="sujet-titre"' not in page
    assert len(re.findall(r'class="titre-resultat"', page)) <= 3
    api = client.get("/api/ask", params={"q": OFF_TOPIC}).json()
    assert api["abstained"] and api["topic"] is None


def test_searched_words_are_marked_in_results(client: TestClient) -> None:
    page = client.get("/", params={"q": "activer ma e-CPS"}, headers=HTML).text
    assert re.search(r"<mark>[Aa]ctiv\w*</mark>", page) and re.search(r"<mark>e-CPS</mark>", page, re.IGNORECASE)
