"""What the answer page says of an entry's dates and sources (#17.4): « ajoutée le » at the first import,
« mis à jour » only when its question or answer changed, and a source's name read from its dump, never the
date of an import or a file's name."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from faqsante import editing
from faqsante.answers import catalog
from faqsante.answers.catalog import content_dates
from faqsante.config import Settings
from faqsante.ingest import ingest_paths
from faqsante.store import Database

DUMP = (
    "Accueil > FAQ\n\nFAQ\n\nPro Santé Connect\n\n"
    "La session Pro Santé Connect dure 4 heures, puis il faut se reconnecter.\n\n"
    "Cette réponse vous a-t-elle été utile ?\n\n"
    "L'application e-CPS s'installe depuis les magasins d'applications.\n\n"
    "Cette réponse vous a-t-elle été utile ?\n"
)
HTML_PAGE = """<!doctype html><html><head><title>Foire aux questions | Pro Santé Connect</title>
<link rel="canonical" href="https://industriels.esante.gouv.fr/faq"></head><body>
<details><summary>Combien de temps dure une session ?</summary><p>Quatre heures.</p></details></body></html>"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def session_entry(db: Database) -> str:
    (entry_id,) = [
        item.id for item in catalog.list_entries(db).items if "4 heures" in item.answer or "4 h," in item.answer
    ]
    return entry_id


def dates(db: Database, entry_id: str) -> tuple[datetime, datetime]:
    shown = catalog.provenance(db, entry_id)
    return shown.added_at, shown.updated_at


def test_the_first_import_adds_and_an_identical_reimport_changes_no_date(db: Database, tmp_path: Path) -> None:
    dump = write(tmp_path / "faq.txt", DUMP)
    ingest_paths(db, [dump])
    entry_id = session_entry(db)
    added_at, updated_at = dates(db, entry_id)
    assert added_at == updated_at  # the page says « ajoutée le », not « mis à jour »

    ingest_paths(db, [dump])

    assert dates(db, entry_id) == (added_at, updated_at)


def test_a_changed_reimport_and_an_editors_change_each_date_an_update(db: Database, tmp_path: Path) -> None:
    dump = write(tmp_path / "faq.txt", DUMP)
    ingest_paths(db, [dump])
    entry_id = session_entry(db)
    added_at, _ = dates(db, entry_id)

    write(dump, DUMP.replace("4 heures", "4 h"))
    ingest_paths(db, [dump])
    after_import = dates(db, entry_id)
    settings = Settings().model_copy(update={"db_url": db.url, "embedder": "none"})
    editing.edit_entry(db, entry_id, {"answer": "Une session dure quatre heures."}, author="marie", settings=settings)
    after_edit = dates(db, entry_id)

    assert after_import[0] == added_at < after_import[1]
    assert after_edit[0] == added_at and after_edit[1] > after_import[1]


def test_only_a_change_of_question_or_answer_counts() -> None:
    first, archived, back, edited = (datetime(2026, 12, day) for day in (1, 2, 3, 4))
    history = [("Q ?", "R.", first), ("Q ?", "R.", archived), ("Q ?", "R.", back)]  # status changes only
    assert content_dates(first, history) == (first, first)
    assert content_dates(first, [*history, ("Q ?", "R modifiée.", edited)]) == (first, edited)


def test_a_source_no_editor_named_shows_the_title_and_address_of_its_page(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, [write(tmp_path / "psc.html", HTML_PAGE)])
    (item,) = catalog.list_entries(db).items

    assert catalog.provenance(db, item.id).origins == [
        {"name": "Foire aux questions | Pro Santé Connect", "url": "https://industriels.esante.gouv.fr/faq"}
    ]


def test_a_scraped_page_shows_its_breadcrumbs_title_and_never_its_import_date(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, [write(tmp_path / "faq.txt", DUMP)])
    origins = catalog.provenance(db, session_entry(db)).origins
    assert origins == [{"name": "FAQ", "url": None}]


def test_a_dump_that_says_nothing_of_its_page_shows_no_invented_name(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, [write(tmp_path / "faq.txt", DUMP.split("Pro Santé Connect\n\n", 1)[1])])
    assert catalog.provenance(db, session_entry(db)).origins == []
