"""A web worker answers from its previous index while a change is built in the background, and its process
stops at once when told to, whatever the build is doing (#19.12: after an import of 1,537 questions, the
first ask of each worker waited 70 s, and SIGTERM waited for it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable

import pytest

from faqsante.config import Settings
from faqsante.search import SearchEngine
from faqsante.search import engine as engine_module
from faqsante.search.corpus import Document
from faqsante.search.settings import SearchSettings
from faqsante.store import Database
from faqsante.store.db import bump_data_version

QUESTION = "navigateurs compatibles TéléO"


def test_answers_come_from_the_previous_index_while_the_new_one_builds(
    fresh_seed_db: Database, settings_for: Callable[[Database, str], Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = SearchEngine(
        fresh_seed_db, settings_for(fresh_seed_db, "none"), SearchSettings(poll_interval_s=0.0), background=True
    )
    before = engine.ask(QUESTION)
    old_version = engine.indexed_version
    building, release = threading.Event(), threading.Event()
    load_documents = engine_module.load_documents

    def slow_load(db: Database) -> list[Document]:  # a build that takes as long as the test wants
        building.set()
        release.wait(60)
        return load_documents(db)

    monkeypatch.setattr(engine_module, "load_documents", slow_load)
    with fresh_seed_db.session() as session:
        bump_data_version(session)

    started = time.monotonic()
    during = engine.ask(QUESTION + " Chrome")  # not cached: ranked by the previous index
    assert time.monotonic() - started < 5 and building.wait(10)
    assert engine.indexed_version == old_version and during.results[0].id == before.results[0].id

    release.set()
    assert engine.wait_for_rebuild(60)
    engine.ask(QUESTION)
    assert engine.indexed_version == fresh_seed_db.data_version() == old_version + 1


def test_a_command_line_engine_answers_with_what_it_just_wrote(
    fresh_seed_db: Database, settings_for: Callable[[Database, str], Settings]
) -> None:
    engine = SearchEngine(fresh_seed_db, settings_for(fresh_seed_db, "none"), SearchSettings(poll_interval_s=0.0))
    engine.ask(QUESTION)
    with fresh_seed_db.session() as session:
        bump_data_version(session)
    engine.ask(QUESTION + " Firefox")
    assert engine.indexed_version == fresh_seed_db.data_version()


def test_the_process_exits_at_once_while_a_rebuild_runs(fresh_seed_db: Database) -> None:
    script = textwrap.dedent(
        f"""
        import time
        from faqsante.config import Settings
        from faqsante.search import SearchEngine
        from faqsante.search import engine as module
        from faqsante.search.settings import SearchSettings
        from faqsante.store import Database
        from faqsante.store.db import bump_data_version

        db = Database({fresh_seed_db.url!r})
        settings = Settings().model_copy(update={{"db_url": db.url, "embedder": "none"}})  # the tests' index dir
        engine = SearchEngine(db, settings, SearchSettings(poll_interval_s=0.0), background=True)
        engine.ask("carte CPS")
        load_documents = module.load_documents
        module.load_documents = lambda db: (time.sleep(600), load_documents(db))[1]  # a build of ten minutes
        with db.session() as session:
            bump_data_version(session)
        engine.ask("carte CPS perdue")
        print("répondu", flush=True)
        """
    )
    # the build sleeps ten minutes: the process ends long before (TimeoutExpired otherwise)
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "répondu"
