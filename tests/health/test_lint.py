"""The content-health report flags, on the seed corpus, every problem the corpus README names."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faqsante.cli import app
from faqsante.health.lint import Finding, lint_database, lint_documents
from faqsante.ingest import ingest_paths
from faqsante.search.corpus import Document
from faqsante.store import Database
from faqsante.store.models import Entry

TODAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def seed_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('lint') / 'seed.db'}"
    database = Database(url)
    ingest_paths(database, [Path(__file__).parents[2] / "data" / "sample"])
    database.dispose()
    return url


@pytest.fixture(scope="module")
def seed_findings(seed_url: str) -> list[Finding]:
    return lint_database(Database(seed_url), today=TODAY)


def answers_flagged(seed_url: str, findings: list[Finding], kind: str) -> list[str]:
    ids = {finding.entry_id for finding in findings if finding.kind == kind}
    with Database(seed_url).session() as session:
        return [session.get(Entry, entry_id).answer for entry_id in ids]  # type: ignore[union-attr]


def doc(answer: str, question: str | None = None, sources: tuple[str, ...] = ("a.txt",), id: str = "e1") -> Document:
    return Document(id=id, question=question, answer=answer, section=None, sources=sources)


@pytest.mark.parametrize(
    "words",
    ["D’ici la fin de l’année 2022", "A partir d’août 2021", "d’ici le 30 décembre 2021", "à partir de mi 2022"],
)
def test_every_dated_promise_of_the_seed_is_stale(seed_url: str, seed_findings: list[Finding], words: str) -> None:
    assert any(words in answer for answer in answers_flagged(seed_url, seed_findings, "stale"))


@pytest.mark.parametrize("answer", ["Oui, c'est cela.", "Pour l’instant, ce n’est pas prévu."])
def test_answers_that_need_their_question(seed_url: str, seed_findings: list[Finding], answer: str) -> None:
    assert answer in answers_flagged(seed_url, seed_findings, "needs-question")


@pytest.mark.parametrize("words", ["Pour en savoir plus :", "En voici un modèle :", "à l'adresse suivante :"])
def test_lost_links_are_dangling_references(seed_url: str, seed_findings: list[Finding], words: str) -> None:
    assert any(words in answer for answer in answers_flagged(seed_url, seed_findings, "dangling-reference"))


def test_duplicates_are_pairs_to_merge_not_texts_the_import_merged(seed_findings: list[Finding]) -> None:
    duplicates = [finding for finding in seed_findings if finding.kind == "duplicate"]
    near = [finding for finding in duplicates if "quasi-doublon" in finding.detail]
    assert near and all(f.related_id and "similarité 0," in f.detail for f in near)
    assert all(f.related_id for f in duplicates)  # each names the entry to merge with
    # 000_ and 002_ share three answers word for word: the import made each one entry with two sources
    assert not any("entre sources" in f.detail for f in duplicates)


def test_an_exact_duplicate_between_two_entries_is_listed_with_its_pair() -> None:
    first = Document("a1", "Q1 ?", "Le même texte, mot pour mot.", None, ("x.txt",))
    second = Document("b2", "Q2 ?", "Le même texte, mot pour mot.", None, ("y.txt",))
    merged = Document("c3", "Q3 ?", "Un texte lu dans deux sources.", None, ("x.txt", "y.txt"))
    [finding] = lint_documents([first, second, merged], today=TODAY, kinds=["duplicate"])
    assert (finding.entry_id, finding.related_id) == ("a1", "b2") and "doublon exact" in finding.detail


def test_the_mistyped_support_address_is_flagged(seed_findings: list[Finding]) -> None:
    contacts = [finding.detail for finding in seed_findings if finding.kind == "contact"]
    typos = [detail for detail in contacts if "faute de frappe" in detail]
    assert any("assitance@esante-occitanie.fr" in detail and "assistance" in detail for detail in typos)
    assert not any("assistance@esante-occitanie.fr" in detail for detail in typos)
    assert any("mss@esante-occitanie.fr" in detail for detail in contacts)  # every address is listed for review


def test_stale_depends_on_today() -> None:
    document = doc("Le service sera ouvert à partir de mars 2030.")
    assert lint_documents([document], today=date(2030, 4, 1), kinds=["stale"])
    assert not lint_documents([document], today=date(2030, 3, 31), kinds=["stale"])


@pytest.mark.parametrize(
    "answer",
    [
        "Au 3ème trimestre 2020, une délibération de la CNIL a validé la conservation jusqu'à 5 ans.",
        "Le téléservice est disponible depuis janvier 2021.",
        "Voir le décret n° 2016-46 et le règlement 2017/745.",
    ],
)
def test_history_and_references_are_not_stale(answer: str) -> None:
    assert not lint_documents([doc(answer)], today=TODAY, kinds=["stale"])


def test_a_question_makes_a_short_answer_fine() -> None:
    assert lint_documents([doc("Non, ce n'est pas obligatoire.")], today=TODAY, kinds=["needs-question"])
    assert not lint_documents(
        [doc("Non, ce n'est pas obligatoire.", question="Le DMP est-il obligatoire ?")],
        today=TODAY,
        kinds=["needs-question"],
    )


def test_conditional_si_is_not_a_reply() -> None:
    answer = "Si un établissement candidate, il doit fournir son attestation."
    assert not lint_documents([doc(answer)], today=TODAY, kinds=["needs-question"])


def test_near_duplicate_pair_names_both_entries() -> None:
    first = doc("Retrouvez toutes les informations sur l'espace dédié au Module Grand Age.", id="a")
    second = doc("Retrouvez toutes les informations sur l’espace dedié au module Grand Âge.", id="b")
    [finding] = lint_documents([first, second], today=TODAY, kinds=["duplicate"])
    assert (finding.entry_id, finding.related_id) == ("a", "b")


def test_a_nine_digit_phone_number_is_a_typo() -> None:
    [finding] = lint_documents([doc("Appelez le 0820 250 35.")], today=TODAY, kinds=["contact"])
    assert "9 chiffres" in finding.detail


def test_cli_json_is_a_list_of_findings(seed_url: str) -> None:
    result = CliRunner().invoke(app, ["lint", "--json", "--today", "2026-01-15", "--db", seed_url])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload and all(set(item) == {"entry_id", "kind", "detail"} for item in payload)
    assert {item["kind"] for item in payload} == {
        "stale",
        "needs-question",
        "dangling-reference",
        "duplicate",
        "contact",
    }


def test_cli_refuses_an_unknown_check(seed_url: str) -> None:
    result = CliRunner().invoke(app, ["lint", "--kind", "orthographe", "--db", seed_url])
    assert result.exit_code == 2
