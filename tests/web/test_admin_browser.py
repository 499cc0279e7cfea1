"""In Debian's headless Chromium: what editors do in /admin, checked on the page, in the database and in the mailbox.

An editor signs in and fixes an entry; sees a visitor's « Non » and its comment; answers a submitted question
from the answers search proposes (the visitor's e-mail reaches a real SMTP server); saves a draft, previews,
publishes and restores an older revision; creates an entry that visitors then find under its filter.
"""

# Fixtures imported from test_browser.py are parameters of the tests here: ruff sees them redefined.
# ruff: noqa: F811

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from sqlalchemy import select

from faqsante import editing
from faqsante.accounts import create_user
from faqsante.answers import catalog
from faqsante.feedback.audience import submit_question
from faqsante.mail import latest_by_question
from faqsante.store.models import Entry
from smtp_sink import SmtpSink

from .conftest import PUBLIC_URL, mail_on
from .test_browser import PHONE, LiveServer, browser, live_server, overflow, page  # noqa: F401  (fixtures shared with the portal tests)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
LOST_QUESTION = "Oui, c'est cela."
T = TypeVar("T")


@pytest.fixture(scope="module")
def editor_account(live_server: LiveServer) -> str:
    create_user(live_server.db, "marie", PASSWORD)
    return "marie"


