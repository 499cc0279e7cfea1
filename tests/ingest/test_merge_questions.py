"""Ingest keeps every question an entry answers: the source's own, re-ingests, exports read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from faqsante.editing.entry_questions import add_question
from faqsante.feedback.learning import learn
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.export import render_export
from faqsante.store.models import EntryQuestion
from faqsante.store.questions import accepted_questions


def write_faq(path: Path, question: str) -> Path:
    records = [
        {"id": "psc", "question": question, "answer": "Une session Pro Santé Connect dure 4 heures."},
        {"id": "ins", "answer": "L'INS est l'identifiant national de santé."},
    ]
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def rows(db: Database) -> list[tuple[str | None, str, str, str]]:
    with db.session() as session:
        return [
            (row.entry_id, row.text, row.origin, row.state)
            for row in session.scalars(select(EntryQuestion).order_by(EntryQuestion.id))
        ]


def test_a_source_question_is_one_of_the_entry_questions_and_survives_rewording(db: Database, tmp_path: Path) -> None:
    source = write_faq(tmp_path / "faq.json", "Durée d'une session PSC ?")
    ingest_paths(db, [source])
    assert rows(db) == [("psc", "Durée d'une session PSC ?", "source", "accepted")]

    learn(db, "ins", "INS c'est quoi")
    add_question(db, "psc", "Combien de temps reste-t-on connecté ?", author="marie")
    ingest_paths(db, [write_faq(source, "Combien de temps dure une session PSC ?")])
    ingest_paths(db, [source])  # once more, unchanged

    assert rows(db) == [
        ("psc", "Durée d'une session PSC ?", "source", "accepted"),
        ("ins", "INS c'est quoi", "learned", "suggested"),
        ("psc", "Combien de temps reste-t-on connecté ?", "editor", "accepted"),
        ("psc", "Combien de temps dure une session PSC ?", "source", "accepted"),
    ]


@pytest.mark.parametrize("format", ["jsonl", "json", "csv"])
def test_an_export_read_back_restores_the_accepted_questions(db: Database, tmp_path: Path, format: str) -> None:
    ingest_paths(db, [write_faq(tmp_path / "faq.json", "Durée d'une session PSC ?")])
    add_question(db, "psc", "Combien de temps reste-t-on connecté ?", author="marie")
    add_question(db, "ins", "Qu'est-ce que l'INS ?", author="marie")
    add_question(db, "ins", "INS ; définition\u00a0?", author="marie")
    learn(db, "ins", "une suggestion qui reste en attente")
    exported = tmp_path / f"export.{format}"
    exported.write_text(render_export(db, format), encoding="utf-8")

    restored = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    ingest_paths(restored, [exported])
    with db.session() as before, restored.session() as after:
        assert sorted(accepted_questions(after)) == sorted(accepted_questions(before))
    assert ("ins", "une suggestion qui reste en attente", "learned", "suggested") not in rows(restored)
    restored.dispose()
