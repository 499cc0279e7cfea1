"""Two editors on one entry: publishing from the edit form never deletes a draft the publisher did not see
(#19.2). The draft stays, says it was written from an older revision, and conflicts when it is published."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from faqsante import editing
from faqsante.answers import catalog
from faqsante.store import Database
from faqsante.store.models import Entry
from faqsante.web.deps import service_of

from .conftest import HTML, sign_in, token_of

pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)


def published(db: Database, offset: int) -> str:
    with db.session() as session:
        entry_id = session.scalar(
            select(Entry.id).where(Entry.status == "published").order_by(Entry.id).offset(offset).limit(1)
        )
    assert entry_id
    return entry_id


def form_of(client: TestClient, entry_id: str) -> dict[str, str]:
    """Every field of the entry's edit form as the page filled it."""
    page = client.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    form = page.split(f'action="/admin/entrees/{entry_id}" class="formulaire"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    answer = re.search(r'<textarea id="reponse"[^>]*>(.*?)</textarea>', form, re.S)
    assert answer, form
    return {**fields, "csrf_token": token_of(page), "question": "", "reponse": answer.group(1), "rubrique": ""}


def second_editor(app: object) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    assert sign_in(client, "admin").status_code == 303
    return client


def test_publishing_from_a_form_opened_before_a_draft_keeps_that_draft(editor: TestClient) -> None:  # noqa: F811
    db: Database = service_of(editor.app).db
    entry_id = published(db, 3)
    paul = second_editor(editor.app)
    pauls_form = form_of(paul, entry_id)  # opened before Marie saved her draft
    maries = {
        **form_of(editor, entry_id),
        "reponse": "Le texte de Marie, relu pendant une heure.",
        "action": "brouillon",
    }
    assert editor.post(f"/admin/entrees/{entry_id}", data=maries, headers=HTML).status_code == 200

    pauls = {**pauls_form, "reponse": "La correction de Paul.", "action": "publier"}
    assert paul.post(f"/admin/entrees/{entry_id}", data=pauls, headers=HTML).status_code == 200

    assert catalog.get_entry(db, entry_id).answer == "La correction de Paul."
    draft = editing.get_draft(db, entry_id)
    assert draft is not None and draft.answer == "Le texte de Marie, relu pendant une heure."
    page = editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    assert "écrit à partir de la révision" in page  # Marie is told before she publishes
    token = token_of(page)
    conflict = editor.post(f"/admin/entrees/{entry_id}/brouillon/publier", data={"csrf_token": token}, headers=HTML)
    assert conflict.status_code == 409 and "modifiée entre-temps par admin" in conflict.text
    # The page is titled by Paul's published answer, and its history shows what he changed since her draft.
    assert "<h1>La correction de Paul</h1>" in conflict.text and "<ins>Paul</ins>" in conflict.text
    assert (
        editing.get_draft(db, entry_id) is not None
        and catalog.get_entry(db, entry_id).answer == "La correction de Paul."
    )


def test_publishing_the_draft_the_form_showed_spends_it(editor: TestClient) -> None:  # noqa: F811
    db: Database = service_of(editor.app).db
    entry_id = published(db, 4)
    maries = {**form_of(editor, entry_id), "reponse": "Le texte de Marie.", "action": "brouillon"}
    assert editor.post(f"/admin/entrees/{entry_id}", data=maries, headers=HTML).status_code == 200
    paul = second_editor(editor.app)
    pauls_form = form_of(paul, entry_id)  # the form shows Marie's draft
    assert pauls_form["reponse"] == "Le texte de Marie."

    pauls = {**pauls_form, "reponse": "Le texte de Marie, complété par Paul.", "action": "publier"}
    assert paul.post(f"/admin/entrees/{entry_id}", data=pauls, headers=HTML).status_code == 200

    assert catalog.get_entry(db, entry_id).answer == "Le texte de Marie, complété par Paul."
    assert editing.get_draft(db, entry_id) is None
