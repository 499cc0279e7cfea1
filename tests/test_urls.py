"""One rule for the web addresses people give us: what a browser opens, over http(s), on a real port; and one
function for the address we give an answer: its id, then a readable slug of its title (#20.2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faqsante.errors import InvalidInput
from faqsante.urls import EMPTY_SLUG, MAX_SLUG_LENGTH, SLUG_SHAPE, answer_path, site_of, slug, web_address


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" https://esante.gouv.fr/faq ", "https://esante.gouv.fr/faq"),
        ("https://esante.gouv.fr", "https://esante.gouv.fr/"),
        ("http://esante.gouv.fr:8080/faq?q=ins#haut", "http://esante.gouv.fr:8080/faq?q=ins#haut"),
        ("https://exemple.fr/é", "https://exemple.fr/%C3%A9"),
        ("", None),
        ("   ", None),
    ],
)
def test_a_web_address_is_kept_as_a_browser_writes_it(typed: str, stored: str | None) -> None:
    assert web_address(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "http://[::1",  # urlsplit raised ValueError: a 500 on the sources form (#19.13)
        "http://esante.gouv.fr:99999/faq",  # #19.16
        "http://esante.gouv.fr:abc/faq",
        "http://esante.gouv.fr:0/faq",
        "esante.gouv.fr",
        "javascript:alert(1)",
        "ftp://esante.gouv.fr/faq",
        "https://esante.gouv.fr@evil.example/",  # reads as the Agency's site, opens another
        "http://a b.fr/",
        "https://\ud800.fr/",
        "https://esante.gouv.fr/" + "x" * 2000,
    ],
)
def test_anything_else_is_refused_in_french_on_the_address_field(typed: str) -> None:
    with pytest.raises(InvalidInput, match="Adresse invalide") as refused:
        web_address(typed)
    assert refused.value.field == "adresse"
    str(refused.value).encode()  # printable on any page


def test_the_site_of_a_stored_address_never_raises() -> None:
    assert site_of("https://esante.gouv.fr/faq") == "esante.gouv.fr"
    assert site_of("http://[::1") is None and site_of("pas une adresse") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Le DMN doit-il recevoir l’INS ?", "le-dmn-doit-il-recevoir-l-ins"),  # little words kept: it reads
        ("Où télécharger l'application e-CPS ?", "ou-telecharger-l-application-e-cps"),
        ("Qu’est-ce qu’un « cœur » de métier ?", "qu-est-ce-qu-un-coeur-de-metier"),
        ("ÉTAPE 3 : activer la carte CPS (Pro Santé Connect)", "etape-3-activer-la-carte-cps-pro-sante-connect"),
        ("Straße, İstanbul, ﬁchier", "strasse-istanbul-fichier"),  # casefold and NFKC: no letter lost
        ("  --Messagerie__sécurisée--  ", "messagerie-securisee"),
    ],
)
def test_a_slug_is_the_title_in_plain_lower_case_words(title: str, expected: str) -> None:
    assert slug(title) == expected


@pytest.mark.parametrize(
    "title", ["", "   ", "???", "« — »", "日本語のタイトル", "🙂", "\x00", "a" * (MAX_SLUG_LENGTH + 1)]
)
def test_a_title_without_a_usable_word_still_has_a_slug(title: str) -> None:
    assert slug(title) == EMPTY_SLUG


def test_a_long_title_is_cut_between_words() -> None:
    title = "Comment renouveler sa carte de professionnel de santé lorsque celle-ci arrive à expiration dans moins d'un mois ?"
    cut = slug(title)
    assert cut == "comment-renouveler-sa-carte-de-professionnel-de-sante-lorsque-celle-ci-arrive-a"
    assert len(cut) <= MAX_SLUG_LENGTH and slug(title + " encore").startswith(cut)


@given(st.text(st.characters(exclude_categories=())))
def test_any_title_has_a_slug_the_portal_accepts(title: str) -> None:
    made = slug(title)
    assert SLUG_SHAPE.fullmatch(made) and made == made.lower()
    words = made.split("-")
    assert all(words)  # no empty word: no « -- », no edge hyphen
    folded = slug(" ".join(words))
    assert folded == made  # words kept whole: a slug is its own slug


def test_the_id_finds_the_answer_and_is_written_whole() -> None:
    assert answer_path("c11796043a08", "Le DMN doit-il recevoir l'INS ?") == (
        "/reponses/c11796043a08/le-dmn-doit-il-recevoir-l-ins"
    )
    assert answer_path("a/b?c", "") == "/reponses/a%2Fb%3Fc/reponse"  # an id never leaves its path segment
