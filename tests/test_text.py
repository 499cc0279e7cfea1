"""Text normalisation: one rule for each need, shared by ingest, search, tagging, content checks and analytics."""

import pytest

from faqsante.ingest.base import content_hash
from faqsante.text import column_key, fold, fold_for_comparison, fold_words, is_acronym, normalize


def test_typographic_apostrophes_and_compatibility_forms_become_plain() -> None:
    assert normalize("l’INS, lʼe-CPS\u00a0") == "l'INS, l'e-CPS "


def test_fold_drops_case_accents_and_ligatures_of_a_word() -> None:
    assert fold("Téléconsultation") == "teleconsultation"
    assert fold("Œuvre") == "oeuvre"


def test_fold_words_drops_punctuation_too_and_may_keep_the_case() -> None:
    assert fold_words("L’e-CPS : Téléconsultation  œuvre") == "l e cps teleconsultation oeuvre"
    assert fold_words("L’e-CPS", keep_case=True) == "L e CPS"


def test_texts_that_read_the_same_compare_the_same() -> None:
    assert fold_for_comparison("L’INS  est\u00a0composée") == fold_for_comparison("l'ins est composée")
    assert content_hash("L’INS ?", "Oui.") == content_hash("l'INS  ?", "oui.")
    assert fold_for_comparison("composée") != fold_for_comparison("composee")  # accents are meaning, here


@pytest.mark.parametrize(
    ("typed", "key"),
    [(" Réponse ", "reponse"), ("Type offre", "type_offre"), ("Archivé", "archive"), ("sous-titre", "sous_titre")],
)
def test_column_names_are_keyed_as_people_type_them(typed: str, key: str) -> None:
    assert column_key(typed) == key


@pytest.mark.parametrize(
    ("word", "acronym"),
    [
        ("MES", True),
        ("INS", True),
        ("HL7", True),
        ("CI-SIS", True),
        ("Mes", False),
        ("INSi", False),
        ("e-CPS", False),
        ("A", False),
    ],
)
def test_an_acronym_is_written_in_capitals(word: str, acronym: bool) -> None:
    assert is_acronym(word) is acronym
