"""In Debian's headless Chromium (#17): a question whose answer is not first → the first answers offered as a
choice, the right one recognisable by its title and the sentence that answers → its page, that sentence
visible, a date that says what it means and no file name or import date posing as a source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from faqsante.store.models import Entry

from .conftest import copy_sqlite
from .test_browser import TIMEOUT_MS, LiveServer, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.browser

# The seed's answer to a forgotten ViaTrajectoire password ranks behind another ViaTrajectoire answer: the
# page must not pretend the first is the answer.
QUESTION = "mot de passe oublié ViaTrajectoire"
ANSWERING = "Recopiez l'ancien mot de passe"  # the sentence that answers, in the right entry's answer


@pytest.fixture(scope="module")
def live_server(browser: object, seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # noqa: F811
    folder = tmp_path_factory.mktemp("choice-browser")
    with LiveServer(copy_sqlite(seed_template, folder / "faqsante.db"), folder / "index") as server:
        yield server


def test_an_uncertain_answer_is_a_choice_that_leads_to_a_trustworthy_page(browser, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 375, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    with live_server.db.session() as session:  # the right entry, known by what it says
        ((right_id, answer),) = session.execute(
            select(Entry.id, Entry.answer).where(Entry.status == "published", Entry.answer.contains(ANSWERING))
        ).all()
    try:
        page.goto("/")
        page.get_by_label("Votre question").fill(QUESTION)
        page.get_by_role("button", name="Rechercher").click()

        choice = page.locator("section.choix")
        choice.get_by_role("heading", name="Plusieurs réponses possibles").wait_for()
        options = choice.locator("li.choix-reponse")
        assert 2 <= options.count() <= 3
        right = options.filter(has=page.locator(f'a[href^="/reponses/{right_id}/"]'))
        assert right.count() == 1, "the right answer is among the choices"
        assert right_id not in (options.first.locator("a").get_attribute("href") or ""), "and it is not first"
        title = right.locator("a.titre-resultat")
        assert title.inner_text().strip() and title.inner_text() != options.first.locator("a").inner_text()
        excerpt = right.locator(".extrait").inner_text()
        assert excerpt.strip() and " ".join(excerpt.split()).rstrip("…") in " ".join(answer.split())
        assert right.locator(".extrait mark").count() >= 1  # the searched words marked in its sentence

        title.click()
        page.get_by_role("heading", level=1).wait_for()
        assert ANSWERING in page.locator(".texte-reponse").inner_text()
        marked = page.locator(".texte-reponse mark.reponse-phrase")
        if marked.count():  # the sentence that answered the question, marked in the whole answer
            assert marked.first.is_visible() and marked.first.inner_text().strip() in answer
        provenance = page.locator(".provenance").inner_text()
        assert re.search(r"(Ajoutée|Mis à jour) le \d{1,2}(er)? \w+ \d{4}", provenance)
        assert "FAQ importée" not in provenance and ".txt" not in page.locator("main").inner_text()
    finally:
        context.close()
