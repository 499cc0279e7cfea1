"""Scraped text dumps, checked on the real seed files in data/sample/."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.ingest.base import ParsedEntry, parse_file

SAMPLE_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "sample"
SAMPLES = sorted(SAMPLE_DIR.glob("*.txt"))
CHROME = [
    "Votre question concerne quel type d'offre ?",
    "Votre question concerne quel couloir Ségur ?",
    "Votre question concerne quel dispositif Ségur ?",
    "Votre question concerne quel produit ou service produit?",
    "Votre question concerne quelle thématique ?",
    "Cette réponse vous a-t-elle été utile ?",
    "Accueil > FAQ",
]


@pytest.fixture(scope="module")
def entries_by_file() -> dict[str, list[ParsedEntry]]:
    return {path.name[:3]: parse_file(path).entries for path in SAMPLES}


@pytest.fixture(scope="module")
def entries(entries_by_file: dict[str, list[ParsedEntry]]) -> list[ParsedEntry]:
    return [entry for file_entries in entries_by_file.values() for entry in file_entries]


def test_the_five_sample_files_give_337_answers_of_which_334_are_distinct(
    entries_by_file: dict[str, list[ParsedEntry]], entries: list[ParsedEntry]
) -> None:
    assert {name: len(file_entries) for name, file_entries in entries_by_file.items()} == {
        "000": 18,
        "001": 20,
        "002": 20,
        "003": 20,
        "004": 259,
    }
    assert len(entries) == 337
    assert len({entry.content_key for entry in entries}) == 334
    assert all(parse_file(path).parser == "scraped-text" for path in SAMPLES)


def test_page_chrome_never_appears_in_an_answer(entries: list[ParsedEntry]) -> None:
    # The scrape spells the breadcrumb « Accueil   >   FAQ »: compare with spaces collapsed.
    answers = [" ".join(entry.answer.split()) for entry in entries]

    for chrome in CHROME:
        assert not [answer for answer in answers if chrome in answer], chrome


def test_section_headings_of_file_004_name_its_answers_and_are_not_answers(
    entries_by_file: dict[str, list[ParsedEntry]],
) -> None:
    file_004 = entries_by_file["004"]
    sections = {entry.section for entry in file_004}

    assert {"Mon espace santé", "Identitovigilance et INS", "MSSanté", "Financements Ségur SONS (éditeurs)"} <= sections
    assert not {entry.answer.split("\n")[0] for entry in file_004} & sections
    first_ins = next(entry for entry in file_004 if entry.section == "Identitovigilance et INS")
    assert first_ins.answer.startswith("L’identitovigilance est une démarche qualité")


def test_files_without_headings_have_no_sections(entries_by_file: dict[str, list[ParsedEntry]]) -> None:
    for name in ("000", "001", "002", "003"):
        assert {entry.section for entry in entries_by_file[name]} == {None}


def test_bullet_lines_stay_lines_of_their_answer(entries_by_file: dict[str, list[ParsedEntry]]) -> None:
    blank_separated = next(entry for entry in entries_by_file["004"] if "L’attestation de droit" in entry.answer)
    one_line_per_paragraph = next(entry for entry in entries_by_file["000"] if "- Interopérabilité," in entry.answer)

    assert blank_separated.answer.endswith(
        "L’INS peut-être trouvé sur :\n"
        "- L’attestation de droit de l’enfant\n"
        "- Via interrogation de l’INSi\n"
        "- Dans l’onglet messagerie santé de Mon Espace Santé de l'enfant"
    )
    assert "sous-thématiques :\n- Interopérabilité,\n- Services socles et référentiels,\n" in (
        one_line_per_paragraph.answer
    )


def test_entries_know_their_position_and_first_line(entries_by_file: dict[str, list[ParsedEntry]]) -> None:
    file_004 = entries_by_file["004"]

    assert [entry.position for entry in file_004] == list(range(len(file_004)))
    assert file_004[0].line == 7  # after the breadcrumb, the page title and the section heading


def test_a_last_answer_cut_before_its_feedback_line_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text("Oui.\n\nCette réponse vous a-t-elle été utile ?\n\nLa suite a été coupée par", encoding="utf-8")

    assert [entry.answer for entry in parse_file(path).entries] == ["Oui.", "La suite a été coupée par"]
