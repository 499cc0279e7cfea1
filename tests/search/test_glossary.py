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


def test_every_shipped_term_has_a_key_of_its_own():
    keys = [entry.key for entry in load_curated()]
    assert len(keys) == len(set(keys)) and all(keys)


def test_editors_entries_replace_or_turn_off_the_shipped_and_found_ones():
    from faqsante.search.glossary import GlossaryEntry, layered

    found = extract_definitions(
        ["AMOA = Assistant à Maîtrise d'Ouvrage", "le ROR (répertoire opérationnel des ressources)"]
    )
    editors = [
        GlossaryEntry("E-CPS", ("sésame",), origin="editor", kind="synonym"),  # the shipped « e-CPS », replaced
        GlossaryEntry("DMP", ("dossier médical partagé",), origin="editor", enabled=False),  # shipped, turned off
        GlossaryEntry("AMOA", ("assistance",), origin="editor", enabled=False),  # shipped and found, turned off
        GlossaryEntry("sésame", ("e-CPS",), origin="editor", kind="synonym"),  # new
    ]
    entries = {entry.key: entry for entry in layered(editors, found)}
    assert entries["e cps"].expansions == ("sésame",) and entries["e cps"].term == "E-CPS"
    assert "dmp" not in entries and "amoa" not in entries
    assert entries["sesame"].origin == "editor" and entries["ins"].origin == "curated"
    assert {entry.key for entry in layered(editors, found, disabled=True)} >= {"dmp", "amoa"}