def sign_in(tab, username: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Open ``path`` and sign in on the page it leads to."""
    tab.goto(path)
    tab.get_by_label("Identifiant").fill(username)
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()


def test_sign_in_edit_and_save(page, live_server: LiveServer, editor_account: str) -> None:
    from playwright.sync_api import expect

    with live_server.db.session() as session:
        entry_id = session.scalar(select(Entry.id).where(Entry.answer == LOST_QUESTION))
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )

    page.goto(f"/admin/entrees/{entry_id}")
    expect(page).to_have_url(f"{live_server.url}/connexion?suivant=%2Fadmin%2Fentrees%2F{entry_id}")
    page.get_by_label("Identifiant").fill("marie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(f"{live_server.url}/admin/entrees/{entry_id}")
    page.get_by_label("Question", exact=False).first.fill("Le DMN reçoit-il la GAM par un message HL7 ADT ?")
    page.get_by_label("Réponse").fill("Oui : la GAM envoie un message HL7 V2 ADT à chaque création d'identité.")
    page.get_by_role("button", name="Publier les modifications").click()

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


def test_a_visitors_no_and_comment_reach_the_editor(page, live_server: LiveServer, editor_account: str) -> None:
    from playwright.sync_api import expect

    entry_id = published_entry(live_server, "12 chiffres")
    page.goto(f"/reponses/{entry_id}")
    page.get_by_role("button", name="Non", exact=True).click()
    page.get_by_label("Qu'est-ce qui vous a manqué ?").fill("Un exemple d'identifiant e-CPS, s'il vous plaît.")
    page.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(page.get_by_role("status").filter(has_text="commentaire a bien été enregistré")).to_be_visible()

    sign_in(page, editor_account, f"/admin/entrees/{entry_id}")
    feedback = page.locator("#avis")
    expect(feedback).to_contain_text("Un exemple d'identifiant e-CPS, s'il vous plaît.")
    expect(feedback).to_contain_text("Pas utile")
    page.goto("/admin/analytics")
    expect(page.locator("table", has_text="Commentaire")).to_contain_text("Un exemple d'identifiant e-CPS")


def test_a_question_answered_from_the_proposed_answers_mails_the_visitor(
    page, live_server: LiveServer, editor_account: str, plain_smtp_sink: SmtpSink
) -> None:
    from playwright.sync_api import expect

    asked = submit_question(live_server.db, "Combien de chiffres a un identifiant e-CPS ?", "lea@example.org")
    with mail_on(live_server.app, plain_smtp_sink):
        sign_in(page, editor_account, "/admin/questions")
        question = page.locator(f"#question-{asked.id}")
        proposed = question.locator(".candidats li").first
        chosen = proposed.locator("input[name=entree]").get_attribute("value")
        proposed.get_by_role("button", name="Relier").click()
        expect(page.get_by_role("status")).to_contain_text("Question traitée")

        received = wait_for(lambda: plain_smtp_sink.inbox)  # sent after the response: the editor did not wait
        wait_for(lambda: [m for m in latest_by_question(live_server.db, [asked.id]).values() if m.status == "sent"])
        assert received[0].recipients == ["lea@example.org"]
        assert f"{PUBLIC_URL}/reponses/{chosen}" in received[0].text()
        page.goto("/admin/questions?statut=answered")
        expect(page.locator(f"#question-{asked.id}")).to_contain_text("E-mail envoyé à lea@example.org")


def test_a_draft_is_saved_previewed_published_then_an_older_revision_restored(
    page, live_server: LiveServer, editor_account: str
) -> None:
    from playwright.sync_api import expect

    entry_id = published_entry(live_server, "Pro Santé Connect")
    original = catalog.get_entry(live_server.db, entry_id).answer
    sign_in(page, editor_account, f"/admin/entrees/{entry_id}")
    page.get_by_label("Réponse").fill("Version relue : la session Pro Santé Connect dure quatre heures.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")
    assert catalog.get_entry(live_server.db, entry_id).answer == original  # nothing public yet

    page.get_by_role("link", name="Aperçu").click()
    expect(page.locator("article.apercu")).to_contain_text("Version relue : la session Pro Santé Connect")
    previewed_title = page.get_by_role("heading", level=1).text_content()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("status")).to_contain_text("Brouillon publié")
    page.goto(f"/reponses/{entry_id}")
    expect(page.locator(".texte-reponse")).to_contain_text("Version relue")
    expect(page.get_by_role("heading", level=1)).to_have_text(previewed_title)  # the preview showed what visitors see

    page.goto(f"/admin/entrees/{entry_id}")
    first = editing.get_entry(live_server.db, entry_id).revisions[0].number
    page.get_by_role("button", name=f"Restaurer la révision {first}").click()
    expect(page.get_by_role("status")).to_contain_text("Révision restaurée")
    assert catalog.get_entry(live_server.db, entry_id).answer == original
    page.goto(f"/reponses/{entry_id}")
    expect(page.locator(".texte-reponse")).not_to_contain_text("Version relue")


def published_entry(live_server: LiveServer, words: str) -> str:
    with live_server.db.session() as session:
        entry_id = session.scalar(
            select(Entry.id).where(Entry.status == "published", Entry.answer.contains(words)).order_by(Entry.id)
        )
    assert entry_id, words
    return entry_id


def wait_for(found: Callable[[], list[T]], timeout: float = 15.0) -> list[T]:
    """What ``found`` returns once it is not empty (work done after a response takes a moment to show)."""
    deadline = time.monotonic() + timeout
    while not (items := found()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert items, "rien reçu"
    return items


def test_an_entry_created_in_admin_is_found_under_its_filter(
    page, live_server: LiveServer, editor_account: str
) -> None:
    from playwright.sync_api import expect

    sign_in(page, editor_account, "/admin/entrees/nouvelle")
    page.get_by_label("Question", exact=False).first.fill("Combien de temps Medimail garde-t-il les pièces jointes ?")
    page.get_by_label("Réponse").fill("Medimail garde les pièces jointes d'un message pendant 90 jours.")
    page.get_by_label("Rubrique", exact=False).fill("Messagerie sécurisée : durées")
    page.get_by_role("button", name="Créer et publier").click()
    expect(page.get_by_role("status")).to_contain_text("Entrée créée")

    page.goto("/reponses?produit=medimail&rubrique=Messagerie+sécurisée+%3A+durées")
    expect(page.get_by_role("link", name="Combien de temps Medimail garde-t-il les pièces jointes ?")).to_be_visible()
    page.goto("/reponses?produit=dmp&rubrique=Messagerie+sécurisée+%3A+durées")
    expect(page.get_by_role("link", name="Combien de temps Medimail garde-t-il les pièces jointes ?")).to_have_count(0)


def test_no_workspace_page_scrolls_sideways_on_a_phone(page, live_server: LiveServer, editor_account: str) -> None:
    entry_id = published_entry(live_server, "12 chiffres")
    sign_in(page, editor_account, "/admin")
    pages = ["/admin", "/admin/lint", "/admin/entrees", "/admin/questions", "/admin/suggestions", "/admin/sans-question",
             "/admin/analytics", "/admin/sources", f"/admin/entrees/{entry_id}", f"/admin/entrees/{entry_id}/apercu"]  # fmt: skip
    for width in (PHONE["width"], 700):
        page.set_viewport_size({**PHONE, "width": width})
        for path in pages:
            page.goto(path)
            assert overflow(page) == 0, (width, path)
    create_user(live_server.db, "camille", PASSWORD, "admin")
    page.context.clear_cookies()
    sign_in(page, "camille", "/admin/utilisateurs")
    page.set_viewport_size(PHONE)
    for path in ["/admin/utilisateurs", "/admin/utilisateurs/camille/sessions", "/admin/pages"]:
        page.goto(path)
        assert overflow(page) == 0, path
