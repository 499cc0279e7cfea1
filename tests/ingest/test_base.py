"""The registry: every format registered, a parser chosen by extension or content, non-text refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.errors import IngestError
from faqsante.ingest.base import PARSERS, parse_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ONE_ENTRY = {
    "csv": "question,answer\nQui ?,Tout le monde.\n",
    "json": '[{"question": "Qui ?", "answer": "Tout le monde."}]',
    "jsonl": '{"question": "Qui ?", "answer": "Tout le monde."}\n',
    "markdown": "## Qui ?\nTout le monde.\n",
    "html": "<details><summary>Qui ?</summary>Tout le monde.</details>",
    "scraped-text": "Tout le monde.\nCette réponse vous a-t-elle été utile ?\n",
}


def test_importing_the_package_registers_every_format() -> None:
    assert set(PARSERS) == set(ONE_ENTRY)


@pytest.mark.parametrize(
    ("suffix", "format"),
    [
        (".csv", "csv"),
        (".tsv", "csv"),
        (".json", "json"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".md", "markdown"),
        (".markdown", "markdown"),
        (".html", "html"),
        (".HTM", "html"),
        (".txt", "scraped-text"),
    ],
)
def test_the_extension_chooses_the_parser(tmp_path: Path, suffix: str, format: str) -> None:
    path = tmp_path / f"faq{suffix}"
    path.write_text(ONE_ENTRY[format], encoding="utf-8")

    source = parse_file(path)

    assert source.parser == format
    assert [entry.answer for entry in source.entries] == ["Tout le monde."]


def test_format_option_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(ONE_ENTRY["jsonl"], encoding="utf-8")

    assert parse_file(path, format="jsonl").parser == "jsonl"


def test_unknown_format_option_is_refused_listing_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(ONE_ENTRY["csv"], encoding="utf-8")

    known = r"\(formats connus : csv, html, json, jsonl, markdown, scraped-text\)"
    with pytest.raises(IngestError, match=rf"format inconnu « xml » {known}"):
        parse_file(path, format="xml")


def test_a_binary_file_is_refused_not_read_as_an_empty_faq(tmp_path: Path) -> None:
    path = tmp_path / "binary.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    with pytest.raises(IngestError, match="fichier binaire") as caught:
        parse_file(path, format="csv")
    assert caught.value.path.endswith("binary.bin")


def test_a_file_of_no_known_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "faq.xlsx"
    path.write_text("Qui ?;Tout le monde.", encoding="utf-8")

    with pytest.raises(IngestError, match="format non reconnu"):
        parse_file(path)


def test_windows_1252_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_bytes("question;réponse\nQu'est-ce que l'INS ?;L'identité nationale de santé.\n".encode("cp1252"))

    [entry] = parse_file(path).entries

    assert entry.answer == "L'identité nationale de santé."
