"""HTML to plain text: structure kept (paragraphs, lists, line breaks, links), tags and scripts gone."""

from __future__ import annotations

import pytest

from faqsante.ingest.html_text import fragment_to_text, link_text


def test_an_answer_keeps_its_paragraphs_lists_breaks_and_links_and_loses_its_markup() -> None:
    # The example of the module's docstring.
    markup = (
        "<p>Vous pouvez :</p>\n"
        '<ul><li>appeler le <a href="tel:3422">3422</a></li>\n'
        '    <li>lire <a href="https://esante.gouv.fr/ins">le référentiel</a></li></ul>\n'
        '<p>Voir https://esante.gouv.fr<br>ou <a href="javascript:go()">ici</a>.</p><script>track()</script>'
    )

    assert fragment_to_text(markup) == (
        "Vous pouvez :\n"
        "\n"
        "- appeler le 3422\n"
        "- lire le référentiel (https://esante.gouv.fr/ins)\n"
        "\n"
        "Voir https://esante.gouv.fr\n"
        "ou ici."
    )


def test_paragraphs_are_separated_by_one_blank_line_and_spaces_collapse() -> None:
    markup = "<div>\n  <p>Premier   paragraphe,\n suite.</p>\n\n\n<p>Second&nbsp;: <b>gras</b> <i> et</i> fin.</p>"

    assert fragment_to_text(markup) == "Premier paragraphe, suite.\n\nSecond : gras et fin."


def test_br_is_a_line_break_and_list_items_are_dash_lines() -> None:
    markup = "Trois étapes :<br>lire<br/>comprendre<ol><li><p>appeler</p></li><li>écrire<ul><li>MSSanté</li></ul>"

    assert fragment_to_text(markup) == "Trois étapes :\nlire\ncomprendre\n\n- appeler\n- écrire\n  - MSSanté"


def test_two_br_in_a_row_separate_paragraphs() -> None:
    assert (
        fragment_to_text("Oui.<br><br>Sous réserve d'une INS qualifiée.<br>")
        == "Oui.\n\nSous réserve d'une INS qualifiée."
    )


def test_preformatted_text_and_table_rows_keep_their_layout() -> None:
    markup = (
        "<pre>insi-client \\\n  --qualifier</pre>"
        "<table><tr><th>Offre</th><th>Délai</th></tr><tr><td>DMP</td><td>3 mois</td></tr></table>"
    )

    assert fragment_to_text(markup) == "insi-client \\\n  --qualifier\n\nOffre | Délai\nDMP | 3 mois"


def test_script_style_and_template_content_is_dropped() -> None:
    markup = "<p>Texte<script>alert(1)</script><style>p{}</style><template><p>caché</p></template> visible</p>"

    assert fragment_to_text(markup) == "Texte visible"


def test_text_that_looks_like_markup_stays_text() -> None:
    assert fragment_to_text("Tarif &lt; 10 € &amp; délai < 3 jours") == "Tarif < 10 € & délai < 3 jours"


@pytest.mark.parametrize(
    ("label", "href", "text"),
    [
        ("le référentiel", "https://esante.gouv.fr/ins", "le référentiel (https://esante.gouv.fr/ins)"),
        ("https://esante.gouv.fr", "https://esante.gouv.fr", "https://esante.gouv.fr"),
        ("", "https://esante.gouv.fr", "https://esante.gouv.fr"),
        ("support@ans.fr", "mailto:support@ans.fr", "support@ans.fr"),
        ("3422", "tel:3422", "3422"),
        ("écrivez-nous", "mailto:support@ans.fr", "écrivez-nous (mailto:support@ans.fr)"),
        ("haut de page", "#top", "haut de page"),
        ("sans lien", "", "sans lien"),
        ("ici", "javascript:alert(1)", "ici"),
        ("ici", "  JavaScript:alert(1)", "ici"),
        ("ici", "java\tscript:alert(1)", "ici"),
        ("ici", "vbscript:msgbox", "ici"),
        ("ici", "data:text/html;base64,PHNjcmlwdD4=", "ici"),
    ],
)
def test_links_show_their_url_unless_it_is_the_label_or_unsafe(label: str, href: str, text: str) -> None:
    assert link_text(label, href) == text
