"""Suggested titles turn the first sentence of an answer back into the question it answers."""

from __future__ import annotations

import json

import httpx
import pytest

from faqsante.config import Settings
from faqsante.content.titles import MAX_TITLE_LENGTH, TitleSuggester, suggest_title


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        (
            "Non, le référencement au Catalogue de services n’est pas obligatoire.",
            "Est-ce que le référencement au Catalogue de services est obligatoire ?",
        ),
        (
            "Non, il est nécessaire de fournir toutes les preuves.",
            "Est-ce qu'il est nécessaire de fournir toutes les preuves ?",
        ),
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
    assert (
        suggest_title("Pour l’instant, ce n’est pas prévu.", "ESMS Numérique")
        == "Que faut-il savoir sur ESMS Numérique ?"
    )
    answer = "Ces fonctionnalités arrivent : l'INS sera intégrée au DMP."
    assert suggest_title(answer, "Mon espace santé", terms=["DMP", "INS"]) == (
        "Mon espace santé : que faut-il savoir sur INS et DMP ?"
    )


def test_titles_stay_short() -> None:
    answer = "Oui, " + " ".join(["les établissements doivent transmettre les indicateurs"] * 10) + "."
    title = suggest_title(answer)
    assert title is not None and len(title) <= MAX_TITLE_LENGTH + 3 and title.endswith("… ?")


def llm_settings() -> Settings:
    return Settings().model_copy(
        update={"llm_url": "https://llm.example/v1", "llm_model": "modele", "llm_api_key": "cle"}
    )


def test_a_configured_llm_words_the_title_and_the_extractive_one_backs_it_up() -> None:
    calls: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(
            {"url": str(request.url), "auth": request.headers["authorization"], "body": json.loads(request.content)}
        )
        return httpx.Response(200, json={"choices": [{"message": {"content": "« Le DMN reçoit-il l'identité ? »"}}]})

    suggester = TitleSuggester(llm_settings(), httpx.Client(transport=httpx.MockTransport(handler)))
    assert suggester.suggest("Oui, c'est cela.") == "Le DMN reçoit-il l'identité ?"
    assert suggester.suggest("Oui, c'est cela.") == "Le DMN reçoit-il l'identité ?"  # cached: one call
    assert len(calls) == 1 and calls[0]["url"] == "https://llm.example/v1/chat/completions"
    assert calls[0]["auth"] == "Bearer cle" and calls[0]["body"]["model"] == "modele"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500),
        httpx.Response(200, json={"choices": []}),
        httpx.Response(200, json={"choices": [{"message": {"content": "?"}}]}),  # "cannot guess"
    ],
)
def test_a_failing_llm_falls_back_on_the_extractive_title(response: httpx.Response) -> None:
    suggester = TitleSuggester(llm_settings(), httpx.Client(transport=httpx.MockTransport(lambda _request: response)))
    answer = "Il est possible d'appeler le 3422."
    assert suggester.suggest(answer) == suggest_title(answer)


def test_without_configuration_no_llm_is_called() -> None:
    suggester = TitleSuggester(Settings().model_copy(update={"llm_url": ""}))
    assert suggester.client is None
    assert suggester.suggest("Il est possible d'appeler le 3422.") == "Est-il possible d'appeler le 3422 ?"
