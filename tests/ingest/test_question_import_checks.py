"""A question history meets the same checks as an ingested file (#19.9): hostile files are refused, named, with
their line and reason, on SQLite and PostgreSQL alike; a snippet too short, or matching too many entries, is
reported and skipped rather than attaching one question to half the FAQ."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante.cli import app
from faqsante.errors import IngestError
from faqsante.ingest.question_history import MAX_KEY_ENTRIES, import_file, read_question_file
from faqsante.store import Database

from .question_files import ingested, stored, write

# Six published entries sharing the words « les étapes de la démarche »; one about sessions.
FAQ = [
    *(
        {"id": f"etape{n}", "answer": f"Pour le service {n}, suivez les étapes de la démarche décrite ici."}
        for n in range(1, MAX_KEY_ENTRIES + 2)
    ),
    {"id": "psc", "question": "Durée d'une session PSC ?", "answer": "Une session Pro Santé Connect dure 4 heures."},
]


@pytest.fixture
def faq(db: Database, tmp_path: Path) -> Database:
    return ingested(db, tmp_path, FAQ)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("deep.json", "[" * 100_000, "deep.json, ligne 1 : JSON trop imbriqué"),
        ("deep.jsonl", '{"q": "ok"}\n' + "[" * 100_000, "deep.jsonl, ligne 2 : JSON trop imbriqué"),
        ("deep.csv", 'q;keys\nok;"' + "[" * 100_000 + '"\n', "deep.csv, ligne 2 : « keys » trop imbriqué"),
        ("long.json", '[{"q": "ok", "entry_id": ' + "9" * 5000 + "}]", "long.json, ligne 1 : JSON invalide : nombre"),
        ("long.jsonl", '{"q": "ok", "entry_id": ' + "9" * 5000 + "}\n", "long.jsonl, ligne 1 : JSON invalide : nombre"),
        ("long.csv", "q;entry_id\nok;" + "9" * 5000 + "\n", "long.csv, ligne 2 : l'identifiant dépasse"),
        ("bad.jsonl", '{"q": "ok", "entry_id": "../etc"}\n', "bad.jsonl, ligne 1 : identifiant invalide"),
        ("sur.json", '[{"q": "\\ud800 e-cps", "keys": []}]', "sur.json, ligne 1 : la question contient un caractère"),
        ("sur.jsonl", '{"q": "ok", "keys": ["\\udfff fin"]}\n', "sur.jsonl, ligne 1 : un extrait contient"),
        ("sur.jsonl", '{"q": "ok", "entry_id": "a\\ud800"}\n', "sur.jsonl, ligne 1 : l'identifiant contient"),
    ],
)
def test_hostile_files_are_refused_with_file_line_and_reason_and_nothing_is_written(
    faq: Database, tmp_path: Path, name: str, text: str, message: str
) -> None:
    before = stored(faq)
    with pytest.raises(IngestError) as caught:
        import_file(faq, write(tmp_path / name, text))
    assert message in str(caught.value)
    assert stored(faq) == before


def test_a_file_above_the_ingest_limit_is_refused_before_being_read(faq: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "big.jsonl", json.dumps({"q": "ok", "keys": []}) + "\n" + " " * 2_000_000)
    with pytest.raises(IngestError, match=r"big\.jsonl : fichier trop volumineux \(plus de 1 Mo"):
        import_file(faq, path, max_mb=1)


def test_the_command_applies_faqsante_ingest_max_mb(faq: Database, db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "big.json", json.dumps([{"q": "ok", "keys": []}]) + " " * 2_000_000)
    result = CliRunner().invoke(
        app, ["questions", "import", str(path), "--db", db_url], env={"FAQSANTE_INGEST_MAX_MB": "1"}
    )
    assert result.exit_code == 1, result.output
    assert "fichier trop volumineux" in result.output
    assert "Traceback" not in result.output


def test_short_and_too_common_snippets_are_reported_and_skipped(faq: Database, tmp_path: Path) -> None:
    history = [
        {"q": "une lettre", "keys": ["e"]},  # in every answer
        {"q": "les étapes", "keys": ["suivez les étapes de la démarche"]},  # in six answers
        {"q": "durée de session", "keys": ["e", "Pro Santé Connect dure 4 heures"]},  # the good one kept
    ]
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in history)
    report = import_file(faq, write(tmp_path / "h.json", f"[\n{lines}\n]"))

    assert [(skip.item.line, skip.key, skip.reason) for skip in report.skipped] == [
        (2, "e", "extrait trop court (3 mots ou 20 caractères au moins)"),
        (3, "suivez les étapes de la démarche", f"extrait présent dans {MAX_KEY_ENTRIES + 1} réponses (5 au plus)"),
        (4, "e", "extrait trop court (3 mots ou 20 caractères au moins)"),
    ]
    assert (report.matched, report.unanswerable, [item.text for item in report.unmatched]) == (
        1,
        0,
        ["une lettre", "les étapes"],
    )
    assert sorted(report.entries) == ["psc"]
    assert report.to_dict()["skipped"][0] == {
        "line": 2,
        "q": "une lettre",
        "key": "e",
        "reason": "extrait trop court (3 mots ou 20 caractères au moins)",
    }


def test_addresses_and_links_are_long_enough_snippets(tmp_path: Path) -> None:
    path = write(tmp_path / "h.jsonl", json.dumps({"q": "adresse ?", "keys": ["cis.cpam@assurance-maladie.fr"]}) + "\n")
    (item,) = read_question_file(path)
    assert item.keys == ("cis.cpam@assurance-maladie.fr",)
    assert item.skipped == ()
