"""Answers are Markdown (plain text reads as Markdown): paragraphs, lists, links, phone numbers; the rest is escaped."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faqsante.search.sentences import split_sentences
from faqsante.web.presentation import (
    answer_html,
    entry_title,
    excerpt,
    marked_excerpt,
    passage_of,
    phone_links,
    span_excerpt,
)


def flat(html: str) -> str:
    return str(html).replace("\n", "")


def test_paragraphs_line_breaks_and_lists() -> None:
    html = answer_html("Plusieurs causes :\n- la première ;\n• la deuxième\n\nEnsuite\nune ligne\n\n1. un\n2. deux")
    assert flat(html) == (
        "<p>Plusieurs causes :</p>"
        "<ul><li>la première ;</li><li>la deuxième</li></ul>"
        "<p>Ensuite<br />une ligne</p>"
        "<ol><li>un</li><li>deux</li></ol>"
    )


def test_a_numbered_list_keeps_its_first_number() -> None:
    assert '<ol start="3"><li>trois</li></ol>' in flat(answer_html("Suite :\n3. trois"))


def test_markdown_links_and_emphasis_render_instead_of_showing_their_syntax() -> None:
    html = answer_html("Voir [la documentation](https://esante.gouv.fr/doc) **avant** de commencer.")
    assert '<a href="https://esante.gouv.fr/doc">la documentation</a>' in html
    assert "<strong>avant</strong>" in html and "](" not in html


def test_markdown_headings_sit_under_the_page_title() -> None:
    assert "<h2>Étapes</h2>" in answer_html("# Étapes\n\nUne.")
    assert "<h3>Étapes</h3>" in answer_html("# Étapes", heading_level=3)


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("voir https://esante.gouv.fr/faq.", '<a href="https://esante.gouv.fr/faq">https://esante.gouv.fr/faq</a>.'),
        ("(https://x.fr/a_(b))", '(<a href="https://x.fr/a_(b)">https://x.fr/a_(b)</a>)'),
        ('"https://x.fr/?a=1&b=2".', '&quot;<a href="https://x.fr/?a=1&amp;b=2">https://x.fr/?a=1&amp;b=2</a>&quot;.'),
        ("écrire à support@esante.gouv.fr.", '<a href="mailto:support@esante.gouv.fr">support@esante.gouv.fr</a>.'),
        ("appelez le 01 23 45 67 89", '<a href="tel:+33123456789">01 23 45 67 89</a>'),
        ("ou le 01.23.45.67.89", '<a href="tel:+33123456789">01.23.45.67.89</a>'),
        ("au 0 820 25 00 35", '<a href="tel:+33820250035">0 820 25 00 35</a>'),
        ("+33 (0)1 23 45 67 89", '<a href="tel:+33123456789">+33 (0)1 23 45 67 89</a>'),
        ("le numéro vert 3422.", 'numéro vert <a href="tel:3422">3422</a>.'),
    ],
)
def test_links_email_addresses_and_phone_numbers(text: str, link: str) -> None:
    assert link in answer_html(text)


@pytest.mark.parametrize(
    "text",
    ["12 chiffres", "RPPS 810012345678", "l'exigence INS 45", "en 2024", "3422 établissements", "version 3.2.1"],
)
def test_numbers_that_are_not_phone_numbers_stay_text(text: str) -> None:
    assert "<a" not in answer_html(text)


def test_markup_and_scripts_are_escaped() -> None:
    html = answer_html('<script>alert(1)</script> <a href="javascript:alert(1)">x</a> javascript:alert(1)')
    assert "<script" not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        "[clic](javascript:alert(1))",
        "[clic](JAVASCRIPT:alert(1))",
        "[clic]( javascript:alert(1))",
        "<javascript:alert(1)>",
        "[clic](data:text/html;base64,PHNjcmlwdD4=)",
        "[clic](//evil.example/x)",
        "![image](https://evil.example/x.png)",
        "[clic][r]\n\n[r]: vbscript:msgbox",
    ],
)
def test_no_unsafe_link_or_image_is_ever_produced(text: str) -> None:
    html = str(answer_html(text))
    assert "<img" not in html
    assert not re.search(r'href="(?!https?://|mailto:|tel:|/[^/]|#)', html), html


PIECES = [
    *"ab<>\"'&:/.@- \n1234567890+()•*[]!#_`",
    "http://",
    "https://",
    "javascript:",
    "mailto:",
    "tel:",
    "le ",
    ".fr",
]
ALLOWED_TAGS = "p|br|ul|ol|li|a|em|strong|code|pre|del|blockquote|hr|h[2-6]|table|thead|tbody|tr|th|td"


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_only_safe_links_ever_come_out(text: str) -> None:
    html = str(answer_html(text))
    assert not re.search(rf"<(?!/?(?:{ALLOWED_TAGS})\b)", html)
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("http://", "https://", "mailto:", "tel:", "/", "#")) and not href.startswith("//"), href


def test_phone_numbers_are_found_with_their_dialable_address() -> None:
    text = "appelez le 01 23 45 67 89 ou le 3422"
    assert [(text[start:end], href) for start, end, href in phone_links(text)] == [
        ("01 23 45 67 89", "tel:+33123456789"),
        ("3422", "tel:3422"),
    ]


def test_digits_that_are_no_number_to_dial_are_left_as_text() -> None:
    # "00" is the international prefix: the parser refuses it, so it is no short number (it raised before)
    assert phone_links("composez le 00 puis le 15") == [(23, 25, "tel:15")]
    assert "tel:" not in str(answer_html("appelez le 00"))


def test_a_phone_number_inside_a_link_is_left_in_its_link() -> None:
    html = answer_html("[le support au 01 23 45 67 89](https://x.fr)")
    assert html.count("<a ") == 1 and "tel:" not in html


def test_searched_words_are_marked_in_excerpts_as_search_matches_them() -> None:
    html = marked_excerpt("Activez votre e-CPS depuis l'application <b>.", "activer e-cps")
    assert html == "<mark>Activez</mark> votre <mark>e-CPS</mark> depuis l&#39;application &lt;b&gt;."
    assert marked_excerpt("Activez votre e-CPS.", None) == "Activez votre e-CPS."


def test_a_page_shows_the_title_the_core_chose_and_never_makes_one_of_its_own() -> None:
    assert entry_title({"question": None, "answer": "Oui. Mais pas toujours.", "title": "Faut-il l'INS ?"}) == (
        "Faut-il l'INS ?"
    )
    with pytest.raises(KeyError):  # no title from the question or the answer's lead here: content.title_book's
        entry_title({"question": "Où trouver mon identifiant ?", "answer": "…"})


def test_excerpts_are_flat_and_cut_at_a_word() -> None:
    assert excerpt("Causes :\n- une\n- deux") == "Causes : une deux"
    cut = excerpt("identifiant " * 40, 50)
    assert cut.endswith("…") and len(cut) <= 51 and "identifiant identifiant" in cut


def test_the_answering_passage_is_marked_inside_every_element_it_crosses() -> None:
    text = "Oui. La session *dure* 4 h, voir https://esante.gouv.fr/x.\n- point un. Suite ici."
    html = str(answer_html(text, passage=passage_of(text, "5-58")))
    assert html.startswith('<p>Oui. <mark class="reponse-phrase">La session </mark><em><mark')
    assert '<a href="https://esante.gouv.fr/x"><mark class="reponse-phrase">https://esante.gouv.fr/x</mark></a>' in html
    assert html.count("<mark") == html.count("</mark>") == 5
    assert "point un" in html and "<li>point un." in html  # the rest untouched


def test_marking_a_passage_adds_no_markup_of_the_answer_s_own() -> None:
    text = "Attention.\x02 <b>gras</b> \x03 <script>alert(1)</script> Fin."
    for start, end in split_sentences(text.replace("\x02", " ").replace("\x03", " ")):
        html = str(answer_html(text, passage=passage_of(text, f"{start}-{end}")))
        assert "<script>" not in html and "<b>" not in html
        assert html.count("<mark") == html.count("</mark>") >= 1


def test_a_result_snippet_is_its_first_span_with_the_query_words_marked() -> None:
    hit = {"answer": "Ce message a plusieurs causes. La session dure 4 h.", "spans": [{"start": 31, "end": 51}]}
    assert str(span_excerpt(hit, "la session dure")) == "La <mark>session</mark> <mark>dure</mark> 4 h."
    assert str(span_excerpt({**hit, "spans": []}, None)).startswith("Ce message")


def test_a_passage_of_several_list_items_is_marked_item_by_item() -> None:
    text = "Causes :\n- un code faux ;\n- une carte expirée ;\n- autre chose."
    start, end = text.index("un code"), text.index("expirée") + len("expirée ;")
    html = str(answer_html(text, passage=passage_of(text, f"{start}-{end}")))
    assert re.findall(r"<li>(.*?)</li>", html)[:2] == [
        '<mark class="reponse-phrase">un code faux ;</mark>',
        '<mark class="reponse-phrase">une carte expirée ;</mark>',
    ]
    assert "<ul>\n<li>" in html and "</mark>\n<li>" not in html  # nothing marked between the items
    assert passage_of(text, f"{start + 1}-{end}") is None  # not a sentence's start
