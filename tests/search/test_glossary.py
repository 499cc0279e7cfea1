"""Glossary: curated file, definitions extracted from real seed answers, and query expansion."""

from pathlib import Path

from faqsante.ingest import parse_file
from faqsante.search.analysis import FrenchAnalyzer
from faqsante.search.glossary import QueryExpander, extract_definitions, load_curated, load_glossary

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
    assert extract_definitions(["AMOA = Assistant à Maîtrise d'Ouvrage"])[0].expansions == ("Assistant à Maîtrise d'Ouvrage",)


def test_curated_entries_win_over_extracted_ones():
    from faqsante.search.corpus import Document

    docs = [Document(id="x", question=None, answer=a, section=None) for a in seed_answers()]
    entries = {entry.term: entry for entry in load_glossary(docs)}
    assert entries["INS"].origin == "curated"
    curated = {entry.term for entry in load_curated()}
    extracted = {term for term, entry in entries.items() if entry.origin == "extracted"}
    assert extracted and not extracted & curated


def test_expansion_works_both_ways_and_respects_ordinary_words():
    analyzer = FrenchAnalyzer()
    expander = QueryExpander(load_curated(), analyzer, seed_answers())
    assert "Pro Santé Connect" in expander.expand("se connecter avec PSC")
    assert "PSC" in expander.expand("connexion pro sante connect")
    assert "Mon espace santé" in expander.expand("catalogue MES")
    assert expander.expand("mes documents") == []  # "mes" is a pronoun unless written in capitals


def test_a_name_of_several_words_is_found_as_one_phrase():
    analyzer = FrenchAnalyzer()
    expander = QueryExpander(load_curated(), analyzer, seed_answers())
    phrases = expander.phrases(analyzer.tokens("durée de session Pro Santé Connect"))
    assert [[token.text for token in phrase] for phrase in phrases] == [["pro", "sante", "connect"]]
    assert expander.phrases(analyzer.tokens("durée de session PSC")) == []  # one word: already one concept
