"""One rule for the web addresses people give us: what a browser opens, over http(s), on a real port."""

from __future__ import annotations

import pytest

from faqsante.errors import InvalidInput
from faqsante.urls import site_of, web_address


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
