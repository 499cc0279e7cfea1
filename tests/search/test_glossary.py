"""Glossary: curated file and definitions extracted from real seed answers."""

from pathlib import Path

from faqsante.ingest import parse_file
from faqsante.search.glossary import extract_definitions, load_curated, load_glossary

SEED = Path(__file__).resolve().parents[2] / "data" / "sample" / "004_f08617c875fe96e2.txt"


def seed_answers() -> list[str]:
    return [entry.answer for entry in parse_file(SEED).entries]


def test_definitions_are_extracted_from_a_seed_answer():
    answer = next(a for a in seed_answers() if "identité nationale de santé (INS)" in a)
    found = {entry.term: entry.expansions for entry in extract_definitions([answer])}
    assert found["INS"] == ("identité nationale de santé",)
    assert "Numéro d’Inscription au Répertoire" in found["NIR"] or "Numéro d'Inscription au Répertoire" in found["NIR"]


def test_letters_must_fit_the_long_form():
    assert extract_definitions(["il possède un plateau d'imagerie (RIS)"]) == []
    assert extract_definitions(["AMOA = Assistant à Maîtrise d'Ouvrage"])[0].expansions == (
        "Assistant à Maîtrise d'Ouvrage",
    )


def test_curated_entries_win_over_extracted_ones():
    from faqsante.search.corpus import Document

    docs = [Document(id="x", question=None, answer=a, section=None) for a in seed_answers()]
    entries = {entry.term: entry for entry in load_glossary(docs)}
    assert entries["INS"].origin == "curated"
    curated = {entry.term for entry in load_curated()}
    extracted = {term for term, entry in entries.items() if entry.origin == "extracted"}
    assert extracted and not extracted & curated
