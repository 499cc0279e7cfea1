"""What a reader is told about a flagged answer: the same checks as `faqsante lint`, worded for readers."""

from __future__ import annotations

from datetime import date

from faqsante.health.notices import entry_notices

TODAY = date(2026, 11, 29)


def test_a_promise_whose_date_is_past_is_a_stale_notice() -> None:
    answer = "Les fonctionnalités seront disponibles d'ici la fin de l'année 2022 dans votre logiciel."
    (notice,) = entry_notices("e1", None, answer, "DMP", today=TODAY)
    assert notice.kind == "stale"
    assert notice.message.startswith(
        "Cette réponse annonce une échéance aujourd'hui passée : « d'ici la fin de l'année 2022 »"
    )
    assert "(31/12/2022)" in notice.message and "échéance passée :" not in notice.message


def test_the_same_promise_before_its_date_is_no_notice() -> None:
    answer = "Les fonctionnalités seront disponibles d'ici la fin de l'année 2022 dans votre logiciel."
    assert entry_notices("e1", None, answer, None, today=date(2022, 6, 1)) == []


def test_a_lost_link_is_a_dangling_reference_notice() -> None:
    (notice,) = entry_notices(
        "e1", "Où trouver le modèle ?", "Pour en savoir plus, consultez la page suivante :", None, today=TODAY
    )
    assert notice.kind == "dangling-reference" and "introuvable" in notice.message
    assert notice.to_dict() == {"kind": "dangling-reference", "message": notice.message}


def test_editors_only_findings_are_not_shown_to_readers() -> None:
    # A short answer without its question is the editors' business (needs-question), not the reader's.
    assert entry_notices("e1", None, "Oui, c'est cela.", None, today=TODAY) == []
