"""In Debian's headless Chromium (#12): home → a filter chosen without typing → an answer page that says where it
comes from, when it changed, and what the content-health report flags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from faqsante.answers import catalog
from faqsante.editing import sources
from faqsante.facets import load_taxonomy, retag
from faqsante.facets.entry_tags import facet_conditions
from faqsante.health.lint import lint_database
from faqsante.store import Database

from .conftest import copy_sqlite, web_settings
from .test_browser import TIMEOUT_MS, LiveServer, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(
    browser: object,  # noqa: F811
    seed_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browse-browser")
    url = copy_sqlite(seed_template, folder / "faqsante.db")
    db = Database(url)
    settings = web_settings(url, folder / "index")
    retag(db, settings)
    for source in sources.list_sources(db):
        sources.set_source(
            db, source.id, display_name="FAQ de l'Agence du numérique en santé", url="https://esante.gouv.fr/faq",
            facets={}, settings=settings,
        )  # fmt: skip
    db.dispose()
    with LiveServer(url, folder / "index") as server:
        yield server


def a_filter_listing_a_stale_answer(db: Database) -> tuple[str, str, str, str]:
    """(facet prompt, value label, value key, entry id): a value whose first page lists an entry with a stale date."""
    stale = {finding.entry_id for finding in lint_database(db, kinds=["stale"])}
    for facet in load_taxonomy():
        for key, value in facet.values.items():
            items = catalog.list_entries(db, where=facet_conditions({facet.key: [key]})).items
            flagged = [item.id for item in items if item.id in stale]
            if flagged:
                return facet.label, value.label, key, flagged[0]
    raise AssertionError("no filter lists an answer with a stale date")


def test_home_then_a_filter_without_typing_then_an_answer_with_its_source_date_and_notice(
    browser,  # type: ignore[no-untyped-def]  # noqa: F811
    live_server: LiveServer,
) -> None:
    from playwright.sync_api import expect

    prompt, label, key, entry_id = a_filter_listing_a_stale_answer(live_server.db)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/")
        page.locator("summary", has_text=prompt).click()
        page.get_by_role("link", name=label, exact=True).click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Réponses filtrées")
        assert page.url.endswith(f"={key}")
        expect(page.get_by_role("link", name=f"Retirer le filtre « {label} »")).to_be_visible()
        expect(page.get_by_role("link", name="Effacer les filtres")).to_be_visible()

        page.locator(f'a.titre-resultat[href^="/reponses/{entry_id}/"]').click()
        expect(page.locator(".provenance")).to_contain_text("Source :")
        source = page.get_by_role("link", name="FAQ de l'Agence du numérique en santé")
        expect(source).to_have_attribute("href", "https://esante.gouv.fr/faq")
        expect(page.locator(".provenance")).to_contain_text(re.compile(r"(Ajoutée|Mis à jour) le \d"))
        notice = page.locator('[data-notice="stale"]')
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("échéance aujourd'hui passée")
        assert ".txt" not in page.locator("main").inner_text()
    finally:
        context.close()
