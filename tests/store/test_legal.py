"""Legal pages kept in the meta table: defaults until an administrator writes one, French errors otherwise."""

from __future__ import annotations

import pytest

from faqsante.errors import InvalidInput, NotFound
from faqsante.store import Database, legal


def test_pages_show_their_default_until_edited_and_again_once_emptied(db: Database) -> None:
    assert [page.slug for page in legal.legal_pages(db)] == [
        "accessibilite",
        "mentions-legales",
        "donnees-personnelles",
    ]
    default = legal.legal_page(db, "mentions-legales")
    assert not default.edited and default.text == default.default

    legal.set_legal_page(db, "mentions-legales", "Édité par l'agence.\r\n")
    edited = legal.legal_page(db, "mentions-legales")
    assert edited.edited and edited.text == "Édité par l'agence."

    legal.set_legal_page(db, "mentions-legales", "   ")
    assert legal.legal_page(db, "mentions-legales") == default


def test_the_accessibility_statement_follows_the_declared_status(db: Database) -> None:
    assert legal.accessibility_status(db) == "non conforme"
    assert "déclaré **non conforme**" in legal.legal_page(db, "accessibilite").text
    legal.set_accessibility_status(db, "partiellement conforme")
    assert "déclaré **partiellement conforme**" in legal.legal_page(db, "accessibilite").text


def test_bad_input_is_refused_in_french(db: Database) -> None:
    with pytest.raises(NotFound, match="n'existe pas"):
        legal.legal_page(db, "../secret")
    with pytest.raises(InvalidInput, match="État de conformité inconnu"):
        legal.set_accessibility_status(db, "conforme")
    with pytest.raises(InvalidInput, match="trop long"):
        legal.set_legal_page(db, "accessibilite", "x" * (legal.MAX_PAGE_LENGTH + 1))


def test_defaults_are_whole_paragraphs_not_the_code_s_wrapped_lines(db: Database) -> None:
    # Markdown keeps line breaks as typed, so a wrapped default would show broken lines.
    text = legal.legal_page(db, "accessibilite").text
    assert "conformément à l'article 47 de la loi n° 2005-102" in text
    assert "Libre réponse 71120, 75342 Paris CEDEX 07." in text
