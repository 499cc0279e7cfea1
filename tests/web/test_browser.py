"""End to end in Debian's headless Chromium: what a person does on the portal, checked on the page and in the database.

The app runs in uvicorn on a free port, in a thread, against a copy of the seeded SQLite database.
Without /usr/bin/chromium these tests are skipped with the reason shown; CI sets FAQSANTE_REQUIRE_BROWSER=1
so that a missing browser fails instead (no browser is ever downloaded).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select

from faqsante.store import Database
from faqsante.store.models import Entry, Feedback, QueryLog, SubmittedQuestion
from faqsante.web.app import create_app
from faqsante.web.deps import service_of

from .conftest import ECPS_QUESTION, copy_sqlite, mail_on, web_settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000  # an upper bound for slow machines, not a measurement


def _browser_unavailable_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} absent : installez le paquet Debian « chromium » pour les tests dans le navigateur"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "le paquet Python playwright n'est pas installé"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    reason = _browser_unavailable_reason()
    if reason:
        if os.environ.get("FAQSANTE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    """The app served by uvicorn in a background thread, on a port the OS picked."""

    def __init__(self, db_url: str, index_dir: Path, **settings: object) -> None:
        self.app = create_app(web_settings(db_url, index_dir).model_copy(update=settings))
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    @property
    def db(self) -> Database:
        return service_of(self.app).db

    def __enter__(self) -> LiveServer:
        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            time.sleep(0.05)
        assert self.server.started, "uvicorn n'a pas démarré"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join()


@pytest.fixture(scope="module")
def live_server(browser: object, seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    with LiveServer(copy_sqlite(seed_template, folder / "faqsante.db"), folder / "index") as server:
        yield server


@pytest.fixture
def page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) per test."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def twelve_digit_entries(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(Entry.id).where(Entry.answer.contains("12 chiffres"))))


def entry_id_of(href: str) -> str:
    """# "/reponses/c1179/le-dmn-doit-il?from=12.3f"  ->  "c1179" """
    return href.split("/reponses/", 1)[1].split("/", 1)[0]


def type_question_and_wait_for_results(page, text: str):  # type: ignore[no-untyped-def]
    """Type like a person, without pressing Enter, and wait for the results block to show this text."""
    page.locator("#q").press_sequentially(text, delay=15)
    summary = page.locator("#statut-recherche")
    summary.filter(has_text=f"« {text} »").wait_for()
    return page.locator("#resultats a.titre-resultat")


