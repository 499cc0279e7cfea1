"""The title desk: published entries without an editors' question, with what could become their title."""

from __future__ import annotations

from tests.questions_faq import small_faq

from faqsante.editing.titles import count_untitled, untitled
from faqsante.feedback.learning import learn
from faqsante.store import Database


def test_an_untitled_entry_comes_with_its_visitors_suggestions(db: Database) -> None:
    faq = small_faq(db)  # "ins" is the one published entry without a question
    learn(faq, "ins", "INS c'est quoi")
    learn(faq, "ins", "c'est quoi INS")  # the same question (same key): one suggestion asked twice

    listed = untitled(faq)

    assert count_untitled(faq) == 1
    assert [(entry.id, [candidate.kind for candidate in entry.candidates]) for entry in listed] == [
        ("ins", ["visiteur, à valider"])
    ]
    assert "INS c'est quoi" in listed[0].candidates[0].text
