"""Hostile input in the workspace (#19): whatever an editor's browser sends gets a French 4xx on SQLite and
PostgreSQL alike, never a 500, and changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqsante.accounts import create_user
from faqsante.editing import sources
from faqsante.ingest import ingest_paths
from faqsante.store import Database, catalog
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
