"""``faqsante facets`` and ``ask --facet``: counts, retag, evaluation, filters resolved and checked."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante.cli import app
from faqsante.facets import tags_by_entry
from faqsante.store import Database

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "facet_labels.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    directory = tmp_path_factory.mktemp("facets-cli")
    return {
        "FAQSANTE_DB": f"sqlite:///{directory / 'faq.db'}",
        "FAQSANTE_EMBEDDER": "none",
        "FAQSANTE_INDEX_DIR": str(directory / "index"),
    }


@pytest.fixture(scope="module")
def ingested(cli_env: dict[str, str]) -> dict[str, str]:
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    result = runner.invoke(app, ["ingest", str(sample)], env=cli_env)
    assert result.exit_code == 0, result.output
    return cli_env


def test_ingest_tags_every_entry(ingested: dict[str, str]) -> None:
    result = runner.invoke(app, ["facets", "--json"], env=ingested)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)

    assert set(payload) == {"query", "total", "untagged", "facets"}  # the shape of /api/facets
    assert payload["untagged"] == 0 and payload["total"] == 334 and payload["query"] is None
    assert list(payload["facets"]) == ["type_offre", "couloir_segur", "dispositif_segur", "produit", "thematique"]
    assert payload["facets"]["produit"]["ins"] >= 16


def test_the_table_shows_the_sites_prompts(ingested: dict[str, str]) -> None:
    result = runner.invoke(app, ["facets"], env=ingested)
    assert result.exit_code == 0, result.output
    assert "Votre question concerne quelle thématique ?" in result.output
    assert "Entrées sans aucun filtre : 0" in result.output


def test_retag_of_an_unchanged_base_changes_nothing(ingested: dict[str, str]) -> None:
    before = Database(ingested["FAQSANTE_DB"]).data_version()
    result = runner.invoke(app, ["facets", "--retag", "--json"], env=ingested)
    assert result.exit_code == 0, result.output
    assert Database(ingested["FAQSANTE_DB"]).data_version() == before


def test_evaluate_prints_precision_and_recall_per_facet(ingested: dict[str, str]) -> None:
    result = runner.invoke(app, ["facets", "--evaluate", str(LABELS), "--json"], env=ingested)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)

    assert report["labelled"] >= 60
    assert set(report["facets"]) == {"type_offre", "couloir_segur", "dispositif_segur", "produit", "thematique"}
    assert report["overall"]["precision"] >= 0.85 and report["overall"]["recall"] >= 0.75

    table = runner.invoke(app, ["facets", "--evaluate", str(LABELS)], env=ingested)
    assert "précision" in table.output and "toutes (micro)" in table.output


def test_ask_filters_by_a_label_typed_any_way(ingested: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["ask", "--json", "--top-k", "20", "--facet", "produit=ins", "qualifier une identité"], env=ingested
    )
    assert result.exit_code == 0, result.output
    ids = [hit["id"] for hit in json.loads(result.stdout)["results"]]
    tags = tags_by_entry(Database(ingested["FAQSANTE_DB"]), ids)

    assert ids and all("ins" in tags[entry]["produit"] for entry in ids)


def test_ask_with_an_unknown_value_says_what_exists(ingested: dict[str, str]) -> None:
    result = runner.invoke(app, ["ask", "--facet", "produit=Minitel", "identité"], env=ingested)
    assert result.exit_code == 2
    assert "valeur inconnue « Minitel »" in result.output
    assert "viatrajectoire" in result.output