def test_results_appear_as_you_type(page, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    page.evaluate("window.pasDeRechargement = true")
    links = type_question_and_wait_for_results(page, ECPS_QUESTION)
    expect(links.first).to_be_visible()
    shown = [entry_id_of(href) for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    assert set(shown[:3]) & twelve_digit_entries(live_server.db)
    assert page.evaluate("window.pasDeRechargement") is True  # the page was updated, not reloaded
    assert page.url.endswith("/?q=identifiant+e-cps+combien+de+chiffres")
    with live_server.db.session() as session:
        last = session.scalars(select(QueryLog).where(QueryLog.channel == "web").order_by(QueryLog.id.desc())).first()
    assert last.query == ECPS_QUESTION and last.result_ids[: len(shown)] == shown


def test_open_an_answer_and_vote_no_with_a_comment(page, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    links = type_question_and_wait_for_results(page, ECPS_QUESTION)
    target = next(
        link for link in links.all() if entry_id_of(link.get_attribute("href")) in twelve_digit_entries(live_server.db)
    )
    entry_id = entry_id_of(target.get_attribute("href"))
    target.click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".texte-reponse")).to_contain_text("12 chiffres")

    page.get_by_role("button", name="Non", exact=True).click()
    comment = page.get_by_label("Qu'est-ce qui vous a manqué ?")
    expect(comment).to_be_focused()
    comment.fill("Il manque un exemple d'identifiant.")
    page.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(page.get_by_role("status").filter(has_text="commentaire a bien été enregistré")).to_be_visible()

    with live_server.db.session() as session:
        votes = session.scalars(select(Feedback).where(Feedback.entry_id == entry_id)).all()
        click = session.scalars(select(QueryLog).where(QueryLog.clicked_entry_id == entry_id)).first()
    assert [(vote.helpful, vote.comment, vote.query) for vote in votes] == [
        (False, "Il manque un exemple d'identifiant.", ECPS_QUESTION)
    ]
    assert click is not None and click.query == ECPS_QUESTION


def test_submit_a_question_the_faq_does_not_answer(page, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    question = "xyzzy plugh quux"
    page.goto("/")
    type_question_and_wait_for_results(page, question)
    expect(page.get_by_role("heading", name="Pas de réponse sûre")).to_be_visible()
    with mail_on(live_server.app):
        page.get_by_role("link", name="Je n'ai pas trouvé ma réponse : transmettre ma question").click()
        expect(page.get_by_label("Votre question")).to_have_value(question)
        page.get_by_label("Votre adresse e-mail").fill("marie.curie@exemple.fr")
        page.get_by_role("button", name="Envoyer ma question").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre question a été transmise")
    with live_server.db.session() as session:
        stored = session.scalars(select(SubmittedQuestion).where(SubmittedQuestion.question == question)).one()
    assert stored.email == "marie.curie@exemple.fr" and stored.status == "open"


def focused(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => { const el = document.activeElement; const style = getComputedStyle(el);
                   return {tag: el.tagName, id: el.id, text: el.textContent.trim(), cls: el.className,
                           outline: style.outlineStyle + ' ' + style.outlineWidth}; }"""
    )


def tab_until(page, matches, limit: int = 40) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"élément jamais atteint au clavier ; dernier focus : {element}")


def test_keyboard_only(page, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Aller au contenu" and skip["outline"].split()[0] != "none"
    page.keyboard.press("Enter")  # to <main>: the search box is the next stop
    tab_until(page, lambda el: el["id"] == "q", limit=1)
    page.keyboard.type(ECPS_QUESTION, delay=15)
    page.locator("#statut-recherche").filter(has_text=f"« {ECPS_QUESTION} »").wait_for()

    result = tab_until(page, lambda el: "titre-resultat" in el["cls"])
    assert result["outline"].split()[0] != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/reponses/**")
    entry_id = entry_id_of(page.url)

    tab_until(page, lambda el: el["tag"] == "BUTTON" and el["text"] == "Oui")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Merci pour votre avis.")).to_be_focused()
    with live_server.db.session() as session:
        votes = session.scalars(select(Feedback).where(Feedback.entry_id == entry_id, Feedback.helpful.is_(True))).all()
    assert len(votes) == 1 and votes[0].query == ECPS_QUESTION


def test_the_portal_works_without_javascript(browser, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Votre question").fill(ECPS_QUESTION)
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/?q=*")
    first = page.locator("#resultats a.titre-resultat").first
    entry_id = entry_id_of(first.get_attribute("href"))
    first.click()
    page.get_by_role("button", name="Non", exact=True).click()
    page.get_by_label("Qu'est-ce qui vous a manqué ?").fill("Sans JavaScript aussi.")
    page.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(page.get_by_role("status")).to_have_text("Merci pour votre avis.")
    context.close()
    with live_server.db.session() as session:
        comments = session.scalars(select(Feedback.comment).where(Feedback.entry_id == entry_id)).all()
    assert "Sans JavaScript aussi." in comments


PHONE = {"width": 375, "height": 740}  # the narrowest phone width the portal is laid out for


def overflow(page) -> int:  # type: ignore[no-untyped-def]
    """How many pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def test_nothing_scrolls_sideways_on_a_phone(page, live_server: LiveServer) -> None:
    entry_id = sorted(twelve_digit_entries(live_server.db))[0]
    page.set_viewport_size(PHONE)
    for path in ["/", f"/?q={ECPS_QUESTION}", "/reponses", f"/reponses/{entry_id}?q={ECPS_QUESTION}", "/question"]:
        page.goto(path)
        assert overflow(page) == 0, path


@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_the_yes_and_no_buttons_follow_their_question_without_a_gap(page, live_server: LiveServer, width: int) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/reponses/{sorted(twelve_digit_entries(live_server.db))[0]}")
    layout = page.evaluate(
        """() => { const title = document.querySelector('#avis-titre');
                   return {gap: document.querySelector('.avis-vote button').getBoundingClientRect().top
                                - title.getBoundingClientRect().bottom,
                           margin: parseFloat(getComputedStyle(title).marginBottom)}; }"""
    )
    assert layout["gap"] <= layout["margin"] + 1, layout  # the heading's own margin, no empty line under it
    page.get_by_role("button", name="Oui").click()
    expect(page.get_by_role("status").filter(has_text="Merci pour votre avis.")).to_be_visible()  # it still speaks
