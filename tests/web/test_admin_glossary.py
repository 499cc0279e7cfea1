"""The glossary in /admin (#20.4): editors add, change, turn off synonyms and acronyms, each term with its history;
a change reaches the next ask, on SQLite and PostgreSQL alike. Whatever the form holds, the answer is a page or a
French error, and no NUL reaches the database."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqsante.accounts import create_user
from faqsante.web.app import create_app
from faqsante.web.deps import service_of

from .conftest import sample_on_backend, web_settings
from .test_admin import HTML, PASSWORD, sign_in, token_of
from .test_admin_fuzz import stored_nul

QUESTION = "combien de chiffres pour l'identifiant du sésame"
SESAME = {"term": "sésame", "kind": "synonym", "forms": "e-CPS", "definition": ""}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app_client(
    request: pytest.FixtureRequest, seed_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("glossary")
    url = sample_on_backend(request, seed_template, folder)
    app = create_app(web_settings(url, folder / "index"))
    with TestClient(app, raise_server_exceptions=False) as client:
        create_user(service_of(app).db, "marie", PASSWORD, "editor")
        yield client


@pytest.fixture
def editor(app_client: TestClient) -> TestClient:
    app_client.cookies.clear()
    assert sign_in(app_client).status_code == 303
    return app_client


def post(editor: TestClient, path: str, form: dict[str, str] | None = None, token: str = ""):  # type: ignore[no-untyped-def]
    token = token or token_of(editor.get("/admin/glossaire", headers=HTML).text)
    return editor.post(path, data={**(form or {}), "csrf_token": token}, headers=HTML, follow_redirects=False)


def next_ask(client: TestClient, question: str) -> dict:  # type: ignore[type-arg]
    """The API's answer once the worker's one-second poll of the data version is due (its next question)."""
    time.sleep(service_of(client.app).engine.search.poll_interval_s)
    answer: dict = client.get("/api/ask", params={"q": question}).json()  # type: ignore[type-arg]
    return answer


def test_a_synonym_added_in_admin_changes_the_next_ask(editor: TestClient) -> None:
    target = next_ask(editor, QUESTION.replace("sésame", "e-CPS"))["results"][0]["id"]
    assert next_ask(editor, QUESTION)["results"][0]["id"] != target

    response = post(editor, "/admin/glossaire", SESAME)

    assert response.status_code == 303 and response.headers["location"].startswith("/admin/glossaire/sesame?")
    assert (
        "Terme ajouté : la recherche l&#39;applique dès la prochaine question."
        in editor.get(response.headers["location"], headers=HTML).text
    )
    assert next_ask(editor, QUESTION)["results"][0]["id"] == target
    assert post(editor, "/admin/glossaire/sesame/supprimer").headers["location"].startswith("/admin/glossaire?")
    assert next_ask(editor, QUESTION)["results"][0]["id"] != target


def test_each_term_has_its_history_page(editor: TestClient) -> None:
    assert post(editor, "/admin/glossaire", {**SESAME, "term": "bidule"}).status_code == 303
    changed = {**SESAME, "term": "Bidule", "forms": "e-CPS\ncarte CPS", "definition": "Un mot de visiteurs."}
    assert post(editor, "/admin/glossaire/bidule", changed).status_code == 303

    page = editor.get("/admin/glossaire/bidule", headers=HTML).text
    history = page[page.index('id="historique"') :]
    assert re.findall(r"<strong>(\w+)</strong> par marie", history) == ["Modification", "Ajout"]
    assert "<dt>Avant</dt><dd><strong>bidule</strong> (synonyme) : e-CPS</dd>" in history
    assert (
        "<dt>Après</dt><dd><strong>Bidule</strong> (synonyme) : e-CPS ; carte CPS — Un mot de visiteurs.</dd>"
        in history
    )


def test_a_shipped_term_turned_off_names_no_topic_any_more(editor: TestClient) -> None:
    assert editor.get("/api/ask", params={"q": "FINESS"}).json()["topic"]["kind"] == "glossaire"

    response = post(editor, "/admin/glossaire/finess/desactiver")

    assert response.status_code == 303
    page = editor.get(response.headers["location"], headers=HTML).text
    assert "Terme désactivé" in page and ">désactivé</span>" in page and "Réactiver ce terme" in page
    assert next_ask(editor, "FINESS")["topic"] is None
    assert post(editor, "/admin/glossaire/finess/reactiver").status_code == 303
    assert next_ask(editor, "FINESS")["topic"]["kind"] == "glossaire"
    listing = editor.get("/admin/glossaire", params={"q": "finess"}, headers=HTML).text
    assert ">livré</span>" in listing  # back as shipped


def test_the_same_term_twice_gets_a_french_message_and_keeps_the_form(editor: TestClient) -> None:
    response = post(editor, "/admin/glossaire", {**SESAME, "term": "E-CPS", "forms": "ma carte"})
    assert response.status_code == 400
    assert "Le glossaire a déjà le terme « e-CPS » : modifiez-le plutôt que de l&#39;ajouter." in response.text
    assert 'value="E-CPS"' in response.text and ">ma carte</textarea>" in response.text


def test_a_form_without_its_csrf_token_or_session_is_refused(app_client: TestClient, editor: TestClient) -> None:
    refused = editor.post("/admin/glossaire", data=SESAME, headers=HTML, follow_redirects=False)
    assert refused.status_code == 403 and '<html lang="fr">' in refused.text
    app_client.cookies.clear()
    signed_out = app_client.get("/admin/glossaire", headers=HTML, follow_redirects=False)
    assert signed_out.status_code in (302, 303) and "/connexion" in signed_out.headers["location"]


def test_an_unknown_term_is_a_french_404(editor: TestClient) -> None:
    for key in ("inconnu", quote("a\x00b"), "é" * 300):
        response = editor.get(f"/admin/glossaire/{key}", headers=HTML)
        assert response.status_code in (404, 422) and '<html lang="fr">' in response.text


@pytest.fixture
def csrf(editor: TestClient) -> str:
    return token_of(editor.get("/admin/glossaire", headers=HTML).text)


FIELD = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30).map(lambda text: f"{text}\x00{text}"),
    st.sampled_from(["", "e-CPS", "(.*)", "[", "le", "MES", "x" * 10_001, "synonym", "acronym", "a\n" * 30]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(term=FIELD, kind=FIELD, forms=FIELD, definition=FIELD)
def test_any_term_form_is_a_page_or_a_french_error(
    editor: TestClient, csrf: str, term: str, kind: str, forms: str, definition: str
) -> None:
    form = {"term": term, "kind": kind, "forms": forms, "definition": definition}
    for path in ("/admin/glossaire", "/admin/glossaire/psc"):
        response = post(editor, path, form, csrf)
        assert response.status_code in (303, 400, 422), response.text[-2000:]
        if response.status_code != 303:
            assert '<html lang="fr">' in response.text and "Traceback" not in response.text
    assert stored_nul(service_of(editor.app).db) == []
