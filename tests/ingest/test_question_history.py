"""Importing a question history: snippets find their entries, unanswered questions are kept, bad files change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante.cli import app
from faqsante.errors import IngestError
from faqsante.feedback.suggestions import decide, list_suggestions
from faqsante.ingest import ingest_paths
from faqsante.ingest.question_history import (
    AnswerMatcher,
    import_file,
    import_items,
    items_from_records,
    read_question_file,
)
from faqsante.store import Database
from faqsante.store.questions import accepted_questions, unanswerable_questions

from .question_files import ingested, stored, write

FAQ = [
    {
        "id": "ecps",
        "question": None,
        "answer": "Téléchargez l’application e-CPS, puis  suivez les étapes d'activation.",
    },
    {"id": "psc", "question": "Durée d'une session PSC ?", "answer": "Une session Pro Santé Connect dure 4 heures."},
    {"id": "dmp", "question": None, "answer": "Le DMP s'appelle désormais Mon espace santé ; les étapes changent."},
    {
        "id": "old",
        "question": None,
        "answer": "Ce service a fermé : suivez les étapes de migration.",
        "status": "archived",
    },
]
HISTORY = [
    # typographic apostrophe, double space and capitals differ from the answer: still a match
    {"q": "Comment activer ma e-CPS ?", "keys": ["TÉLÉCHARGEZ l'application e-CPS, puis suivez"]},
    {"q": "combien de temps dure une session psc", "entry_id": "psc"},
    {
        "q": "quelles étapes ?",
        "keys": ["suivez les étapes", "les étapes changent"],
    },  # two published entries (and an archived one)
    {"q": "Prix du timbre ?", "keys": []},
    {"q": "question orpheline", "keys": ["une phrase qu'aucune réponse ne contient"]},
    {"q": "entrée disparue", "entry_id": "nope"},
]


@pytest.fixture
def faq(db: Database, tmp_path: Path) -> Database:
    return ingested(db, tmp_path, FAQ)


def test_items_match_entries_by_snippet_or_id_and_unanswered_ones_are_kept(faq: Database, tmp_path: Path) -> None:
    before = faq.data_version()
    report = import_file(faq, write(tmp_path / "h.json", json.dumps(HISTORY, ensure_ascii=False, indent=1)))

    assert (report.items, report.matched, report.unanswerable) == (6, 3, 1)
    assert [(item.text, item.line) for item in report.unmatched] == [
        ("question orpheline", 23),
        ("entrée disparue", 29),
    ]
    assert (report.added, report.already, sorted(report.entries)) == (5, 0, ["dmp", "ecps", "psc"])
    assert faq.data_version() == before + 1
    with faq.session() as session:
        assert set(accepted_questions(session)) >= {
            ("ecps", "Comment activer ma e-CPS ?"),
            ("psc", "combien de temps dure une session psc"),
            ("ecps", "quelles étapes ?"),
            ("dmp", "quelles étapes ?"),
        }
        assert unanswerable_questions(session) == ["Prix du timbre ?"]

    again = import_file(faq, tmp_path / "h.json")
    assert (again.added, again.already) == (0, 5)
    assert faq.data_version() == before + 1  # nothing new: the search index need not reload


def test_suggest_makes_suggestions_that_a_later_import_confirms(faq: Database) -> None:
    items = items_from_records([{"q": "activer e-CPS", "keys": ["Téléchargez l’application e-CPS"]}])
    import_items(faq, items, suggest=True)
    assert [s.question.text for s in list_suggestions(faq)] == ["activer e-CPS"]
    assert import_items(faq, items).added == 1
    assert list_suggestions(faq) == []


def test_json_jsonl_and_csv_give_the_same_items(tmp_path: Path) -> None:
    records = [
        {"q": "Comment activer ma e-CPS ?", "keys": ["l’application e-CPS, puis", "étapes d’activation ici"]},
        {"question": "Durée session ?", "entry_id": "psc"},
        {"q": "Prix du timbre ?", "keys": []},
    ]
    as_json = read_question_file(write(tmp_path / "a.json", json.dumps(records, ensure_ascii=False)))
    as_jsonl = read_question_file(write(tmp_path / "a.jsonl", "".join(json.dumps(r) + "\n" for r in records)))
    as_csv = read_question_file(
        write(
            tmp_path / "a.csv",
            'q;entry_id;keys\nComment activer ma e-CPS ?;;"[""l’application e-CPS, puis"", ""étapes d’activation ici""]"\n'
            "Durée session ?;psc;\nPrix du timbre ?;;\n",
        )
    )

    def strip(items):  # type: ignore[no-untyped-def]
        return [(i.text, i.entry_id, i.keys) for i in items]

    assert strip(as_json) == strip(as_jsonl) == strip(as_csv)
    assert as_json[0].keys == ("l'application e-cps, puis", "étapes d'activation ici")
    assert [item.line for item in as_csv] == [2, 3, 4]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", '[\n {"q": "ok", "keys": []},\n {"q": "ok", "keys": [}\n]', "bad.json, ligne 3 : JSON invalide"),
        ("bad.json", '[\n {"q": "ok", "keys": []},\n {"keys": ["x"]}\n]', "bad.json, ligne 3 : question absente"),
        ("bad.json", '{"q": "un objet seul"}', "bad.json, ligne 1 : JSON attendu"),
        ("bad.jsonl", '{"q": "ok"}\n\n{"q": "ok", "keys": "x"}\n', "bad.jsonl, ligne 3 : « keys » doit être une liste"),
        ("bad.jsonl", '{"q": "ok"}\n[1, 2]\n', "bad.jsonl, ligne 2 : un objet"),
        ("bad.jsonl", json.dumps({"q": "x" * 600}), "bad.jsonl, ligne 1 : La question est trop longue"),
        ("bad.jsonl", json.dumps({"q": "a\x00b"}), "bad.jsonl, ligne 1 : La question contient un caractère nul"),
        ("bad.jsonl", json.dumps({"q": "ok", "entry_id": ["x"]}), "bad.jsonl, ligne 1 : « entry_id » doit être"),
        ("bad.csv", "texte;keys\nbonjour;\n", "bad.csv, ligne 1 : colonne de question introuvable"),
        ("bad.csv", 'q;keys\nok;\nok;"[pas du json"\n', "bad.csv, ligne 3 : « keys » invalide"),
        ("bad.csv", 'q;keys\nok;"guillemet jamais fermé\n', "bad.csv, ligne 2 : CSV illisible"),
        ("bad.txt", "ni json ni csv", "bad.txt : format non reconnu"),
    ],
)
def test_a_bad_item_names_file_and_line_and_nothing_is_imported(
    faq: Database, tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(IngestError) as caught:
        import_file(faq, path)
    assert message in str(caught.value)
    assert stored(faq) == 1  # the main question the source gave ("psc"), nothing else


def test_a_binary_file_is_refused(faq: Database, tmp_path: Path) -> None:
    path = tmp_path / "photo.json"
    path.write_bytes(b"\x89PNG\x00\x00\x00")
    with pytest.raises(IngestError, match="fichier binaire"):
        import_file(faq, path)


def test_the_command_reports_exports_and_reads_its_export_back(faq: Database, tmp_path: Path) -> None:
    runner = CliRunner()
    history = write(tmp_path / "h.json", json.dumps(HISTORY, ensure_ascii=False, indent=1))
    result = runner.invoke(app, ["questions", "import", str(history), "--suggest", "--db", faq.url])
    assert result.exit_code == 0, result.output
    assert "Rattachées à une entrée" in result.output
    assert "Sans correspondance (ligne 23) : question orpheline" in result.output

    listed = runner.invoke(app, ["questions", "suggestions", "--json", "--db", faq.url])
    assert sorted(s["text"] for s in json.loads(listed.output)) == [
        "Comment activer ma e-CPS ?",
        "combien de temps dure une session psc",
        "quelles étapes ?",
        "quelles étapes ?",
    ]
    ids = [s["id"] for s in json.loads(listed.output)]
    decide(faq, ids, "accepted", author="marie")
    exported = tmp_path / "export.json"
    result = runner.invoke(app, ["questions", "export", "-o", str(exported), "--db", faq.url])
    assert result.exit_code == 0, result.output

    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    ingest_paths(other, [tmp_path / "faq.json"])
    report = import_file(other, exported)
    assert report.unmatched == [] and report.matched == 5
    with faq.session() as a, other.session() as b:
        assert sorted(accepted_questions(a)) == sorted(accepted_questions(b))
    other.dispose()

    bad = write(tmp_path / "bad.jsonl", '{"q": "ok"}\n{"q": 3}\n')
    result = runner.invoke(app, ["questions", "import", str(bad), "--db", faq.url])
    assert result.exit_code == 1
    assert "bad.jsonl, ligne 2 : question absente" in result.output


def test_the_matcher_folds_answers_once_and_snippets_as_the_eval_readme_says() -> None:
    matcher = AnswerMatcher([("a", "L’INS  est\u00a0composée du matricule"), ("b", "Le DMP.")])
    assert matcher.match(["l'ins est COMPOSÉE"]) == ["a"]
    assert matcher.match(["le dmp", "matricule"]) == ["a", "b"]
    assert matcher.match(["  ", "absent"]) == []
