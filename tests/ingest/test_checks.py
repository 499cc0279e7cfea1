"""Hostile files are refused at parse time with « file, line, reason », the same way for SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from faqsante.errors import IngestError
from faqsante.ingest import ingest_paths
from faqsante.ingest.base import parse_file
from faqsante.store import Database
from faqsante.store.backup import backup, restore, table_digests
from faqsante.store.models import Entry

HOSTILE_FILES: dict[str, tuple[str, str, int | None]] = {
    # name: (content, expected reason, expected line)
    "deep.json": ("[" * 100_000 + "]" * 100_000, "JSON trop imbriqué", 1),
    "deep.jsonl": ('{"answer": "ok"}\n' + '{"answer": ' + "[" * 50_000 + "]" * 50_000 + "}\n", "trop imbriqué", 2),
    "deep-ld.html": (
        '<html><body>\n<script type="application/ld+json">\n'
        + "[" * 100_000
        + "]" * 100_000
        + "\n</script></body></html>",
        "JSON-LD trop imbriqué",
        3,
    ),
    "deep.html": (
        "<html><body>"
        + "<div>" * 20_000
        + "<details><summary>Q ?</summary>R.</details>"
        + "</div>" * 20_000
        + "</body></html>",
        "HTML trop imbriqué",
        None,
    ),
    "deep-ld-answer.html": (
        '<html><body><script type="application/ld+json">'
        + json.dumps({"@type": "Question", "name": "Q ?", "acceptedAnswer": {"text": "<b>" * 5_000 + "R."}})
        + "</script></body></html>",
        "HTML trop imbriqué",
        1,
    ),
    "digits.json": ('[{"answer": "ok", "id": ' + "9" * 5_000 + "}]", "nombre trop long", 1),
    "digits.csv": ('question,answer,facets\nQ ?,R.,{"produit": ' + "9" * 5_000 + "}\n", "facets", 2),
    "surrogate.json": ('[{"question": "Q ?", "answer": "R\\ud800."}]', "demi-paire de substitution", None),
    "surrogate.jsonl": ('{"answer": "ok"}\n{"answer": "\\udfff"}\n', "demi-paire de substitution", 2),
    "nul.csv": ("question,answer\n" + "Q ?,R.\n" * 2_000 + "Q2 ?,R\x00.\n", "caractère NUL", 2_002),
    "nul.txt": ("Réponse longue.\n" * 1_000 + "Réponse\x00 avec un NUL.\n", "caractère NUL", 1),
    "section.csv": (
        "question,answer,section\nQ ?,R.," + "s" * 256 + "\n",
        "la rubrique dépasse la longueur permise (256 caractères, 255 au plus)",
        2,
    ),
    "section.md": ("# " + "Rubrique " * 40 + "\n## Q ?\nR.\n", "la rubrique dépasse la longueur permise", 2),
    "id.csv": ("id,question,answer\n" + "a" * 33 + ",Q ?,R.\n", "l'identifiant dépasse la longueur permise", 2),
    "path.csv": ("id,question,answer\n../../../etc/passwd,Q ?,R.\n", "identifiant invalide « ../../../etc/passwd »", 2),
    "facet.jsonl": (
        json.dumps({"answer": "R.", "facets": {"produit": ["x" * 121]}}) + "\n",
        "« produit » dépasse la longueur permise",
        1,
    ),
    "source.jsonl": (
        json.dumps({"answer": "R.", "sources": ["s" * 256]}) + "\n",
        "le nom de source dépasse la longueur permise",
        1,
    ),
    "answer.json": (json.dumps([{"answer": "mot " * 6_000}]), "la réponse dépasse la longueur permise", None),
}


def count_entries(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Entry)) or 0


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_is_named_with_its_line_and_reason(tmp_path: Path, name: str) -> None:
    content, reason, line = HOSTILE_FILES[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", errors="surrogatepass")

    with pytest.raises(IngestError) as error:
        parse_file(path)

    assert reason in error.value.reason
    assert (error.value.path, error.value.line) == (str(path), line)


@pytest.mark.parametrize("name", ["nul.csv", "section.csv", "path.csv", "facet.jsonl", "source.jsonl"])
def test_what_postgresql_would_refuse_is_refused_on_every_engine(db: Database, tmp_path: Path, name: str) -> None:
    content, reason, _ = HOSTILE_FILES[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    with pytest.raises(IngestError, match=reason[:20]):
        ingest_paths(db, [path])
    assert count_entries(db) == 0


def test_a_source_name_too_long_for_its_column_is_refused(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "faqs"
    path = folder / ("d" * 200) / ("f" * 60 + ".csv")
    path.parent.mkdir(parents=True)
    path.write_text("question,answer\nQ ?,R.\n", encoding="utf-8")

    with pytest.raises(IngestError, match="nom de source dépasse la longueur permise"):
        ingest_paths(db, [folder])


def test_a_file_above_the_size_limit_is_refused_before_being_read(db: Database, tmp_path: Path) -> None:
    # #11.10: a 50 MB one-answer JSON tied up tagging for minutes.
    path = tmp_path / "huge.json"
    path.write_text(json.dumps([{"answer": "x" * 1_200_000}]), encoding="utf-8")

    with pytest.raises(IngestError, match="trop volumineux.*1 Mo.*FAQSANTE_INGEST_MAX_MB"):
        ingest_paths(db, [path], max_mb=1)
    assert count_entries(db) == 0


@pytest.mark.postgres
def test_what_sqlite_accepted_restores_into_postgresql(sqlite_url: str, pg_url: str, tmp_path: Path) -> None:
    # Values at every limit, and characters PostgreSQL accepts (control characters, astral planes, U+FDFA).
    record = {
        "id": "a" * 32,
        "question": "Q" * 500,
        "answer": "\x01\x1f\u2028😀\ufdfa " * 2_000,
        "section": "é" * 255,
        "sources": ["s" * 255],
        "facets": {"produit": ["v" * 120]},
    }
    path = tmp_path / "limites.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    source, target = Database(sqlite_url), Database(pg_url)
    ingest_paths(source, [path])

    backup(source, tmp_path / "b.jsonl.gz", secret="clé")
    restore(target, tmp_path / "b.jsonl.gz", secret="clé")

    assert table_digests(target) == table_digests(source)
    source.dispose()
    target.dispose()
