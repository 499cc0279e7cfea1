"""What search engines read (#20.2): robots.txt, the sitemap of published answers, canonical addresses, OpenGraph,
and schema.org FAQPage data only for answers whose question a person wrote."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from faqsante.answers import catalog
from faqsante.editing import edit_entry, set_status
from faqsante.store import Database
from faqsante.web import seo
from faqsante.web.deps import service_of

NS = {"s": seo.SITEMAP_NS}
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def sitemap_locations(client: TestClient, path: str = "/sitemap.xml") -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{seo.SITEMAP_NS}}}urlset"
    return {url.findtext("s:loc", namespaces=NS) or "": url.findtext("s:lastmod", namespaces=NS) or "" for url in root}


def json_ld(page: str) -> list[dict[str, Any]]:
    return [json.loads(block) for block in JSON_LD.findall(page)]


def assert_faq_page(data: dict[str, Any], question: str, answer: str) -> None:
    """The shape schema.org and search engines require of a FAQPage: Questions with a name and an accepted Answer."""
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "FAQPage"
    [item] = data["mainEntity"]
    assert item["@type"] == "Question"
    assert item["name"] == question
    assert item["acceptedAnswer"]["@type"] == "Answer"
    assert item["acceptedAnswer"]["text"] == answer


def test_robots_keeps_the_workspace_api_and_searches_out_and_names_the_sitemap(client: TestClient) -> None:
    text = client.get("/robots.txt").text
    assert "User-agent: *" in text
    for path in ("/admin", "/api/", "/?q="):
        assert f"Disallow: {path}\n" in text
    assert re.search(r"^Sitemap: http://testserver/sitemap\.xml$", text, re.MULTILINE)


def test_the_sitemap_lists_every_published_answer_once_with_its_last_change(
    own_client: TestClient,
) -> None:
    db: Database = service_of(own_client.app).db
    archived = catalog.list_entries(db, per_page=1).items[0].id
    set_status(db, archived, "archived", author="test", settings=service_of(own_client.app).settings)
    locations = sitemap_locations(own_client)
    published = dict(catalog.published_changes(db))
    assert len(locations) == catalog.count_published(db) == len(published)
    assert not any(f"/reponses/{archived}/" in location for location in locations)
    for path, changed in published.items():
        assert locations[f"http://testserver{path}"] == f"{changed:%Y-%m-%d}"
    for entry in catalog.list_entries(db, per_page=5).items:  # each answer's permalink, as its own page names it
        assert f"http://testserver{entry.url}" in locations


def test_beyond_the_protocol_limit_the_sitemap_is_an_index_of_parts(
    client: TestClient, app_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seo, "SITEMAP_LIMIT", 100)
    total = catalog.count_published(app_db)
    parts = -(-total // 100)
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert root.tag == f"{{{seo.SITEMAP_NS}}}sitemapindex"
    names = [item.findtext("s:loc", namespaces=NS) for item in root]
    assert names == [f"http://testserver/sitemap-{number}.xml" for number in range(1, parts + 1)]
    listed: dict[str, str] = {}
    for number in range(1, parts + 1):
        listed |= sitemap_locations(client, f"/sitemap-{number}.xml")
    assert len(listed) == total
    for missing in (f"/sitemap-{parts + 1}.xml", "/sitemap-0.xml", "/sitemap-x.xml", "/sitemap-9999999999.xml"):
        response = client.get(missing)
        assert response.status_code == 404
        assert "n'existe pas" in response.text


def test_the_public_address_setting_names_the_site_behind_a_proxy(client: TestClient, app_db: Database) -> None:
    settings = service_of(client.app).settings
    service_of(client.app).settings = settings.model_copy(update={"public_url": "https://faq.example.org/"})
    try:
        assert "Sitemap: https://faq.example.org/sitemap.xml" in client.get("/robots.txt").text
        assert all(url.startswith("https://faq.example.org/reponses/") for url in sitemap_locations(client))
        entry = catalog.list_entries(app_db, per_page=1).items[0]
        page = client.get(f"/reponses/{entry.id}").text
        assert f'<link rel="canonical" href="https://faq.example.org{entry.url}">' in page
    finally:
        service_of(client.app).settings = settings


def test_an_answer_page_has_its_canonical_address_and_opengraph_description(
    client: TestClient, app_db: Database
) -> None:
    entry = catalog.list_entries(app_db, per_page=1).items[0]
    page = client.get(f"/reponses/{entry.id}/ancien-titre?q=durée&avis=merci").text
    assert f'<link rel="canonical" href="http://testserver{entry.url}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="http://testserver{entry.url}">' in page
    description = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert description is not None
    first_words = " ".join(entry.answer.split()[:4])
    assert description.group(1).startswith(first_words.replace("'", "&#39;")[:20])


def test_listings_keep_their_page_in_the_canonical_address_and_searches_are_not_indexed(client: TestClient) -> None:
    listing = client.get("/reponses?page=2&utm_source=lettre").text
    assert '<link rel="canonical" href="http://testserver/reponses?page=2">' in listing
    assert 'name="robots"' not in listing
    assert '<meta name="robots" content="noindex">' in client.get("/?q=carte+e-cps").text
    assert (
        '<meta name="robots" content="noindex">'
        in client.get("/reponses/inconnue", headers={"accept": "text/html"}).text
    )


def test_faq_page_data_only_for_an_answer_whose_question_a_person_wrote(own_client: TestClient) -> None:
    db: Database = service_of(own_client.app).db
    untitled, titled = (item.id for item in catalog.list_entries(db, per_page=2).items)
    assert catalog.get_entry(db, untitled).question is None  # the scrape lost the questions
    assert json_ld(own_client.get(f"/reponses/{untitled}").text) == []

    answer = "Oui. </script><script>alert(1)</script> Voir « e-CPS » & <b>la suite</b>."
    changes = {"question": "La carte e-CPS est-elle gratuite ?", "answer": answer}
    edit_entry(db, titled, changes, author="test", settings=service_of(own_client.app).settings)
    page = own_client.get(f"/reponses/{titled}").text
    [data] = json_ld(page)
    assert_faq_page(data, "La carte e-CPS est-elle gratuite ?", answer)
    assert data["url"] == f"http://testserver/reponses/{titled}/la-carte-e-cps-est-elle-gratuite"
    assert "<script>alert(1)" not in page  # the answer's text is escaped inside the data block too
