"""A seeded database per test module and a client of the app on it.

The seed is ingested once per session into a template SQLite file and copied for each module, so tests
write freely without paying for ingest and index builds again. Search runs lexical (``embedder="none"``):
these tests are about the web layer; dense retrieval has its own tests in tests/search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from databases import copy_sqlite
from faqsante.accounts import create_user
from faqsante.config import Settings
from faqsante.facets import retag
from faqsante.ingest import ingest_paths
from faqsante.mail import Mailer
from faqsante.store import Database
from faqsante.web.app import create_app
from faqsante.web.deps import web_state
from smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "data" / "sample"
ECPS_QUESTION = "identifiant e-cps combien de chiffres"
PUBLIC_URL = "https://faq.example.fr"
HTML = {"accept": "text/html,application/xhtml+xml"}
PASSWORD = "correct horse battery"


def web_settings(db_url: str, index_dir: Path) -> Settings:
    # No rate limits: these tests are about pages and the API; test_security.py checks the limits.
    unlimited = {"rate_ask": "off", "rate_feedback": "off", "rate_questions": "off", "rate_signin": "off",
                 "rate_signin_account": "off"}  # fmt: skip
    return Settings().model_copy(update={"db_url": db_url, "embedder": "none", "index_dir": index_dir, **unlimited})


def sample_on_backend(request: pytest.FixtureRequest, seed_template: Path, folder: Path) -> str:
    """The sample on the backend a module fixture is parametrised with ("sqlite" or "postgresql"): a copy of the
    seeded SQLite template, or the sample ingested into the module's fresh PostgreSQL database."""
    if request.param == "sqlite":
        return copy_sqlite(seed_template, folder / "faqsante.db")
    url: str = request.getfixturevalue("pg_module_url")
    seeding = Database(url)
    ingest_paths(seeding, [SAMPLE_DIR])
    seeding.dispose()
    return url


@pytest.fixture(scope="module")
def tagged_url(seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A module's own copy of the seed with its entries tagged under the five filters."""
    folder = tmp_path_factory.mktemp("tagged")
    url = copy_sqlite(seed_template, folder / "faqsante.db")
    db = Database(url)
    retag(db, web_settings(url, folder / "index"))
    db.dispose()
    return url


@contextmanager
def mail_on(app: FastAPI, sink: SmtpSink | None = None) -> Iterator[Mailer]:
    """Mail configured inside the block, to the test's SMTP server (by default one nobody listens to)."""
    sink = sink or SmtpSink("127.0.0.1", 9, "plain", None)
    service = web_state(app).service
    settings = service.settings.model_copy(
        update={"smtp_url": sink.url, "mail_from": "faq@example.fr", "public_url": PUBLIC_URL}
    )
    mailer = Mailer.from_settings(settings, tls=sink.client_tls)
    assert mailer is not None
    previous, service.mailer = service.mailer, mailer
    try:
        yield mailer
    finally:
        service.mailer = previous


@pytest.fixture(scope="module")
def seeded_url(seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return copy_sqlite(seed_template, tmp_path_factory.mktemp("web") / "faqsante.db")


@pytest.fixture(scope="module")
def app_client(seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app per module (its search index takes a moment to build); tests write their own rows."""
    app = create_app(web_settings(seeded_url, tmp_path_factory.mktemp("index")))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Index files for apps on copies of the seed: named by what they were built from, so copies share them."""
    return tmp_path_factory.mktemp("seed-index")


@pytest.fixture
def own_client(seed_template: Path, seed_index: Path, tmp_path: Path) -> Iterator[TestClient]:
    """An app on this test's own copy of the seed, for a test that changes what others read (a source's name,
    the legal pages): the module's shared app would carry the change, or its cached footer, into later tests."""
    app = create_app(web_settings(copy_sqlite(seed_template, tmp_path / "faqsante.db"), seed_index))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    """The module's client with an empty cookie jar: every test starts as a new visitor."""
    app_client.cookies.clear()
    return app_client


@pytest.fixture
def app_db(app_client: TestClient) -> Database:
    return web_state(app_client.app).service.db


@pytest.fixture(scope="module")
def accounts(app_client: TestClient) -> None:
    """An editor (« marie ») and an administrator (« admin ») in the module's database, both with PASSWORD."""
    db = web_state(app_client.app).service.db
    create_user(db, "marie", PASSWORD, "editor")
    create_user(db, "admin", PASSWORD, "admin")


def token_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def sign_in(client: TestClient, username: str = "marie", password: str = PASSWORD, next_path: str = "/admin"):  # type: ignore[no-untyped-def]
    token = token_of(client.get("/connexion", headers=HTML).text)
    form = {"identifiant": username, "mot_de_passe": password, "csrf_token": token, "suivant": next_path}
    return client.post("/connexion", data=form, headers=HTML, follow_redirects=False)


@pytest.fixture
def editor(client: TestClient, accounts: None) -> TestClient:
    """The module's client signed in as « marie »."""
    assert sign_in(client).status_code == 303
    return client
