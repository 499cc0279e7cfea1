"""Markdown: ``#`` is a section, ``##``/``###`` a question, the answer is the Markdown below it."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.errors import IngestError
from faqsante.ingest.base import parse_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_hash_headings_are_sections_and_double_or_triple_hash_headings_questions() -> None:
    source = parse_file(FIXTURES / "faq.md")

    assert source.parser == "markdown"
    assert [(entry.section, entry.question) for entry in source.entries] == [
        ("Identitovigilance et INS", "Qu'est-ce que l'INS ?"),
        ("Identitovigilance et INS", "Comment qualifier une INS ?"),
        ("MSSanté", "Combien de temps les messages sont-ils conservés ?"),  # closing "##" dropped
    ]
    assert [entry.line for entry in source.entries] == [11, 22, 37]  # the question's heading


def test_answer_keeps_its_markdown_trimmed() -> None:
    first = parse_file(FIXTURES / "faq.md").entries[0]

    assert first.answer == (
        "L'identité nationale de santé (INS) est l'identité officielle de l'usager.\n"
        "\n"
        "Elle comprend :\n"
        "\n"
        "- le matricule INS ;\n"
        "- les traits d'identité.\n"
        "\n"
        "Voir [le référentiel INS](https://esante.gouv.fr/ins)."
    )


def test_fenced_code_and_deeper_headings_belong_to_the_answer() -> None:
    second = parse_file(FIXTURES / "faq.md").entries[1]

    assert "```\n# une ligne de commentaire, pas un titre\ninsi-client --qualifier\n```" in second.answer
    assert second.answer.endswith("#### Cas particulier\n\nLes nouveau-nés ont un INS provisoire.")


def test_front_matter_and_text_under_no_question_are_ignored() -> None:
    answers = " ".join(entry.answer for entry in parse_file(FIXTURES / "faq.md").entries)

    assert "title:" not in answers
    assert "équipe support" not in answers
    assert "introduction" not in answers


def test_markdown_without_any_question_heading_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# INS\n\nL'INS est l'identité officielle de l'usager.\n", encoding="utf-8")

    with pytest.raises(IngestError, match=r"aucune question \(## …\) trouvée") as caught:
        parse_file(path)
    assert caught.value.path.endswith("notes.md")


def test_question_without_an_answer_is_refused_at_its_heading(tmp_path: Path) -> None:
    path = tmp_path / "faq.markdown"
    path.write_text("## Qui ?\n\nTout le monde.\n\n## Quand ?\n\n## Où ?\nPartout.\n", encoding="utf-8")

    with pytest.raises(IngestError) as caught:
        parse_file(path)
    assert caught.value.reason == "la question « Quand ? » n'a pas de réponse"
    assert caught.value.line == 5


def test_a_hash_without_a_space_is_not_a_heading(tmp_path: Path) -> None:
    path = tmp_path / "faq.md"
    path.write_text("## Quel canal ?\n#mssante sur le forum.\n", encoding="utf-8")

    [entry] = parse_file(path).entries

    assert entry.answer == "#mssante sur le forum."
