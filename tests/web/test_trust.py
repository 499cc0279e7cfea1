"""Trust on the answer page (#12.3): where it comes from (never a file name), when it changed, what the
content-health report flags; the same in /api/entries/{id}; sources and legal pages set by editors."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from faqsante.accounts import create_user
from faqsante.answers import catalog
from faqsante.health.lint import lint_database
from faqsante.store import Database
from faqsante.web.deps import service_of

from .test_admin import PASSWORD, sign_in, token_of

HTML = {"accept": "text/html"}


def flagged(db: Database, kind: str) -> str:
    return next(finding.entry_id for finding in lint_database(db, kinds=[kind]))


def unflagged(db: Database) -> str:
    flags = {finding.entry_id for finding in lint_database(db, kinds=["stale", "dangling-reference"])}
    return next(item.id for item in catalog.list_entries(db, per_page=100).items if item.id not in flags)


def test_the_answer_page_names_its_source_and_date_never_a_file_name(client: TestClient, app_db: Database) -> None:
    entry_id = unflagged(app_db)
    page = client.get(f"/reponses/{entry_id}", headers=HTML).text
    detail = client.get(f"/api/entries/{entry_id}").json()
    assert "FAQ importée" not in page and "Mis à jour" not in page  # imported once, never changed since
    assert re.search(r'Ajoutée le <time datetime="\d{4}-\d\d-\d\d">\d{1,2}(er)? \w+ \d{4}</time>', page)
    assert detail["updated_at"] == detail["added_at"] and detail["added_at"][:4].isdigit()
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", page)
    assert "data-notice" not in page and detail["notices"] == []
    names = [origin["name"] for origin in detail["origins"]]
    assert all(f">{name}<" in page or f" {name}" in page for name in names)  # only what its dump says: « FAQ »


@pytest.mark.parametrize("kind", ["stale", "dangling-reference"])
def test_a_flagged_answer_carries_a_visible_notice_and_the_api_the_same(
    client: TestClient, app_db: Database, kind: str
) -> None:
    entry_id = flagged(app_db, kind)
    notices = client.get(f"/api/entries/{entry_id}").json()["notices"]
    assert notices and {notice["kind"] for notice in notices} == {kind}
    page = client.get(f"/reponses/{entry_id}", headers=HTML).text
    for notice in notices:
        assert f'<div class="alerte alerte-avertissement" data-notice="{kind}">' in page
        assert notice["message"].replace("'", "&#39;") in page


def test_phone_numbers_in_answers_are_tel_links(client: TestClient) -> None:
    page = client.get("/", params={"q": "s'opposer à l'activation de Mon Espace Santé numéro vert"}, headers=HTML).text
    entry_ids = re.findall(r'href="/reponses/(\w+)/[\w-]+\?from=', page)
    answers = [client.get(f"/reponses/{entry_id}", headers=HTML).text for entry_id in entry_ids]
    assert any('numéro vert <a href="tel:3422">3422</a>' in answer for answer in answers)


def test_an_editor_names_a_source_and_gives_it_filters(own_client: TestClient) -> None:
    client = own_client  # the new name shows on every answer of the source: not in the module's database
    create_user(service_of(client.app).db, "marie", PASSWORD, "editor")
    assert sign_in(client).status_code == 303
    page = client.get("/admin/sources", headers=HTML).text
    source_id = re.findall(r'action="/admin/sources/(\d+)"', page)[0]
    form = {"csrf_token": token_of(page), "nom": "FAQ de l'Agence du numérique en santé", "adresse": "https://esante.gouv.fr/faq",
            "type_offre": "editeurs"}  # fmt: skip
    saved = client.post(f"/admin/sources/{source_id}", data=form, headers=HTML, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/sources?message=source"

    listed = client.get("/reponses", params={"type_offre": "editeurs", "per_page": 100}, headers=HTML).text
    entry_id = re.findall(r'class="titre-resultat" href="/reponses/(\w+)/[\w-]+"', listed)[0]
    answer = client.get(f"/reponses/{entry_id}", headers=HTML).text
    assert '<a href="https://esante.gouv.fr/faq" rel="noopener">FAQ de l&#39;Agence du numérique en santé</a>' in answer

    form["adresse"] = "javascript:alert(1)"
    refused = client.post(f"/admin/sources/{source_id}", data=form, headers=HTML)
    assert refused.status_code == 400 and "Adresse invalide" in refused.text and 'aria-invalid="true"' in refused.text


def test_only_an_administrator_edits_the_legal_pages(own_client: TestClient) -> None:
    client = own_client  # the pages and the footer's status it sets are not the module's
    create_user(service_of(client.app).db, "marie", PASSWORD, "editor")
    create_user(service_of(client.app).db, "admin", PASSWORD, "admin")
    sign_in(client)
    assert client.get("/admin/pages", headers=HTML).status_code == 403
    client.cookies.clear()
    sign_in(client, "admin")
    page = client.get("/admin/pages", headers=HTML).text
    token = token_of(page)
    form = {"csrf_token": token, "texte": "## Éditeur\n\nAgence exemple, 1 rue de la Paix, 75001 Paris."}
    assert (
        client.post("/admin/pages/mentions-legales", data=form, headers=HTML, follow_redirects=False).status_code == 303
    )
    assert "1 rue de la Paix" in client.get("/mentions-legales", headers=HTML).text
    status = {"csrf_token": token, "statut": "partiellement conforme"}
    assert client.post("/admin/pages/statut", data=status, headers=HTML, follow_redirects=False).status_code == 303
    assert "Accessibilité : partiellement conforme</a>" in client.get("/", headers=HTML).text
    assert client.post("/admin/pages/statut", data={**status, "statut": "conforme ?"}, headers=HTML).status_code == 400
    assert client.post("/admin/pages/inconnue", data=form, headers=HTML).status_code == 404
