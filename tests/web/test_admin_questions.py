"""The submitted-questions queue in /admin: answers proposed by search, linked in one click, the visitor mailed."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from faqsante.feedback.audience import record_query, submit_question
from faqsante.store import Database
from faqsante.web.deps import service_of
from smtp_sink import SmtpSink

from .conftest import HTML, PUBLIC_URL, mail_on, token_of

pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)


def test_a_proposed_answer_is_linked_in_one_click_and_the_visitor_mailed(
    editor: TestClient,  # noqa: F811  (the fixture imported above)
    plain_smtp_sink: SmtpSink,  # noqa: F811
) -> None:
    db: Database = service_of(editor.app).db
    with mail_on(editor.app, plain_smtp_sink):
        asked = submit_question(db, "identifiant e-CPS combien de chiffres ?", "lea@example.org")
        queue = editor.get("/admin/questions", headers=HTML).text
        article = queue.split(f'id="question-{asked.id}"', 1)[1].split("</article>", 1)[0]
        proposed = re.findall(r'name="entree" value="(\w+)"', article)
        assert proposed, article
        assert "lea@example.org recevra un e-mail" in article

        linked = editor.post(
            f"/admin/questions/{asked.id}/reponse",
            data={"csrf_token": token_of(queue), "entree": proposed[0]},
            follow_redirects=False,
        )

        assert linked.status_code == 303
        [received] = plain_smtp_sink.inbox  # sent after the response, before the test client returns
        assert received.recipients == ["lea@example.org"]
        assert f"{PUBLIC_URL}/reponses/{proposed[0]}" in received.text()
        answered = editor.get("/admin/questions?statut=answered", headers=HTML).text
        assert "E-mail envoyé à lea@example.org" in answered


def test_a_wrong_id_stays_in_the_queue_with_the_error_beside_the_question(editor: TestClient) -> None:  # noqa: F811
    db: Database = service_of(editor.app).db
    asked = submit_question(db, "Une question à relier")
    token = token_of(editor.get("/admin/questions", headers=HTML).text)

    refused = editor.post(f"/admin/questions/{asked.id}/reponse", data={"csrf_token": token, "entree": "pas-un-id"})

    assert refused.status_code == 400 and 'class="espace-admin"' in refused.text
    article = refused.text.split(f'id="question-{asked.id}"', 1)[1].split("</article>", 1)[0]
    assert "Aucune entrée n&#39;a l&#39;identifiant « pas-un-id »" in article and 'role="alert"' in article
    assert re.search(r'value="pas-un-id" aria-invalid="true"', article)


def test_a_mail_that_could_not_leave_is_shown_with_its_reason(editor: TestClient) -> None:  # noqa: F811
    db: Database = service_of(editor.app).db
    with mail_on(editor.app):  # nothing listens at the configured server
        asked = submit_question(db, "Et si le serveur d'envoi est en panne ?", "paul@example.org")
        queue = editor.get("/admin/questions", headers=HTML).text
        entry_id = re.findall(r'name="entree" value="(\w+)"', queue.split(f'id="question-{asked.id}"', 1)[1])[0]
        linked = editor.post(
            f"/admin/questions/{asked.id}/reponse", data={"csrf_token": token_of(queue), "entree": entry_id},
            follow_redirects=False,
        )  # fmt: skip
    assert linked.status_code == 303  # the editor is not held up by the mail server
    answered = editor.get("/admin/questions?statut=answered", headers=HTML).text
    assert "E-mail à paul@example.org pas encore envoyé (1 tentative : Serveur d&#39;envoi injoignable" in answered


def test_an_off_topic_content_gap_is_dismissed_from_the_analytics(editor: TestClient) -> None:  # noqa: F811
    db: Database = service_of(editor.app).db
    record_query(db, "horaires de la piscine municipale", result_ids=[], abstained=True, top_confidence=None,
                 latency_ms=1.0, channel="web")  # fmt: skip
    page = editor.get("/admin/analytics", headers=HTML).text
    assert "<td>horaires de la piscine municipale</td>" in gaps_of(page)

    dismissed = editor.post(
        "/admin/analytics/hors-sujet?jours=30",
        data={"csrf_token": token_of(page), "question": "horaires de la piscine municipale"},
    )

    assert "écartée des contenus manquants" in dismissed.text
    assert "<td>horaires de la piscine municipale</td>" not in gaps_of(dismissed.text)


def gaps_of(page: str) -> str:
    return page.split("<h2>Contenus manquants</h2>", 1)[1].split("<h2>", 1)[0]
