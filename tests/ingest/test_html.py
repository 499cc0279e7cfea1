"""HTML FAQ pages: JSON-LD, microdata, accordions and definition lists; half pages refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.errors import IngestError
from faqsante.ingest.base import parse_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def questions(path: Path) -> list[str | None]:
    return [entry.question for entry in parse_file(path).entries]


def test_json_ld_faq_page_inside_a_graph_gives_its_questions_and_ignores_other_types() -> None:
    source = parse_file(FIXTURES / "faq_jsonld.html")

    assert source.parser == "html"
    first, second = source.entries
    assert first.question == "Quelle est la durée d'une session Pro Santé Connect ?"
    assert first.answer == "Une session dure 4 heures.\n\nAu-delà, l'utilisateur doit se réauthentifier."
    assert first.section is None
    # acceptedAnswer given as a list; its HTML becomes structured text.
    assert second.answer == (
        "Activez-la depuis l'application :\n"
        "\n"
        "- téléchargez l'application e-CPS ;\n"
        "- suivez le guide (https://esante.gouv.fr/produits-services/e-cps)."
    )


def test_same_question_in_json_ld_and_microdata_is_kept_once() -> None:
    entries = parse_file(FIXTURES / "faq_microdata.html").entries

    assert [(entry.question, entry.section) for entry in entries] == [
        ("Qu'est-ce que l'INS ?", "Identitovigilance et INS"),  # microdata, under its <h2>
        ("Qui peut qualifier une INS ?", "Identitovigilance et INS"),  # name given by <meta content>
        ("L'INS remplace-t-elle le NIR ?", None),  # only in the JSON-LD (a top-level list)
    ]
    assert entries[0].answer == "L'identité nationale de santé (INS) est l'identité officielle de l'usager."
    assert entries[1].answer == "Tout professionnel habilité, après vérification d'une pièce d'identité."
    assert [entry.position for entry in entries] == [0, 1, 2]


def test_details_accordions_take_the_heading_before_them_as_section() -> None:
    entries = parse_file(FIXTURES / "faq_details.html").entries

    assert [(entry.section, entry.question) for entry in entries] == [
        ("Mon espace santé", "Qui peut ouvrir Mon espace santé ?"),
        ("Mon espace santé", "Quelles sont les fonctionnalités ?"),  # an <h3> inside <summary> is no section
        ("MSSanté", "Combien de temps les messages sont-ils conservés ?"),
        ("ViaTrajectoire", "Qui contacter pour un problème de connexion ?"),  # named by its group accordion
    ]


def test_details_answer_keeps_paragraphs_lists_and_links_as_plain_text() -> None:
    entries = parse_file(FIXTURES / "faq_details.html").entries

    assert entries[0].answer == (
        "Mon espace santé est ouvert à l'ensemble des assurés, y compris les enfants.\n"
        "\n"
        "Le compte de l'enfant est rattaché à celui de son ouvrant droit."
    )
    assert entries[1].answer == (
        "Il y a 4 fonctionnalités :\n"
        "\n"
        "- un dossier médical\n"
        "- une messagerie sécurisée de santé\n"
        "  - alias MSSanté\n"
        "- un agenda\n"
        "\n"
        "En savoir plus : https://www.monespacesante.fr\n"
        "ou sur le site de l'ANS (https://esante.gouv.fr/mon-espace-sante)."
    )
    assert entries[2].answer == "Medimail conserve les messages pendant 3 mois."  # bare text, no <p>
    assert entries[3].answer == "Contactez le support régional : support@viatrajectoire.fr."


def test_an_accordion_without_an_answer_is_not_an_entry() -> None:
    assert "Question sans réponse" not in questions(FIXTURES / "faq_details.html")


def test_definition_lists_give_one_entry_per_term() -> None:
    entries = parse_file(FIXTURES / "faq_dl.html").entries

    assert [(entry.section, entry.question) for entry in entries] == [
        ("FAQ ROR", "Qu'est-ce que le ROR ?"),
        ("FAQ ROR", "Qui met à jour le ROR ?"),  # <dt>/<dd> wrapped in a <div>
        ("Pâstel", "Qu'est-ce que Pâstel ?"),
    ]
    assert entries[1].answer == (
        "Chaque établissement met à jour sa description.\n\nLes ARS accompagnent les établissements."
    )
    # A <dl> inside an answer is part of that answer, not more questions.
    assert entries[2].answer == (
        "Un service de suivi des projets.\n\nSigle\n\nUn terme défini dans la réponse, pas une question."
    )


def test_scripts_styles_and_javascript_links_never_reach_an_answer() -> None:
    [entry] = parse_file(FIXTURES / "faq_scripts.html").entries

    assert entry.answer == (
        "Utilisez le portail de signalement ou ce lien ou celui-ci ou cette page.\n"
        "\n"
        "Le signalement est obligatoire.\n"
        "\n"
        "Guide : esante.gouv.fr (https://esante.gouv.fr/securite)"
    )
    for forbidden in ("<", "alert", "XSS", "javascript", "data:", "steal", "color", "Activez JavaScript"):
        assert forbidden.lower() not in entry.answer.lower()


def test_truncated_html_is_refused_naming_the_file_and_line() -> None:
    with pytest.raises(IngestError) as caught:
        parse_file(FIXTURES / "truncated.html")

    assert caught.value.path.endswith("truncated.html")
    assert caught.value.line == 10  # the <details> left open
    assert "HTML tronqué" in caught.value.reason


@pytest.mark.parametrize(
    ("html", "line", "reason"),
    [
        (
            "<!doctype html>\n<html><body>\n<details><summary>Q ?</summary>R.</details>\n</body>",
            4,
            "HTML tronqué : la balise </html> de fin manque",
        ),
        ("<html><body><details><summary>Quoi ?</summary><p>Ceci", 1, "HTML tronqué : balise <details> jamais fermée"),
        ("<h2>ROR</h2>\n<dl><dt>Q ?</dt>\n<dd>Réponse coupée", 2, "HTML tronqué : balise <dl> jamais fermée"),
        ("<html><body>\n<script>var faq = [\n</body></html>", 2, "HTML tronqué : balise <script> jamais fermée"),
        ("<html><body>\n<!-- début\n</body></html>", 2, "HTML tronqué : commentaire <!-- jamais fermé"),
        (
            "<details><summary>Q ?</summary>R.</details>\n</details>",
            2,
            "HTML mal formé : </details> sans <details> ouvrante",
        ),
    ],
)
def test_unbalanced_html_is_refused(tmp_path: Path, html: str, line: int, reason: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_file(write(tmp_path, "page.html", html))

    assert (caught.value.line, caught.value.reason) == (line, reason)


def test_tags_inside_scripts_and_comments_do_not_count_as_unbalanced(tmp_path: Path) -> None:
    page = (
        "<html><body><script>document.write('<details><dl>');</script><!-- <details> -->"
        "<details><summary>Q ?</summary>R.</details></body></html>"
    )

    assert questions(write(tmp_path, "page.html", page)) == ["Q ?"]


def test_json_ld_that_does_not_parse_is_refused_at_its_line(tmp_path: Path) -> None:
    page = (
        "<!doctype html>\n<html><head>\n"
        '<script type="application/ld+json">\n'
        '{"@type": "FAQPage",\n'
        ' "mainEntity": [{"@type": "Question", "name": "Q ?",\n'
        '                 "acceptedAnswer": {"text": "R." }}}]}\n'  # one brace too many
        "</script>\n</head><body></body></html>\n"
    )

    with pytest.raises(IngestError) as caught:
        parse_file(write(tmp_path, "page.html", page))

    assert caught.value.line == 6
    assert caught.value.reason.startswith("JSON-LD invalide")


def test_a_page_without_faq_structure_is_refused_as_empty(tmp_path: Path) -> None:
    page = "<!doctype html><html><body><h1>Contact</h1><p>Écrivez-nous.</p></body></html>"

    with pytest.raises(IngestError, match=r"aucune entrée de FAQ trouvée \(format html\)"):
        parse_file(write(tmp_path, "contact.html", page))


@pytest.mark.parametrize("start", ["<!DOCTYPE html>\n<html>", "\n  <html lang='fr'>"])
def test_html_is_recognised_by_its_content_whatever_the_extension(tmp_path: Path, start: str) -> None:
    page = f"{start}<body><details><summary>Q ?</summary>R.</details></body></html>"

    assert parse_file(write(tmp_path, "page.txt", page)).parser == "html"
