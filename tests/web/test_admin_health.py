"""Content health an editor can act on: rows with titles and actions, a dashboard of what waits."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from faqsante.accounts import create_user
from faqsante.answers import catalog
from faqsante.editing.titles import count_untitled
from faqsante.feedback import suggestions
from faqsante.feedback.audience import submit_question
from faqsante.health.lint import lint_database
from faqsante.store import Database
from faqsante.web.deps import service_of

from .conftest import HTML, PASSWORD, sign_in, token_of

pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)


def test_lint_rows_show_the_entry_title_and_the_action_of_their_kind(editor: TestClient) -> None:  # noqa: F811
    db: Database = service_of(editor.app).db
    page = editor.get("/admin/lint", headers=HTML).text
    stale = next(f for f in lint_database(db) if f.kind == "stale")
    row = page.split(f'<span class="identifiant">{stale.entry_id}</span>', 1)[0].rsplit("<tr>", 1)[1]
    title = re.search(rf'<a href="/admin/entrees/{stale.entry_id}">([^<]+)</a>', row)
    assert title and title.group(1) != stale.entry_id  # the question (or the answer's first sentence), not an id
    after = page.split(f'<span class="identifiant">{stale.entry_id}</span>', 1)[1].split("</tr>", 1)[0]
    assert f'href="/admin/entrees/{stale.entry_id}#modifier-titre">Mettre à jour la réponse</a>' in after
    duplicates = page.split('id="controle-duplicate"', 1)[1].split("</section>", 1)[0]
    assert "Comparer et fusionner" in duplicates and "entre sources" not in duplicates
    assert "Donner une question" in page.split('id="controle-needs-question"', 1)[1].split("</section>", 1)[0]


def test_the_dashboard_counts_what_waits_for_an_editor(editor: TestClient) -> None:  # noqa: F811
    db: Database = service_of(editor.app).db
    submit_question(db, "Une question qui attend")
    page = editor.get("/admin", headers=HTML).text
    waiting = page.split('aria-label="À traiter"', 1)[1].split("</ul>", 1)[0]
    untitled = count_untitled(db)
    stale = len({f.entry_id for f in lint_database(db) if f.kind == "stale"})
    assert re.search(r"<strong>\d+</strong> questions? reçues? à traiter", waiting)
    assert f"<strong>{untitled}</strong> entrée" in waiting and f"<strong>{stale}</strong> entrée" in waiting
    assert f"<strong>{suggestions.count_suggestions(db)}</strong> question" in waiting


def test_an_editor_sets_a_review_in_admin_and_the_dashboard_counts_it(own_client: TestClient) -> None:
    client = own_client
    create_user(service_of(client.app).db, "marie", PASSWORD, "editor")
    assert sign_in(client).status_code == 303
    entry_id = catalog.list_entries(service_of(client.app).db).items[0].id
    before = client.get("/admin", headers=HTML).text
    page = client.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    form = {"csrf_token": token_of(page), "date_relecture": "2020-01-31", "responsable": "Équipe INS"}

    saved = client.post(f"/admin/entrees/{entry_id}/relecture", data=form, headers=HTML, follow_redirects=False)
    refused = client.post(
        f"/admin/entrees/{entry_id}/relecture", data={**form, "date_relecture": "31 février"}, headers=HTML
    )

    assert saved.status_code == 303
    edited = client.get(saved.headers["location"], headers=HTML).text
    assert 'value="2020-01-31"' in edited and 'value="Équipe INS"' in edited
    assert "à relire depuis le 31/01/2020 (responsable : Équipe INS)" in edited
    assert refused.status_code == 400 and "illisible" in refused.text and 'value="31 février"' in refused.text
    counted = re.compile(r"<strong>(\d+)</strong> entrées? à relire")
    assert counted.search(before).group(1) == "0"  # type: ignore[union-attr]
    assert counted.search(client.get("/admin", headers=HTML).text).group(1) == "1"  # type: ignore[union-attr]
    report = client.get("/admin/lint", params={"type": "review-due"}, headers=HTML).text
    assert "à relire depuis le 31/01/2020" in report
