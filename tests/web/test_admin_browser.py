"""In Debian's headless Chromium: an editor signs in, fixes an entry, saves, and sees the fix and its history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from faqsante.accounts import create_user
from faqsante.store import catalog
from faqsante.store.models import Entry

from .test_browser import LiveServer, browser, live_server, page  # noqa: F401  (fixtures shared with the portal tests)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
LOST_QUESTION = "Oui, c'est cela."


def test_sign_in_edit_and_save(page, live_server: LiveServer) -> None:  # noqa: F811
    from playwright.sync_api import expect

    create_user(live_server.db, "marie", PASSWORD)
    with live_server.db.session() as session:
        entry_id = session.scalar(select(Entry.id).where(Entry.answer == LOST_QUESTION))
    csp_violations: list[str] = []
    page.on("console", lambda message: csp_violations.append(message.text) if "Content Security Policy" in message.text else None)

    page.goto(f"/admin/entrees/{entry_id}")
    expect(page).to_have_url(f"{live_server.url}/connexion?suivant=%2Fadmin%2Fentrees%2F{entry_id}")
    page.get_by_label("Identifiant").fill("marie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(f"{live_server.url}/admin/entrees/{entry_id}")
    page.get_by_label("Question", exact=False).first.fill("Le DMN reçoit-il la GAM par un message HL7 ADT ?")
    page.get_by_label("Réponse").fill("Oui : la GAM envoie un message HL7 V2 ADT à chaque création d'identité.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Modifications enregistrées.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Le DMN reçoit-il la GAM par un message HL7 ADT ?")
    expect(page.locator(".historique ins").first).to_be_visible()
    entry = catalog.get_entry(live_server.db, entry_id)
    assert entry.question == "Le DMN reçoit-il la GAM par un message HL7 ADT ?"
    assert entry.answer.startswith("Oui : la GAM")
    assert csp_violations == []

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion?deconnecte=1")
    page.goto("/admin")
    expect(page).to_have_url(f"{live_server.url}/connexion?suivant=%2Fadmin")
