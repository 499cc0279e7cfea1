"""Sentence splitting of French answers: offsets into the answer as stored, robust to what FAQ answers hold."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faqsante.search.sentences import PASSAGE_CHARACTERS, passage_limit, split_sentences


def pieces(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oui. La session dure 4 h.", ["Oui.", "La session dure 4 h."]),
        ("Est-ce valide ? Oui ! Fin…", ["Est-ce valide ?", "Oui !", "Fin…"]),
        # abbreviations and initials end no sentence
        ("M. Dupont, cf. art. 3 du décret. Voir p. 12.", ["M. Dupont, cf. art. 3 du décret.", "Voir p. 12."]),
        ("Signé par J. Martin. Puis envoyé.", ["Signé par J. Martin.", "Puis envoyé."]),
        # periods inside words: numbers, versions, addresses, codes
        ("La version 1.5 sort le 12.03.2024. Voir esante.gouv.fr/a.html ou ETHT.01 pour cela.",
         ["La version 1.5 sort le 12.03.2024.", "Voir esante.gouv.fr/a.html ou ETHT.01 pour cela."]),
        ("Allez sur https://esante.gouv.fr/produits/e-cps. Puis validez.",
         ["Allez sur https://esante.gouv.fr/produits/e-cps.", "Puis validez."]),
        # French quotes close the sentence they end
        ("Il dit « Bonjour. » Ensuite il part.", ["Il dit « Bonjour. »", "Ensuite il part."]),
        # a lower-case word after a period is the same sentence (« etc. » in a list, « 3. trois »)
        ("Cartes, lecteurs, etc. sont fournis.", ["Cartes, lecteurs, etc. sont fournis."]),
    ],
)  # fmt: skip
def test_sentences_end_where_a_reader_ends_them(text, expected):
    assert pieces(text) == expected


def test_lines_and_list_items_are_sentences_without_their_markers():
    text = "Plusieurs causes :\n- vous utilisez Android ;\n• l'identifiant est faux\n2) autre cause\n\nFin"
    assert pieces(text) == [
        "Plusieurs causes :",
        "vous utilisez Android ;",
        "l'identifiant est faux",
        "autre cause",
        "Fin",
    ]


def test_offsets_index_the_answer_as_stored():
    text = "Première phrase.  \r\nSeconde\u00a0phrase ?"
    assert split_sentences(text) == [(0, 16), (20, 36)]


def test_a_sentence_longer_than_a_passage_is_cut_at_its_clauses():
    clause = "la e-CPS s'active depuis l'application mobile après réception du code par courrier"
    text = "; ".join([clause] * 6) + "."  # one sentence of ~500 characters, the whole answer
    found = pieces(text)
    assert len(found) > 1
    assert all(len(piece) <= passage_limit(len(text)) for piece in found)
    assert all(piece.startswith("la e-CPS") for piece in found)  # cut after a « ; », not inside a clause


def test_passage_limit_is_240_characters_or_half_the_answer():
    assert passage_limit(100) == PASSAGE_CHARACTERS == 240
    assert passage_limit(1000) == 500


@given(st.text(alphabet=st.characters(codec=None), max_size=600) | st.text(alphabet="aB. ?!\n-1«»", max_size=600))
def test_bounds_are_valid_for_any_unicode_text(text):
    bounds = split_sentences(text)
    limit = passage_limit(len(text))
    previous_end = 0
    for start, end in bounds:
        assert previous_end <= start < end <= len(text)
        assert end - start <= limit
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    covered = {index for start, end in bounds for index in range(start, end)}
    assert all(index in covered for index, char in enumerate(text) if char.isalpha())  # only markers and spaces left
