"""Visitors' comments reach editors: on the entry's page in /admin and in the analytics, filtered by day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from faqsante.feedback.audience import record_vote
from faqsante.store import Database
from faqsante.store.models import Feedback, utcnow
from faqsante.web.deps import service_of

from .conftest import HTML, sign_in
from .test_admin import entry_id_of

pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)

LOST_QUESTION = "Oui, c'est cela."


def test_a_no_vote_with_a_comment_is_on_the_entry_page_and_in_the_analytics(
    client: TestClient,
    editor: TestClient,  # noqa: F811
) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, LOST_QUESTION)
    client.cookies.clear()  # a visitor, not the editor
    client.post(
        f"/reponses/{entry_id}/avis", data={"utile": "non", "commentaire": "Il manque le contexte « GAM ».", "q": "gam"}
    )
    record_vote(db, entry_id, "un autre visiteur", helpful=False, comment="Réponse d'il y a longtemps")
    with db.session() as session:  # left 60 days ago
        old = Feedback.comment == "Réponse d'il y a longtemps"
        session.execute(update(Feedback).where(old).values(created_at=utcnow() - timedelta(days=60)))
    sign_in(client)
    page = client.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    feedback = page.split('id="avis"', 1)[1].split("</section>", 1)[0]
    assert "Il manque le contexte « GAM »." in feedback and "après la recherche « gam »" in feedback
    assert "Réponse d&#39;il y a longtemps" in feedback and "0 « utile », 2 « pas utile »" in feedback

    recent = (utcnow() - timedelta(days=7)).date().isoformat()
    filtered = client.get(f"/admin/entrees/{entry_id}", params={"du": recent}, headers=HTML).text.split('id="avis"', 1)[
        1
    ]
    assert "Il manque le contexte" in filtered and "il y a longtemps" not in filtered.split("</section>", 1)[0]

    analytics = client.get("/admin/analytics", params={"jours": 30}, headers=HTML).text
    comments = analytics.split('id="commentaires"', 1)[1]
    assert "Il manque le contexte « GAM »." in comments and "il y a longtemps" not in comments
    assert f'href="/admin/entrees/{entry_id}#avis"' in comments
    older = client.get("/admin/analytics", params={"jours": 90}, headers=HTML).text.split('id="commentaires"', 1)[1]
    assert "Réponse d&#39;il y a longtemps" in older


def test_a_reversed_period_is_explained_in_the_page(editor: TestClient) -> None:  # noqa: F811
    response = editor.get("/admin/analytics", params={"du": "2026-11-20", "au": "2026-11-01"}, headers=HTML)
    assert response.status_code == 200 and "La date de début (du) doit précéder la date de fin (au)." in response.text
    assert editor.get("/admin/api/analytics", params={"du": "2026-11-20", "au": "2026-11-01"}).status_code == 400
