"""An answer's permalink (#20.2): ``/reponses/<id>/<slug of its title>``. The id finds the answer, the slug only
reads well; any other slug, or none (every link written before slugs), moves permanently to the permalink with
its query kept, and every link the site gives out is the permalink."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqsante.answers import catalog
from faqsante.editing import edit_entry
from faqsante.store import Database
from faqsante.store.models import QueryLog
from faqsante.urls import EMPTY_SLUG, slug
from faqsante.web.deps import service_of

from .conftest import ECPS_QUESTION

HTML = {"accept": "text/html"}
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# An answer's link anywhere on a page: its id, then maybe a slug, a query or the end of the address.
ANSWER_HREF = re.compile(r'href="/reponses/([\w-]+)(/[^"?]*)?[?"]')


def first_entry(db: Database) -> catalog.PublishedEntry:
    return catalog.list_entries(db, per_page=1).items[0]


def retitle(client: TestClient, entry_id: str, question: str) -> None:
    service = service_of(client.app)
    edit_entry(service.db, entry_id, {"question": question}, author="test", settings=service.settings)


def test_an_answer_lives_at_its_id_and_the_slug_of_its_title(client: TestClient, app_db: Database) -> None:
    entry = first_entry(app_db)
    assert entry.url == f"/reponses/{entry.id}/{slug(entry.title)}" and slug(entry.title) != EMPTY_SLUG
    page = client.get(entry.url, headers=HTML, follow_redirects=False)
    assert page.status_code == 200
    assert f'<link rel="canonical" href="http://testserver{entry.url}">' in page.text


@pytest.mark.parametrize("tail", ["", "/ancien-titre", "/AUTRE-Titre", "/reponse", "/avis"])
def test_any_other_slug_moves_permanently_to_the_permalink_with_the_query_kept(
    client: TestClient, app_db: Database, tail: str
) -> None:
    entry = first_entry(app_db)
    moved = client.get(f"/reponses/{entry.id}{tail}?from=12.ab&passage=5-25&q=dur%C3%A9e", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"{entry.url}?from=12.ab&passage=5-25&q=dur%C3%A9e"
    assert client.get(f"/reponses/{entry.id}{tail}", follow_redirects=False).headers["location"] == entry.url


def test_an_old_results_link_still_counts_its_click(client: TestClient, app_db: Database) -> None:
    page = client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text
    entry_id, token, log_id = re.findall(r'href="/reponses/(\w+)/[\w-]+\?from=((\d+)\.\w+)', page)[0]
    landed = client.get(f"/reponses/{entry_id}?from={token}", headers=HTML)  # the shape of links before slugs
    assert landed.status_code == 200 and landed.history[0].status_code == 301
    assert f"Retour aux résultats pour « {ECPS_QUESTION} »" in landed.text
    with app_db.session() as session:
        assert session.get(QueryLog, int(log_id)).clicked_entry_id == entry_id  # type: ignore[union-attr]


def test_the_slug_follows_the_title_and_the_old_one_still_leads_there(own_client: TestClient) -> None:
    db = service_of(own_client.app).db
    entry = first_entry(db)
    retitle(own_client, entry.id, "Combien coûte la carte CPS ?")
    renamed = catalog.get_entry(db, entry.id).url
    assert renamed == f"/reponses/{entry.id}/combien-coute-la-carte-cps"
    assert own_client.get(entry.url, follow_redirects=False).headers["location"] == renamed
    assert own_client.get(renamed, follow_redirects=False).status_code == 200
    assert f"http://testserver{renamed}" in own_client.get("/sitemap.xml").text
    assert f"http://testserver{entry.url}<" not in own_client.get("/sitemap.xml").text


def test_two_answers_with_the_same_slug_are_two_addresses(own_client: TestClient) -> None:
    db = service_of(own_client.app).db
    first, second = catalog.list_entries(db, per_page=2).items
    retitle(own_client, first.id, "Tarif de la carte CPS (α)")  # two titles, one slug: Greek letters are no ASCII
    retitle(own_client, second.id, "Tarif de la carte CPS (β)")
    urls = [catalog.get_entry(db, entry.id).url for entry in (first, second)]
    assert urls == [f"/reponses/{first.id}/tarif-de-la-carte-cps", f"/reponses/{second.id}/tarif-de-la-carte-cps"]
    for letter, url in zip("αβ", urls, strict=True):
        page = own_client.get(url, headers=HTML, follow_redirects=False)
        assert page.status_code == 200 and f'<h1 id="titre-reponse">Tarif de la carte CPS ({letter})</h1>' in page.text
        assert f'<link rel="canonical" href="http://testserver{url}">' in page.text


def test_every_link_the_portal_gives_to_an_answer_is_its_permalink(client: TestClient, app_db: Database) -> None:
    pages = [
        client.get("/", headers=HTML).text,  # the most consulted
        client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text,  # results
        client.get("/", params={"q": "DMP"}, headers=HTML).text,  # a topic's answers
        client.get("/reponses", headers=HTML).text,  # the listing
        client.get(first_entry(app_db).url, headers=HTML).text,  # related answers
    ]
    links = [link for page in pages for link in ANSWER_HREF.finditer(page)]
    assert len({entry_id for entry_id, _ in (link.groups() for link in links)}) > 10
    permalinks = {entry.id: entry.url for entry in catalog.list_entries(app_db, per_page=100).items}
    for link in links:
        entry_id, tail = link.groups()
        url = permalinks.get(entry_id) or catalog.get_entry(app_db, entry_id).url
        assert f"/reponses/{entry_id}{tail}" == url, link.group(0)


def test_the_api_gives_each_answer_its_permalink(client: TestClient, app_db: Database) -> None:
    asked = client.get("/api/ask", params={"q": ECPS_QUESTION}).json()["results"]
    listed = client.get("/api/entries", params={"per_page": 3}).json()["items"]
    detail = client.get(f"/api/entries/{listed[0]['id']}").json()
    for item in [*asked, *listed, detail, *detail["related"]]:
        assert item["url"] == catalog.get_entry(app_db, item["id"]).url


def test_a_vote_without_javascript_comes_back_to_the_permalink(client: TestClient, app_db: Database) -> None:
    entry = first_entry(app_db)
    voted = client.post(f"/reponses/{entry.id}/avis", data={"utile": "oui"}, headers=HTML, follow_redirects=False)
    assert voted.status_code == 303 and voted.headers["location"] == f"{entry.url}?avis=merci#avis"


@pytest.mark.parametrize(
    "tail",
    [
        "/%00",
        "/%2e%2e",  # « /.. » itself never reaches us: clients resolve it (to /reponses)
        "/..%2F..%2Fetc",
        "/a%2Fb",
        "/a/b",
        "/" + quote("réponse"),
        "/" + quote("<script>"),
        "/" + "a" * 81,
        "/" + quote("\u202eevil"),
    ],
)
def test_a_slug_that_was_never_ours_is_not_found(client: TestClient, app_db: Database, tail: str) -> None:
    response = client.get(f"/reponses/{first_entry(app_db).id}{tail}", headers=HTML, follow_redirects=False)
    assert response.status_code == 404
    assert "Cette adresse ne" in response.text  # ours, or the site's « ne correspond à aucune page »


@pytest.mark.parametrize("entry_id", ["%00", "inconnue", quote("é" * 40), "x" * 3000, "%2e%2e", "a%2Fb", quote("日本")])
@pytest.mark.parametrize("tail", ["", "/un-titre"])
def test_an_id_that_is_no_answer_is_not_found(client: TestClient, entry_id: str, tail: str) -> None:
    assert client.get(f"/reponses/{entry_id}{tail}", headers=HTML, follow_redirects=False).status_code == 404


HOSTILE = st.one_of(
    st.sampled_from(["", "..", ".", "%00", "%2F", "%2e%2e", "%25", "%ZZ", "a" * 5000]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=120).map(lambda text: quote(text, safe="")),
    st.text("abcXYZ019-_.~%/", max_size=100),
)


@FUZZ
@given(entry_id=HOSTILE, tail=HOSTILE, query=st.text(max_size=200))
def test_any_answer_address_is_an_answer_a_redirect_or_not_found(
    client: TestClient, app_db: Database, entry_id: str, tail: str, query: str
) -> None:
    real = first_entry(app_db).id
    for path in (f"/reponses/{entry_id}/{tail}", f"/reponses/{real}/{tail}", f"/reponses/{entry_id}"):
        response = client.get(path, params={"q": query}, headers=HTML, follow_redirects=False)
        assert response.status_code < 500, (path, response.status_code, response.text[:300])
        if response.status_code in (301, 307, 308):
            location = response.headers["location"]
            assert location.startswith(("/reponses", "http://testserver/reponses")) and "//reponses" not in location
