"""The seed corpus, ingested and tagged once per session, copied for every test that writes.

Tagging runs keyword-only (``embedder="none"``): computing e5 vectors for 334 entries takes minutes on
two cores. The semantic clue has its own tests with a small deterministic embedder (test_semantic.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from databases import copy_sqlite
from faqsante.config import Settings
from faqsante.facets import retag
from faqsante.store import Database


def lexical_settings(db: Database, index_dir: Path) -> Settings:
    return Settings().model_copy(update={"db_url": db.url, "embedder": "none", "index_dir": index_dir})


@pytest.fixture(scope="session")
def tagged_template(seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("facets-seed") / "faqsante.db"
    db = Database(copy_sqlite(seed_template, path))
    retag(db, lexical_settings(db, path.parent / "index"))
    db.dispose()  # the last connection closing checkpoints the WAL: the file alone is the database
    return path


def _copy(template: Path, directory: Path) -> Database:
    return Database(copy_sqlite(template, directory / "faqsante.db"))


@pytest.fixture(scope="module")
def seed_db(tagged_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The tagged seed, shared by a module's read-only tests."""
    db = _copy(tagged_template, tmp_path_factory.mktemp("facets-ro"))
    yield db
    db.dispose()


@pytest.fixture
def fresh_db(tagged_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A tagged seed of this test's own, to write to."""
    db = _copy(tagged_template, tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def settings_of(tmp_path: Path) -> Callable[[Database], Settings]:
    return lambda db: lexical_settings(db, tmp_path / "index")
