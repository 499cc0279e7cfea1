"""Hostile input in the workspace (#19): whatever an editor's browser sends gets a French 4xx on SQLite and
PostgreSQL alike, never a 500, and changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from faqsante.accounts import create_user
from faqsante.answers import catalog
from faqsante.editing import sources
from faqsante.feedback.audience import submit_question
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.models import Base
from faqsante.web.app import create_app

from .conftest import web_settings
from .test_admin import HTML, PASSWORD, sign_in, token_of

FAQ = Path(__file__).resolve().parents[1] / "fixtures" / "faq.csv"


@pytest.fixture
def admin(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Database]]:
    """An administrator signed in on a small FAQ, on each database."""
    db = Database(db_url)
    ingest_paths(db, [FAQ])
    create_user(db, "admin", PASSWORD, "admin")
    with TestClient(create_app(web_settings(db_url, tmp_path / "index")), raise_server_exceptions=False) as client:
        assert sign_in(client, "admin").status_code == 303
        yield client, db
    db.dispose()


def test_a_broken_source_address_is_refused_in_french(admin: tuple[TestClient, Database]) -> None:
    client, db = admin
    page = client.get("/admin/sources", headers=HTML).text
    source_id = re.findall(r'action="/admin/sources/(\d+)"', page)[0]
    for address in ["http://[::1", "http://esante.gouv.fr:99999/", "http://esante.gouv.fr:abc/"]:  # #19.13, #19.16
        form = {"csrf_token": token_of(page), "nom": "FAQ", "adresse": address}
        refused = client.post(f"/admin/sources/{source_id}", data=form, headers=HTML)
        assert refused.status_code == 400 and "Adresse invalide" in refused.text, (address, refused.text[-2000:])
    assert all(source.url is None and source.display_name is None for source in sources.list_sources(db))


def test_a_period_beyond_the_calendar_is_refused_in_french(admin: tuple[TestClient, Database]) -> None:
    client, db = admin
    entry_id = catalog.list_entries(db).items[0].id
    for path in ["/admin/analytics", "/admin/api/analytics", f"/admin/entrees/{entry_id}"]:
        for period in [{"au": "9999-12-31"}, {"au": "0001-01-01"}, {"du": "0001-01-01"}]:  # OverflowError (#19.13)
            refused = client.get(path, params=period, headers=HTML)
            assert refused.status_code == 422, (path, period, refused.text[-2000:])
            assert re.search(r"(au|du) : doit (valoir au plus 2999-12-31|être au moins 1900-01-01)", refused.text)


def nul_free(db: Database) -> list[str]:
    """Where a NUL sits in the database (table.column), if anywhere."""
    found = []
    with db.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                found += [f"{table.name}.{name}" for name, value in row.items() if "\x00" in str(value)]
    return found


def test_nul_in_any_editors_form_is_refused_in_french_and_never_stored(admin: tuple[TestClient, Database]) -> None:
    """#19.5: stored on SQLite (then the backup failed to restore into PostgreSQL), a 500 on PostgreSQL."""
    client, db = admin
    entry_id = catalog.list_entries(db).items[0].id
    question_id = submit_question(db, "Comment activer ma e-CPS ?").id
    sources_page = client.get("/admin/sources", headers=HTML).text
    source_id = re.findall(r'action="/admin/sources/(\d+)"', sources_page)[0]
    edit_page = client.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    revision = re.findall(r'name="revision" value="(\d+)"', edit_page)[0]
    token = token_of(edit_page)
    entry = {"question": "Question ?", "reponse": "Réponse.", "rubrique": "Rubrique", "revision": revision}
    forms = [
        (f"/admin/sources/{source_id}", {"nom": "FAQ\x00", "adresse": ""}),
        *(
            (f"/admin/entrees/{entry_id}", {**entry, field: "a\x00b", "action": action})
            for field in ("question", "reponse", "rubrique")
            for action in ("publier", "brouillon")
        ),
        ("/admin/entrees", {"question": "Question ?", "reponse": "Ré\x00ponse.", "rubrique": ""}),
        ("/admin/pages/mentions-legales", {"texte": "## Éditeur\n\nAgence\x00"}),
        (f"/admin/questions/{question_id}/reponse", {"question": "Q\x00 ?", "reponse": "Réponse.", "rubrique": ""}),
        (f"/admin/questions/{question_id}/reponse", {"question": "Q ?", "reponse": "Réponse\x00.", "rubrique": ""}),
    ]
    for path, form in forms:
        refused = client.post(path, data={"csrf_token": token, **form}, headers=HTML)
        assert refused.status_code == 400, (path, form, refused.status_code, refused.text[-1500:])
        assert "caractère NUL" in refused.text and '<html lang="fr">' in refused.text, (path, form)
    assert nul_free(db) == []


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/admin/entrees/a%00b", 404),
        ("/admin/api/entrees/a%00b", 404),
        ("/admin/utilisateurs/a%00b/sessions", 404),
        ("/admin/entrees?q=a%00b", 400),
        ("/admin/fusion?doublon=a%00b", 404),  # no entry can have that id
    ],
)
def test_nul_in_an_address_of_the_workspace_is_a_french_4xx(
    admin: tuple[TestClient, Database], path: str, status: int
) -> None:
    client, _ = admin
    answered = client.get(path, headers=HTML)
    assert answered.status_code == status, answered.text[-1500:]
    assert '<html lang="fr">' in answered.text
