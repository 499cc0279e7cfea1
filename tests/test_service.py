"""The service object: the one core the CLI, the API and the pages call."""

from __future__ import annotations

from pathlib import Path

from faqsante.config import Settings
from faqsante.editing import entry_facets
from faqsante.service import Faqsante
from faqsante.store import Database
from faqsante.store.models import Entry


def test_promoting_a_question_to_title_retags_the_entry(db: Database, tmp_path: Path) -> None:
    settings = Settings().model_copy(update={"db_url": db.url, "embedder": "none", "index_dir": tmp_path / "index"})
    faq = Faqsante(settings, db=db)
    with db.session() as session:
        session.add(Entry(id="e1", question=None, answer="Oui, c'est possible depuis l'an dernier.",
                          status="published", content_hash="h", locked_fields=[]))  # fmt: skip
    faq.retag()
    assert "ins" not in entry_facets(db, "e1")["produit"]
    added = faq.add_question("e1", "Faut-il l'INS (identité nationale de santé) pour le DMP ?", author="marie")
    assert "ins" not in entry_facets(db, "e1")["produit"]  # an accepted question is not the title: no tag yet

    faq.promote_question(added.id, author="marie", entry_id="e1")

    assert entry_facets(db, "e1")["produit"].get("ins") == "auto"  # the tagger read the new title
    with db.session() as session:
        entry = session.get(Entry, "e1")
        assert entry is not None and entry.question == added.text
        assert entry.revisions[-1].note == "question principale choisie"
