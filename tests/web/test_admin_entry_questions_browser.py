"""In Debian's headless Chromium: a visitor finds an answer helpful, an editor accepts the question it taught."""

from __future__ import annotations

import pytest

from faqsante.accounts import create_user
from faqsante.store.questions import entry_questions

from .test_browser import (  # noqa: F401  (fixtures shared with the portal tests)
    LiveServer,
    browser,
    entry_id_of,
    live_server,
    page,
    type_question_and_wait_for_results,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
QUESTION = "combien de chiffres a un identifiant e-cps"


def test_a_helpful_answer_teaches_a_question_an_editor_accepts(page, live_server: LiveServer) -> None:  # noqa: F811
    from playwright.sync_api import expect

    page.goto("/")
    first = type_question_and_wait_for_results(page, QUESTION).first
    entry_id = entry_id_of(first.get_attribute("href"))
    first.click()
    page.get_by_role("button", name="Oui").click()
    expect(page.get_by_role("status").filter(has_text="Merci")).to_be_visible()

    create_user(live_server.db, "marie", PASSWORD)
    page.goto("/admin/suggestions")
    page.get_by_label("Identifiant").fill("marie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    row = page.get_by_role("row").filter(has_text=f"« {QUESTION} »")
    expect(row).to_be_visible()
    row.get_by_role("button", name="Accepter").click()

    expect(page.get_by_role("status")).to_contain_text("Suggestions acceptées")
    expect(page.get_by_role("row").filter(has_text=f"« {QUESTION} »")).to_have_count(0)
    assert [
        (q.text, q.state, q.decided_by) for q in entry_questions(live_server.db, entry_id) if q.text == QUESTION
    ] == [(QUESTION, "accepted", "marie")]
    page.goto(f"/admin/entrees/{entry_id}#questions")
    expect(page.locator("#questions input[name=texte]").first).to_have_value(QUESTION)
