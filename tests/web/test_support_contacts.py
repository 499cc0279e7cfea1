"""A way out after a refusal (#20.3): editors set support contacts in /admin; visitors see them under the answers
of that subject and after « pas de réponse sûre » to a question that names it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqsante.editing import support
from faqsante.facets import tags_by_entry
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.web.app import create_app

from .conftest import HTML, SAMPLE_DIR, token_of, web_settings

ECPS_FORM = {"label": "Support e-CPS", "phone": "01 23 45 67 89", "email": "", "url": "https://example.fr/aide",
             "hours": "du lundi au vendredi, 8 h – 18 h", "scope": "produit=e_cps"}  # fmt: skip


@pytest.fixture(scope="module")
def seeded_url(tagged_url: str) -> str:
    return tagged_url  # contacts follow the filter values of the answers


pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)


def add_contact(editor: TestClient, form: dict[str, str]):  # type: ignore[no-untyped-def]
    token = token_of(editor.get("/admin/contacts", headers=HTML).text)
    return editor.post("/admin/contacts", data={**form, "csrf_token": token}, headers=HTML, follow_redirects=False)


def test_an_editor_adds_a_contact_and_it_shows_under_the_answers_of_its_product(
    editor: TestClient, app_db: Database
) -> None:
    response = add_contact(editor, ECPS_FORM)
    assert response.status_code == 303
    page = editor.get(response.headers["location"], headers=HTML).text
    assert "Contact enregistré" in page and "Support e-CPS" in page
    tags = tags_by_entry(app_db)
    ecps = next(entry_id for entry_id, entry_tags in tags.items() if "e_cps" in entry_tags.get("produit", []))
    other = next(entry_id for entry_id, entry_tags in tags.items() if "e_cps" not in entry_tags.get("produit", []))
    answer = editor.get(f"/reponses/{ecps}", headers=HTML).text
    assert "Contacter le support" in answer
    assert '<a href="tel:0123456789">01 23 45 67 89</a>' in answer
    assert "du lundi au vendredi, 8 h – 18 h" in answer
    assert "Contacter le support" not in editor.get(f"/reponses/{other}", headers=HTML).text
    api = editor.get(f"/api/entries/{ecps}").json()
    assert [contact["label"] for contact in api["contacts"]] == ["Support e-CPS"]
    for contact in support.list_contacts(app_db):
        support.delete_contact(app_db, contact.id)


def test_a_refusal_about_e_cps_shows_the_e_cps_support(tmp_path: Path) -> None:
    # A FAQ that does not cover e-CPS (one page of the sample): a question on e-CPS is refused.
    db_url = f"sqlite:///{tmp_path / 'faqsante.db'}"
    db = Database(db_url)
    ingest_paths(db, [SAMPLE_DIR / "003_9052f88edd8dfc8b.txt"])
    support.save_contact(db, None, {**ECPS_FORM, "url": ""})
    support.save_contact(db, None, {"label": "Accueil", "email": "accueil@example.fr", "scope": ""})
    with TestClient(create_app(web_settings(db_url, tmp_path / "index"))) as client:
        question = "comment débloquer ma e-CPS"
        result = client.get("/api/ask", params={"q": question}).json()
        assert result["abstained"] is True
        assert [contact["label"] for contact in result["contacts"]] == ["Support e-CPS"]
        page = client.get("/", params={"q": question}, headers=HTML).text
        assert "Pas de réponse sûre" in page and "Contacter le support" in page and "Support e-CPS" in page
        # A refusal that names no subject with a contact of its own: the contact for everything.
        elsewhere = client.get("/api/ask", params={"q": "recette de la tarte aux pommes"}).json()
        assert elsewhere["abstained"] is True
        assert [contact["label"] for contact in elsewhere["contacts"]] == ["Accueil"]
    db.dispose()


def test_an_answered_question_lists_no_contact(client: TestClient) -> None:
    answered = client.get("/api/ask", params={"q": "identifiant e-cps combien de chiffres"}).json()
    assert answered["abstained"] is False and answered["contacts"] == []


def test_a_bad_contact_comes_back_on_the_form_as_typed_with_the_field_marked(editor: TestClient) -> None:
    response = add_contact(editor, {**ECPS_FORM, "phone": "01 23", "label": "Support <b>e-CPS</b>"})
    assert response.status_code == 400
    assert "Numéro de téléphone invalide" in response.text
    assert 'value="Support &lt;b&gt;e-CPS&lt;/b&gt;"' in response.text
    assert re.search(r'name="phone" type="tel" value="01 23"\s+aria-invalid="true"', response.text)


def test_contacts_need_a_signed_in_editor_and_a_csrf_token(client: TestClient, editor: TestClient) -> None:
    response = editor.post("/admin/contacts", data=ECPS_FORM, headers=HTML, follow_redirects=False)
    assert response.status_code == 403
    editor.cookies.clear()
    response = client.get("/admin/contacts", headers=HTML, follow_redirects=False)
    assert response.status_code in (303, 401)
