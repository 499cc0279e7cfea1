"""Browsing without typing (#12.1): the five filters on the home page, /reponses narrowed by them with removable
chips, the most consulted answers, and the site's name and legal footer on every page (#12.5).

The seed is tagged here (keyword rules, ``embedder="none"``) on a copy of the web tests' seeded database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from faqsante.facets import tags_by_entry
from faqsante.store import legal
from faqsante.web.app import create_app
from faqsante.web.deps import service_of

from .conftest import ECPS_QUESTION, web_settings

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def client(tagged_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = web_settings(tagged_url, tmp_path_factory.mktemp("index")).model_copy(
        update={"site_name": "Aide numérique & santé"}
    )
    with TestClient(create_app(settings)) as client:
        yield client


def listed_ids(page: str) -> list[str]:
    return re.findall(r'class="titre-resultat" href="/reponses/(\w+)/[\w-]+"', page)


def all_listed(client: TestClient, params: dict[str, str]) -> list[str]:
    """Every entry id of a paginated /reponses listing."""
    ids: list[str] = []
    for number in range(1, 100):
        page = client.get("/reponses", params={**params, "page": str(number)}, headers=HTML)
        if page.status_code == 404:
            return ids
        ids += listed_ids(page.text)
    raise AssertionError("pagination that never ends")


def test_the_home_page_offers_the_five_filters_before_any_question(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    for prompt in ["quel type d&#39;offre ?", "quel couloir Ségur ?", "quel dispositif Ségur ?", "quelle thématique ?"]:
        assert f"<summary>Votre question concerne {prompt}</summary>" in page
    assert "<summary>Votre question concerne quel produit ou service ?</summary>" in page
    assert "service produit" not in page
    assert re.search(
        r'<a href="/reponses\?produit=e_cps">e-CPS et carte CPS</a> <span class="compte">\(\d+\)</span>', page
    )


def test_a_filter_lists_only_the_entries_that_carry_it(client: TestClient) -> None:
    ids = all_listed(client, {"produit": "e_cps"})
    everything = all_listed(client, {})
    tags = tags_by_entry(service_of(client.app).db, ids)

    assert ids and len(ids) < len(everything)
    assert all("e_cps" in tags[entry]["produit"] for entry in ids)
    page = client.get("/reponses", params={"produit": "e_cps"}, headers=HTML).text
    assert f"{len(ids)} réponse" in page and "<h1>Réponses filtrées</h1>" in page


def test_filters_combine_with_a_section_and_an_alias_is_understood(client: TestClient) -> None:
    ids = all_listed(client, {"rubrique": "Mon espace santé", "produit": "DMP"})
    sections = {
        entry["section"] for entry in client.get("/api/entries", params={"section": "Mon espace santé"}).json()["items"]
    }
    tags = tags_by_entry(service_of(client.app).db, ids)
    assert ids and sections == {"Mon espace santé"}
    assert all("dmp" in tags[entry]["produit"] for entry in ids)


def test_active_filters_are_chips_that_remove_themselves(client: TestClient) -> None:
    page = client.get(
        "/reponses", params=[("produit", "e_cps"), ("thematique", "acces_connexion"), ("page", "1")], headers=HTML
    ).text
    chips = dict(re.findall(r'<a class="puce" href="([^"]*)" aria-label="Retirer le filtre « ([^»]*) »"', page))
    assert {unescape(label) for label in chips.values()} == {"e-CPS et carte CPS", "Accès, comptes et connexion"}
    by_label = {unescape(label): unescape(href) for href, label in chips.items()}
    assert by_label["e-CPS et carte CPS"] == "/reponses?thematique=acces_connexion"
    assert by_label["Accès, comptes et connexion"] == "/reponses?produit=e_cps"
    assert '<a class="effacer" href="/reponses">Effacer les filtres</a>' in page


def test_results_show_chips_that_keep_the_question(client: TestClient) -> None:
    page = client.get("/", params={"q": ECPS_QUESTION, "produit": "e_cps"}, headers=HTML).text
    question = ECPS_QUESTION.replace(" ", "%20")
    assert f'<a class="puce" href="/?q={question}"' in page
    assert f'<a class="effacer" href="/?q={question}">Effacer les filtres</a>' in page


def test_an_empty_question_with_filters_browses_them(client: TestClient) -> None:
    response = client.get("/", params={"q": " ", "produit": "ins"}, headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/reponses?produit=ins"


def test_a_filter_that_matches_nothing_says_so(client: TestClient) -> None:
    page = client.get("/reponses", params={"produit": "pastel", "couloir_segur": "radiologie"}, headers=HTML)
    assert page.status_code == 200 and "0 réponse" in page.text and not listed_ids(page.text)


def test_an_unknown_filter_value_is_a_french_400_listing_the_valid_ones(client: TestClient) -> None:
    page = client.get("/reponses", params={"produit": "<b>inconnu</b>"}, headers=HTML)
    assert page.status_code == 400 and "valeurs possibles" in page.text and "<b>inconnu" not in page.text


def test_the_home_page_shows_the_most_opened_answers(client: TestClient) -> None:
    assert "Les réponses les plus consultées" not in client.get("/", headers=HTML).text
    opened = []
    for question, times in [("activer e-cps", 2), ("messagerie sécurisée de santé", 1)]:
        for _ in range(times):
            page = client.get("/", params={"q": question}, headers=HTML).text
            entry_id, token = re.findall(
                r'href="/reponses/(\w+)/[\w-]+\?from=([\w.]+)(?:&amp;passage=\d+-\d+)?"', page
            )[0]
            client.get(f"/reponses/{entry_id}", params={"from": token}, headers=HTML)
        opened.append(entry_id)
    page = client.get("/", headers=HTML).text
    section = page[page.index("Les réponses les plus consultées") :]
    shown = re.findall(r'<a href="/reponses/(\w+)/[\w-]+">', section[: section.index("</section>")])
    assert shown[:2] == opened  # twice opened first


def test_titles_and_header_use_the_configured_site_name(client: TestClient) -> None:
    page = client.get("/reponses", headers=HTML).text
    assert "<title>Toutes les réponses (page 1 sur 17) — Aide numérique &amp; santé</title>" in page
    assert '<a class="marque" href="/">Aide numérique &amp; santé</a>' in page


def test_every_page_has_the_legal_footer(client: TestClient) -> None:
    page = client.get("/question", headers=HTML).text
    assert '<a href="/accessibilite">Accessibilité : non conforme</a>' in page
    assert '<a href="/mentions-legales">Mentions légales</a>' in page
    assert '<a href="/donnees-personnelles">Données personnelles et cookies</a>' in page
    assert '<link rel="icon" href="/favicon.ico"' in page


@pytest.mark.parametrize(
    ("path", "title", "text"),
    [
        ("/accessibilite", "Déclaration d'accessibilité", "RGAA"),
        ("/mentions-legales", "Mentions légales", "Hébergement"),
        ("/donnees-personnelles", "Données personnelles et cookies", "faqsante_visiteur"),
    ],
)
def test_legal_pages_have_french_defaults(client: TestClient, path: str, title: str, text: str) -> None:
    page = client.get(path, headers=HTML)
    assert page.status_code == 200
    assert f'<h1 id="titre-page">{title}</h1>'.replace("'", "&#39;") in page.text and text in page.text


def test_an_administrators_text_and_status_replace_the_defaults(own_client: TestClient) -> None:
    db = service_of(own_client.app).db
    legal.set_legal_page(
        db, "mentions-legales", "## Éditeur\n\nAgence **exemple**, [site](https://exemple.fr) <script>x</script>"
    )
    legal.set_accessibility_status(db, "partiellement conforme")

    page = own_client.get("/mentions-legales", headers=HTML).text
    assert "<h2>Éditeur</h2>" in page and "<strong>exemple</strong>" in page and "&lt;script&gt;" in page
    assert "partiellement conforme" in own_client.get("/accessibilite", headers=HTML).text

    legal.set_legal_page(db, "mentions-legales", "")
    assert "Hébergement" in own_client.get("/mentions-legales", headers=HTML).text


def test_the_favicon_exists(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
