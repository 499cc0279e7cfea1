"""Whatever an editor's browser sends to the workspace (any field, any bytes, any id in the path), the answer
is a page or a French error, never a 5xx, on SQLite and PostgreSQL alike; and no NUL ever reaches the database
(#19.5: SQLite kept it, then its backup did not restore into PostgreSQL). Every route under /admin is covered,
new ones included: the fields each one is sent are the query and form parameters it declares, plus one it does
not know."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from faqsante.accounts import create_user
from faqsante.store import Database
from faqsante.store.models import Base
from faqsante.store.storable import StoredString, StoredText
from faqsante.web.app import create_app
from faqsante.web.auth import SESSION_COOKIE
from faqsante.web.deps import service_of

from .conftest import sample_on_backend, web_settings
from .test_admin import HTML, PASSWORD, sign_in, token_of

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
ENTRY_ID = "627b0cbf71bb"
PATH_VALUES = {
    "entry_id": [ENTRY_ID, ENTRY_ID, ENTRY_ID, "inconnue", "%00", "%C3%28", "é" * 300, "..%2F..%2Fetc"],
    "question_id": ["1", "2", "3", "0", "-1", "9" * 20, "x"],
    "session_id": ["1", "0", "9" * 20, "x"],
    "source_id": ["1", "0", "9" * 20, "x"],
    "username": ["lea", "inconnu", "%00", "é" * 300],
    "slug": ["mentions-legales", "accessibilite", "donnees-personnelles", "inconnue", "%00"],
    "term": ["psc", "ins", "e%20cps", "inconnu", "%00", "%C3%28", "é" * 300, "(.*)"],
}
# Values the routes act on (ids, statuses, decisions, periods, facets), so that requests get past validation too.
SAMPLES = [
    "",
    "9" * 20,
    ENTRY_ID,
    *"""0 -1 1 2 true false published archived draft accepted rejected accepted:1 rejected:x
    brouillon publier produit ins open answered admin editor stale 30 365 %00 a%00b %00%00 x%0D%0Ay""".split(),
]
LEAVE_OUT = {"/deconnexion"}  # signing out is tested on its own; here it would end the fuzzing session
VALUE = st.one_of(
    st.binary(max_size=300).map(quote_from_bytes),  # any bytes, valid UTF-8 or not
    st.text(st.characters(exclude_categories=["Cs"]), max_size=50).map(lambda text: quote(text.encode())),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20).map(lambda text: quote(f"{text}\x00{text}")),
    st.sampled_from(["x" * 20_001, "%C3%A9" * 2_001, "a+" * 10_001, "%E2%80%AE" * 300]),  # beyond every limit
    st.sampled_from(SAMPLES),
)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def admin(
    request: pytest.FixtureRequest, seed_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("admin-fuzz")
    url = sample_on_backend(request, seed_template, folder)
    app = create_app(web_settings(url, folder / "index"))
    with TestClient(app, raise_server_exceptions=False) as client:
        create_user(service_of(app).db, "admin", PASSWORD, "admin")
        create_user(service_of(app).db, "lea", PASSWORD, "editor")
        yield client


def stored_nul(db: Database) -> list[str]:
    """The text columns holding a NUL (# ["entries.answer"]): SQLite would keep one, PostgreSQL cannot."""
    if db.dialect != "sqlite":
        return []
    with db.engine.connect() as connection:
        return [
            f"{table.name}.{column.name}"
            for table in Base.metadata.sorted_tables
            for column in table.columns
            if isinstance(column.type, StoredString | StoredText)
            and connection.scalar(text(f'SELECT count(*) FROM "{table.name}" WHERE instr("{column.name}", char(0))'))
        ]


def routes(client: TestClient) -> list[tuple[str, str, list[str]]]:
    """(method, path, declared query and form fields) of every workspace route."""
    found = []
    for context in iter_route_contexts(client.app.routes):
        route = context.route
        if not isinstance(route, APIRoute) or context.path in LEAVE_OUT:
            continue
        if not (context.path.startswith("/admin") or context.path in ("/connexion", "/connexion/code")):
            continue
        fields = [field.alias for field in route.dependant.query_params + route.dependant.body_params]
        found.extend((method, context.path, fields) for method in sorted(context.methods or ()) if method != "HEAD")
    return found


@FUZZ
@given(data=st.data())
def test_any_form_on_any_workspace_route(admin: TestClient, data: st.DataObject) -> None:
    if SESSION_COOKIE not in admin.cookies:  # signed out by a request before (its own session revoked)
        assert sign_in(admin, "admin").status_code == 303
    method, path, fields = data.draw(st.sampled_from(routes(admin)), label="route")
    for name, values in PATH_VALUES.items():
        path = path.replace("{" + name + "}", data.draw(st.sampled_from(values), label=name))
    sent = {name: data.draw(st.none() | VALUE, label=name) for name in [*fields, "inattendu"]}
    body = "&".join(f"{quote(name)}={value}" for name, value in sent.items() if value is not None)
    if method == "GET":
        body = body[:6000]  # what a URL carries
        response = admin.get(f"{path}?{body}", headers=HTML, follow_redirects=False)
    else:
        token = quote(token_of(admin.get("/admin/entrees", headers=HTML).text))
        response = admin.post(path, content=f"csrf_token={token}&{body}".encode(), headers={
            **HTML, "content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)  # fmt: skip
    assert response.status_code < 500, response.text[-3000:]
    if response.status_code >= 400:  # a page a person can read, in French
        assert '<html lang="fr">' in response.text and "Traceback" not in response.text
    if method == "POST" and response.status_code < 400 and "%00" in body:
        assert stored_nul(service_of(admin.app).db) == []
