"""The command line contract other tools rely on: ``ask --json``, ``--batch``, ``export``, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante.cli import app, parse_facet_options
from faqsante.editing.glossary import add_term
from faqsante.store import Database

runner = CliRunner()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'faq.db'}"
    result = runner.invoke(app, ["ingest", str(Path(__file__).parent.parent / "data" / "sample"), "--db", url])
    assert result.exit_code == 0, result.output
    assert "334" in result.output
    return url


def test_second_ingest_reports_no_change(seeded: str) -> None:
    result = runner.invoke(app, ["ingest", str(Path(__file__).parent.parent / "data" / "sample"), "--db", seeded])
    assert result.exit_code == 0
    assert "Ajoutées" in result.output and "│ 0 " in result.output.split("Ajoutées")[1].splitlines()[0]


def test_ask_json_prints_one_object_in_the_contract_shape(seeded: str) -> None:
    result = runner.invoke(app, ["ask", "--json", "--top-k", "3", "durée de session psc", "--db", seeded])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["query"] == "durée de session psc"
    assert isinstance(payload["abstained"], bool)
    assert 1 <= len(payload["results"]) <= 3
    first = payload["results"][0]
    assert {"id", "question", "answer", "section", "sources", "score"} <= set(first)
    assert "4 heures" in first["answer"]
    span = first["spans"][0]
    assert "4 heures" in first["answer"][span["start"] : span["end"]]


def test_batch_prints_one_line_per_question_in_order(seeded: str, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("durée de session psc\n\nidentifiant e-cps combien de chiffres\n", encoding="utf-8")
    result = runner.invoke(app, ["ask", "--json", "--batch", str(questions), "--db", seeded])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["durée de session psc", "", "identifiant e-cps combien de chiffres"]
    assert "error" in lines[1] and lines[1]["results"] == []


def test_an_empty_question_is_a_usage_error_in_french(seeded: str) -> None:
    result = runner.invoke(app, ["ask", "   ", "--db", seeded])
    assert result.exit_code == 2
    assert "Erreur" in result.output


def test_export_writes_every_entry(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "faq.jsonl"
    result = runner.invoke(app, ["export", "--format", "jsonl", "-o", str(out), "--db", seeded])
    assert result.exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 334
    assert {"id", "question", "answer", "section", "sources", "status"} <= set(records[0])


def test_a_malformed_file_is_refused_and_the_database_untouched(seeded: str, tmp_path: Path) -> None:
    broken = tmp_path / "page.html"
    broken.write_text("<html><body><details><summary>Quoi ?</summary><p>Ceci", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(broken), "--db", seeded])
    assert result.exit_code == 1
    assert "page.html" in result.output
    export = runner.invoke(app, ["export", "--db", seeded])
    assert len(export.stdout.splitlines()) == 334


def test_facet_options_group_values_by_facet() -> None:
    assert parse_facet_options(["produit=INS", "produit=DMP", "thematique=sécurité"]) == {
        "produit": ["INS", "DMP"],
        "thematique": ["sécurité"],
    }
    with pytest.raises(ValueError, match="facette=valeur"):
        parse_facet_options(["produit"])


def test_eval_measures_a_reranker_named_on_the_command_line(seeded: str, tmp_path: Path) -> None:
    questions = tmp_path / "questions.json"
    items = [{"q": "durée de session Pro Santé Connect", "keys": []}, {"q": "impôts sur le revenu", "keys": []}]
    questions.write_text(json.dumps(items), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(questions), "--json", "--reranker", "proximity", "--db", seeded])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])  # after the index's progress line
    assert report["overall"]["unanswerable"] == 2
    refused = runner.invoke(app, ["eval", str(questions), "--reranker", "cross-encoder", "--db", seeded])
    assert (
        refused.exit_code == 2
        and "--reranker inconnu « cross-encoder » (connus : identity, proximity)" in refused.output
    )


def test_glossary_lists_the_shipped_found_and_editors_terms(seeded: str) -> None:
    add_term(Database(seeded), {"term": "carte CPS", "kind": "synonym", "forms": "e-CPS"}, author="marie")

    result = runner.invoke(app, ["glossary", "--json", "--search", "cps", "--db", seeded])

    assert result.exit_code == 0, result.output
    terms = {row["key"]: row for row in json.loads(result.output)}
    assert terms["carte cps"]["forms"] == ["e-CPS"] and terms["carte cps"]["searched"] is True
    assert (terms["e cps"]["status"], terms["e cps"]["searched"]) == ("livré", False)
    table = runner.invoke(app, ["glossary", "--search", "carte cps", "--db", seeded])
    assert "carte CPS" in table.output and "ajouté" in table.output
