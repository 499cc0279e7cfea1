"""Suggested titles turn the first sentence of an answer back into the question it answers."""

from __future__ import annotations

import pytest

from faqsante.content.titles import MAX_TITLE_LENGTH, suggest_title


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        (
            "Non, le référencement au Catalogue de services n’est pas obligatoire.",
            "Est-ce que le référencement au Catalogue de services est obligatoire ?",
        ),
        ("Non, il est nécessaire de fournir toutes les preuves.", "Est-ce qu'il est nécessaire de fournir toutes les preuves ?"),
        (
            "Pour écrire à un patient, le professionnel de santé doit disposer d'un compte.",
            "Comment écrire à un patient ?",
        ),
        (
            "Le catalogue de services a pour objectif de référencer des outils.",
            "À quoi sert le catalogue de services ?",
        ),
        ("TéléO est la solution régionale de télémédecine.", "Qu'est-ce que TéléO ?"),
        ("Il est possible d'appeler le 3422.", "Est-il possible d'appeler le 3422 ?"),
        (
            "Si l’établissement est satisfait de son éditeur actuel, il peut le garder.",
            "Que se passe-t-il si l'établissement est satisfait de son éditeur actuel ?",
        ),
        (
            "La e-CPS fonctionne immédiatement après son activation.",
            "Est-ce que la e-CPS fonctionne immédiatement après son activation ?",
        ),
    ],
)
def test_the_first_sentence_becomes_a_question(answer: str, title: str) -> None:
    assert suggest_title(answer) == title


def test_an_answer_that_says_nothing_alone_falls_back_on_its_terms_and_section() -> None:
    assert suggest_title("Oui, c'est cela.") is None
    assert suggest_title("Pour l’instant, ce n’est pas prévu.", "ESMS Numérique") == "Que faut-il savoir sur ESMS Numérique ?"
    answer = "Ces fonctionnalités arrivent : l'INS sera intégrée au DMP."
    assert suggest_title(answer, "Mon espace santé", terms=["DMP", "INS"]) == (
        "Mon espace santé : que faut-il savoir sur INS et DMP ?"
    )


def test_titles_stay_short() -> None:
    answer = "Oui, " + " ".join(["les établissements doivent transmettre les indicateurs"] * 10) + "."
    title = suggest_title(answer)
    assert title is not None and len(title) <= MAX_TITLE_LENGTH + 3 and title.endswith("… ?")
