"""The five FAQ filters on the web (#5): query parameters of /api/ask and /api/entries, counts at /api/facets,
and the portal's panel, in the browser too.

The seed is tagged here (keyword rules, ``embedder="none"``) on a copy of the web tests' seeded database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from faqsante.cli import app as cli
from faqsante.facets import load_taxonomy, tags_by_entry
from faqsante.web.app import create_app
from faqsante.web.deps import service_of

from .conftest import web_settings
from .test_browser import TIMEOUT_MS, LiveServer, browser  # noqa: F401  (browser is a fixture)

IDENTITY_QUESTION = "qualifier l'identité du patient"


@pytest.fixture(scope="module")
def client(tagged_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings(tagged_url, tmp_path_factory.mktemp("index")))) as client:
        yield client


def tags(client: TestClient, ids: list[str]) -> dict[str, dict[str, list[str]]]:
    return tags_by_entry(service_of(client.app).db, ids)


def test_api_ask_keeps_only_entries_with_the_chosen_value(client: TestClient) -> None:
    response = client.get("/api/ask", params={"q": IDENTITY_QUESTION, "produit": "INS", "top_k": 20})
    assert response.status_code == 200
    ids = [hit["id"] for hit in response.json()["results"]]
    sections = {hit["section"] for hit in response.json()["results"]}

    assert ids and all("ins" in tags(client, ids)[entry]["produit"] for entry in ids)
    assert "Identitovigilance et INS" in sections
    assert not any((section or "").startswith("ViaTrajectoire") for section in sections)


def test_each_result_and_each_entry_carry_their_filter_values_as_keys(client: TestClient) -> None:
    results = client.get("/api/ask", params={"q": IDENTITY_QUESTION, "top_k": 5}).json()["results"]
    stored = tags(client, [hit["id"] for hit in results])
    keys = {facet.key: set(facet.values) for facet in load_taxonomy()}

    assert any(hit["facets"] for hit in results)
    for hit in results:
        detail = client.get(f"/api/entries/{hit['id']}").json()
        expected = {facet: sorted(values) for facet, values in stored[hit["id"]].items()}
        assert hit["facets"] == detail["facets"] == expected
        assert all(set(values) <= keys[facet] for facet, values in hit["facets"].items())
    filtered = client.get("/api/ask", params={"q": IDENTITY_QUESTION, "produit": "ins"}).json()["results"]
    assert filtered and all("ins" in hit["facets"]["produit"] for hit in filtered)


def test_filters_combine_or_within_and_across_facets(client: TestClient) -> None:
    params = [
        ("q", "financement"),
        ("dispositif_segur", "SONS"),
        ("dispositif_segur", "sun-es"),
        ("thematique", "Financement"),
    ]
    results = client.get("/api/ask", params=params + [("top_k", "30")]).json()["results"]
    found = tags(client, [hit["id"] for hit in results])

    assert results
    assert all(
        set(t["dispositif_segur"]) & {"sons", "sun_es"} and "financement" in t["thematique"] for t in found.values()
    )
    assert {"sons", "sun_es"} <= {value for t in found.values() for value in t["dispositif_segur"]}


def test_an_unknown_value_is_a_400_in_french(client: TestClient) -> None:
    response = client.get("/api/ask", params={"q": "identité", "produit": "Minitel"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert "valeur inconnue « Minitel »" in error["message"] and "viatrajectoire" in error["message"]


def test_api_entries_filters_the_listing(client: TestClient) -> None:
    everything = client.get("/api/entries", params={"per_page": 100}).json()
    ins = client.get("/api/entries", params={"produit": "ins", "per_page": 100}).json()
    ins_in_ror = client.get("/api/entries", params={"produit": "ins", "section": "ROR"}).json()

    assert everything["total"] == 334
    assert 16 <= ins["total"] < 334
    assert all("ins" in t["produit"] for t in tags(client, [item["id"] for item in ins["items"]]).values())
    assert ins_in_ror["total"] == 0 and ins_in_ror["items"] == []  # an empty filter, not a missing section


def test_facet_counts_follow_the_query(client: TestClient) -> None:
    whole = client.get("/api/facets").json()
    identity = client.get("/api/facets", params={"q": IDENTITY_QUESTION}).json()
    filtered = client.get("/api/facets", params={"q": IDENTITY_QUESTION, "produit": "INS"}).json()

    assert set(whole) == {"query", "total", "untagged", "facets"}
    assert whole["total"] == 334 and whole["untagged"] == 0
    assert (
        identity["total"] <= 50
        and identity["facets"]["produit"]["ins"] > identity["facets"]["produit"]["viatrajectoire"]
    )
    assert whole["facets"]["produit"]["ins"] > identity["facets"]["produit"]["ins"]
    # a facet's own filter does not narrow its counts (the other values stay selectable), it narrows the others'
    assert filtered["facets"]["produit"] == identity["facets"]["produit"]
    assert filtered["total"] == identity["facets"]["produit"]["ins"]
    assert filtered["facets"]["thematique"]["identitovigilance"] <= filtered["total"]


def test_the_command_line_prints_the_counts_of_the_api(client: TestClient, tagged_url: str) -> None:
    """One function, one JSON shape (#18.1): ``faqsante facets --json`` is ``/api/facets``."""
    printed = CliRunner().invoke(cli, ["facets", "--json", "--db", tagged_url])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == client.get("/api/facets").json()


def test_the_results_page_has_the_filters_panel_without_javascript(client: TestClient) -> None:
    page = client.get("/", params={"q": IDENTITY_QUESTION, "produit": "ins"}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Votre question concerne quel produit ou service ?" in page.text
    assert 'form="recherche" name="produit" value="ins" checked' in page.text
    assert '<details class="filtres" data-filtres open>' in page.text


@pytest.fixture(scope="module")
def live_server(browser: object, tagged_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # noqa: F811
    with LiveServer(tagged_url, tmp_path_factory.mktemp("facets-browser")) as server:
        yield server


def shown_counts(page) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    """(facet, value) -> the count the panel shows next to the checkbox."""
    rows = page.locator(".filtres input[type=checkbox]").evaluate_all(
        "boxes => boxes.map(b => [b.name, b.value, b.closest('label').querySelector('.compte').textContent])"
    )
    return {(name, value): int(text.strip("()")) for name, value, text in rows}


def api_counts(page, query: str) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    counts = page.request.get(f"/api/facets?{query}").json()["facets"]
    return {(facet, value): n for facet, values in counts.items() for value, n in values.items() if n}


@pytest.mark.browser
def test_ticking_a_filter_narrows_the_results_and_updates_the_counts(browser, live_server: LiveServer) -> None:  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    query = "q=qualifier+l%27identit%C3%A9+du+patient"
    try:
        page.goto("/")
        page.evaluate("window.pasDeRechargement = true")
        page.locator("#q").press_sequentially(IDENTITY_QUESTION, delay=15)
        page.locator("#statut-recherche").filter(has_text=f"« {IDENTITY_QUESTION} »").wait_for()
        assert shown_counts(page) == api_counts(page, query)  # the counts of this question's answers

        page.locator(".filtres summary").click()
        page.locator("input[name=produit][value=ins]").check()
        expect(page).to_have_url(f"{live_server.url}/?{query}&produit=ins")
        expect(page.locator("input[name=produit][value=ins]")).to_be_checked()  # the new panel keeps the choice

        links = page.locator("#resultats a.titre-resultat")
        ids = [
            href.split("/reponses/", 1)[1].split("/", 1)[0]
            for href in links.evaluate_all("a => a.map(x => x.getAttribute('href'))")
        ]
        assert ids and all("ins" in t["produit"] for t in tags_by_entry(live_server.db, ids).values())
        assert shown_counts(page) == api_counts(page, f"{query}&produit=ins")  # the counts followed the filter
        assert page.evaluate("window.pasDeRechargement") is True  # filtered in place, not reloaded
    finally:
        context.close()


def test_every_filter_of_the_taxonomy_is_a_query_parameter(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/ask", "/api/entries", "/api/facets"):
        parameters = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert set(load_taxonomy().facets) <= parameters, path
