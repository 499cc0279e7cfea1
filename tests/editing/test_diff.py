"""Revision diffs mark changed words and never let entry text through unescaped."""

from __future__ import annotations

from dataclasses import dataclass

from faqsante.editing.diff import history, word_diff


@dataclass
class V:
    question: str | None
    answer: str
    section: str | None = None
    status: str = "published"


def test_only_the_changed_word_is_marked() -> None:
    assert word_diff("conserve les messages 3 mois", "conserve les messages 6 mois") == (
        "conserve les messages <del>3</del><ins>6</ins> mois"
    )


def test_markup_in_entries_is_escaped() -> None:
    html = str(word_diff("texte", 'texte <script>alert("x")</script>'))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_history_lists_what_each_version_changed() -> None:
    versions = [
        V(None, "Oui."),
        V("Le DMP est-il gratuit ?", "Oui."),
        V("Le DMP est-il gratuit ?", "Oui.", status="archived"),
    ]
    changes = history(versions)
    assert [[diff.field for diff in version] for version in changes] == [["answer", "status"], ["question"], ["status"]]
    assert str(changes[2][0].html) == "<del>publiée</del><ins>archivée</ins>"
