from collections.abc import Iterator
from pathlib import Path

import pytest

from databases import copy_sqlite
from faqsante.config import Settings
from faqsante.store import Database


@pytest.fixture(scope="module")
def seed_db(seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The five seed dumps, ingested as a user would: a module's copy, for tests that only read it."""
    db = Database(copy_sqlite(seed_template, tmp_path_factory.mktemp("search-seed") / "faq.db"))
    yield db
    db.dispose()


@pytest.fixture
def fresh_seed_db(seed_template: Path, tmp_path: Path) -> Iterator[Database]:
    """The seed, copied for this test alone: for tests that write to it."""
    db = Database(copy_sqlite(seed_template, tmp_path / "faq.db"))
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def settings_for():
    """Settings for a database and an embedder backend ("none" for the fast lexical mode)."""

    def make(db: Database, embedder: str) -> Settings:
        return Settings().model_copy(update={"db_url": db.url, "embedder": embedder})

    return make
