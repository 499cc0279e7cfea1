"""An entry's title is chosen, tidied or restated from its own text, never invented; editors get suggestions."""

from __future__ import annotations

import json

import httpx
import pytest

from faqsante.config import Settings
from faqsante.content.titles import (
    MAX_TITLE_LENGTH,
    MIN_OWN_SHARE,
    Candidate,
    Titled,
    TitleSuggester,
    distinct_titles,
    entry_title,
    own_share,
    suggest_title,
    tidy_question,
    title_key,
    titled,
)


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        (
            "Non, le référencement au Catalogue de services n’est pas obligatoire.",
            "Est-ce que le référencement au Catalogue de services est obligatoire ?",
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
    ],
)
def test_editors_are_suggested_the_question_the_first_sentence_answers(answer: str, title: str) -> None:
    assert suggest_title(answer) == title


@pytest.mark.parametrize(
    "answer",
    [
        "Non, il est nécessaire de fournir toutes les preuves.",  # « Est-ce qu'il est nécessaire… ? » reverses it
        "Connectez-vous sur votre compte ViaTrajectoire.",  # « Est-ce que Connectez-vous… ? » is no French
        "Oui, c'est cela.",
        "Pour l’instant, ce n’est pas prévu.",  # no « Que faut-il savoir sur … ? »: nothing is made up
        "Oui, " + " ".join(["les établissements doivent transmettre les indicateurs"] * 10) + ".",  # never cut
    ],
)
def test_no_suggestion_rather_than_a_wrong_or_invented_one(answer: str) -> None:
    assert suggest_title(answer, "ESMS Numérique") is None


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        # a « Non » lead with « ne … pas »: the yes/no question it answers is the same words, affirmative
        (
            "Non, l’ordre d’affichage des traits n’est pas une exigence. Néanmoins…",
            "Est-ce que l'ordre d'affichage des traits est une exigence ?",
        ),
        ("Oui, il faut une carte CPS.", "Est-ce qu'il faut une carte CPS ?"),
        # the reversed case: « Est-ce qu'il est nécessaire… ? » would be answered « Non » by « it is necessary »
        ("Non, il est nécessaire de fournir toutes les preuves.", "Il est nécessaire de fournir toutes les preuves"),
        ("Oui, vous ne pouvez pas le faire seul.", "Vous ne pouvez pas le faire seul"),  # « Oui » over « ne … pas »
        ("Connectez-vous sur votre compte ViaTrajectoire.", "Connectez-vous sur votre compte ViaTrajectoire"),
        ("Oui, c'est cela. La carte se renouvelle tous les trois ans.", "La carte se renouvelle tous les trois ans"),
        ("Ce message peut avoir plusieurs causes :\n- une\n- deux", "Ce message peut avoir plusieurs causes"),
        ("Non, dans ce cas, il n'y a pas besoin de l'INSi.", "Dans ce cas, il n'y a pas besoin de l'INSi"),
    ],
)
def test_without_a_question_the_title_restates_the_answers_lead(answer: str, title: str) -> None:
    assert entry_title(None, answer) == title
    assert own_share(title, [answer]) >= MIN_OWN_SHARE


def test_a_long_lead_is_cut_after_a_clause_or_a_word_never_inside_one() -> None:
    answer = (
        "Le temps maximum au bout duquel la session expire est de 4 heures, chaque service peut ensuite "
        "demander une nouvelle authentification selon ses propres règles de sécurité."
    )
    title = entry_title(None, answer)
    assert title == "Le temps maximum au bout duquel la session expire est de 4 heures…"
    answer = "Les établissements " + "transmettent leurs indicateurs hospitaliers " * 10 + "."
    cut = entry_title(None, answer)
    assert len(cut) <= MAX_TITLE_LENGTH and cut.endswith("…")
    assert set(cut.rstrip("…").lower().split()) <= set(answer.lower().split())


@pytest.mark.parametrize(
    ("typed", "tidied"),
    [
        ("comment activer ma e-cps", "Comment activer ma e-CPS ?"),
        ("  Où   trouver l'application E-CPS ?? ", "Où trouver l'application e-CPS ?"),
        ("Où trouver l'application E-CPS ?", "Où trouver l'application e-CPS ?"),
        ("comment m'inscrire sur medimail ?", "Comment m'inscrire sur Medimail ?"),
        ("mes codes ne marchent pas, que faire ?", "Mes codes ne marchent pas, que faire ?"),  # « mes » is French
        ("Puis-je utiliser ma carte CPS sur deux postes", "Puis-je utiliser ma carte CPS sur deux postes ?"),
        ("inscription à medimail", None),  # keywords
        ("activer e-cps ☠☠☠ 💀 👉👉 ???", None),
        ("pk ma ecps marche pas ?", None),  # text-message spelling
        ("COMMENT ACTIVER MA CARTE CPS ?", None),
        ("INS ?", None),
    ],
)
def test_a_visitors_question_is_a_title_only_well_formed_and_tidied_without_changing_words(
    typed: str, tidied: str | None
) -> None:
    assert tidy_question(typed) == tidied


def test_the_title_is_the_editors_question_else_the_best_well_formed_accepted_one_else_the_lead() -> None:
    answer = "Activez votre e-CPS depuis l'application, avec le code reçu par SMS."
    visitor = Candidate("activer e-cps ☠☠☠ 💀 👉👉 ???", "learned", asked_count=9, id=1)
    keywords = Candidate("activation ecps", "import", id=2)
    imported = Candidate("comment activer sa e-cps", "import", id=3)
    asked = Candidate("Comment j'active ma e-CPS ?", "learned", asked_count=3, id=4)
    assert entry_title("  Comment activer ma   e-CPS ? ", answer, [visitor, imported]) == "Comment activer ma e-CPS ?"
    assert entry_title(None, answer, [visitor, keywords, asked, imported]) == "Comment activer sa e-CPS ?"
    assert entry_title(None, answer, [visitor, keywords, asked]) == "Comment j'active ma e-CPS ?"
    assert entry_title(None, answer, [visitor, keywords]) == (
        "Activez votre e-CPS depuis l'application, avec le code reçu par SMS"
    )
    # where each comes from, which the workspace tells editors (« titre dérivé … »)
    assert [titled(*case)[1] for case in (("Q ?", answer), (None, answer, [imported]), (None, answer, [keywords]))] == [
        "editors", "question", "answer",
    ]  # fmt: skip


def test_equal_titles_are_told_apart_by_what_differs() -> None:
    same = "Comment activer ma e-CPS ?"
    told = distinct_titles(
        [
            Titled("a", same, ("Pro Santé Connect", "e-CPS", "Activez-la depuis l'application")),
            Titled("b", same, ("MSSanté", "e-CPS", "Activez-la depuis la messagerie")),
            Titled("c", "comment ACTIVER ma e-CPS", ("MSSanté", "Medimail", "Depuis Medimail")),
            Titled("d", "Où trouver mon code ?", ("MSSanté", "", "")),
            Titled("e", "Où trouver mon code ?", ("MSSanté", "", "")),
        ]
    )
    assert told == {
        "a": "Comment activer ma e-CPS ? (Pro Santé Connect)",
        "b": "Comment activer ma e-CPS ? (MSSanté)",  # « e-CPS » is in the title already: no help
        "c": "comment ACTIVER ma e-CPS (MSSanté · Medimail)",
        "d": "Où trouver mon code ? (réf. d)",  # nothing else tells them apart
        "e": "Où trouver mon code ? (réf. e)",
    }
    assert len({title_key(title) for title in told.values()}) == 5


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
