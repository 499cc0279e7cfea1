from pathlib import Path

import pytest

from faqsante.config import Settings
from faqsante.ingest import ingest_paths
from faqsante.store import Database

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The five seed dumps, ingested as a user would."""
    url = f"sqlite:///{tmp_path_factory.mktemp('seed') / 'faq.db'}"
    db = Database(url)
    ingest_paths(db, [SAMPLE])
    return db


@pytest.fixture(scope="session")
def settings_for():
    """Settings for a database and an embedder backend ("none" for the fast lexical mode)."""

    def make(db: Database, embedder: str) -> Settings:
        return Settings().model_copy(update={"db_url": db.url, "embedder": embedder})

    return make
