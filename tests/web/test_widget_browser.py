"""The widget in Debian's headless Chromium, on a partner's page served from another origin than the portal.

The partner site is a second HTTP server on its own port, its pages under a strict CSP of their own that allows
the portal's script and API and nothing else (no inline style): the widget must work there unchanged.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from faqsante.editing import support
from faqsante.store.models import Entry, Feedback

from .conftest import ECPS_QUESTION, copy_sqlite
from .test_browser import TIMEOUT_MS, LiveServer, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.browser

HOSTILE_CSS = """
* { color: red !important; font-size: 40px !important; font-family: serif !important; line-height: 3 !important;
    letter-spacing: 4px !important; text-transform: uppercase !important; }
html { font-size: 5px; }
faqsante-recherche { display: none !important; border: 10px solid red; padding: 50px; }
input, button, mark, h2, h3 { all: unset !important; background: black !important; }
"""


class PartnerSite:
    """A partner's pages, from another origin than the portal's: http://127.0.0.1:<its own port>."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, str]] = {"/favicon.ico": ("image/x-icon", "")}  # path -> (type, body)
        self.portal = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                content_type, body = site.pages.get(self.path.split("?")[0], ("text/plain", "introuvable"))
                self.send_response(200 if self.path.split("?")[0] in site.pages else 404)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                # The partner's own strict policy: the portal's script and API are all it allows besides itself.
                csp = f"default-src 'self'; script-src {site.portal}; connect-src {site.portal}; style-src 'self'"
                self.send_header("Content-Security-Policy", csp)
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str, widget_tag: str, head: str = "") -> str:
        body = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Aide de l'éditeur</title>{head}</head>
<body><h1>Aide de notre logiciel</h1><p>Une question sur votre carte e-CPS ?</p>{widget_tag}</body></html>"""
        self.pages[path] = ("text/html", body)
        return f"{self.origin}{path}"

    def __enter__(self) -> PartnerSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def partner_site() -> Iterator[PartnerSite]:
    with PartnerSite() as site:
        yield site


@pytest.fixture(scope="module")
def portal(
    browser: object,  # noqa: F811
    partner_site: PartnerSite,
    seed_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("widget-browser")
    db_url = copy_sqlite(seed_template, folder / "faqsante.db")
    with LiveServer(db_url, folder / "index", widget_origins=(partner_site.origin,)) as server:
        partner_site.portal = server.url
        yield server


@pytest.fixture
def page(browser, portal: LiveServer):  # type: ignore[no-untyped-def]  # noqa: F811
    """A fresh context per test; every console error (a CSP violation, a script error) fails the test."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


def widget_tag(portal: LiveServer, attributes: str = "") -> str:
    return f'<script src="{portal.url}/widget.js" {attributes} async></script>'


def written_out_absences(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Text nodes of the widget that say « null » or « undefined »: a missing field shown instead of left out."""
    return page.evaluate(
        """() => { const root = document.querySelector('faqsante-recherche').shadowRoot, found = [];
                   const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                   while (walker.nextNode()) if (/^(null|undefined)$/.test(walker.currentNode.data.trim())) found.push(walker.currentNode.data);
                   return found; }"""
    )


def ask(page, question: str):  # type: ignore[no-untyped-def]
    """Type a question in the widget and search; returns the widget's status line."""
    page.get_by_label("Votre question").fill(question)
    page.get_by_role("button", name="Rechercher").click()
    return page.get_by_role("status")


def test_a_partner_page_asks_opens_an_answer_and_votes(page, portal: LiveServer, partner_site: PartnerSite) -> None:
    from playwright.sync_api import expect

    page.goto(partner_site.page("/aide", widget_tag(portal)))
    status = ask(page, ECPS_QUESTION)

    expect(status).to_contain_text(f"pour « {ECPS_QUESTION} »")
    first = page.get_by_role("listitem").first
    expect(first.locator(".phrase")).to_contain_text("12 chiffres")
    expect(first.locator(".phrase mark").first).to_be_visible()  # the searched words, marked
    assert written_out_absences(page) == []
    link = first.get_by_role("link", name="Lire la réponse complète sur le portail (nouvelle fenêtre)")
    href = link.get_attribute("href")
    assert href.startswith(f"{portal.url}/reponses/") and "?passage=" in href
    entry_id = href.split("/reponses/", 1)[1].split("/", 1)[0]

    with page.expect_popup() as opened:
        link.click()
    answer = opened.value
    expect(answer.locator("mark.reponse-phrase").first).to_be_visible()  # the sentence that answered, marked
    assert "12 chiffres" in " ".join(answer.locator("mark.reponse-phrase").all_inner_texts())
    answer.close()

    first.get_by_role("button", name="Oui").click()
    expect(first.get_by_text("Merci pour votre avis.")).to_be_focused()
    with portal.db.session() as session:
        votes = session.scalars(select(Feedback).where(Feedback.entry_id == entry_id)).all()
    assert [(vote.helpful, vote.query) for vote in votes] == [(True, ECPS_QUESTION)]
    assert page.errors == []


def test_the_widget_is_used_by_keyboard_and_announces_its_results(
    page, portal: LiveServer, partner_site: PartnerSite
) -> None:
    from playwright.sync_api import expect

    page.goto(partner_site.page("/clavier", widget_tag(portal)))
    focused: Callable[[], str] = lambda: page.evaluate(  # noqa: E731
        "() => { const el = document.activeElement.shadowRoot?.activeElement; return el ? el.tagName + ':' + el.textContent.trim() + ':' + (el.id || '') : '' }"
    )

    page.keyboard.press("Tab")
    assert focused() == "INPUT::fs-q"
    page.keyboard.type(ECPS_QUESTION)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"réponses pour « {ECPS_QUESTION} »")
    page.keyboard.press("Tab")
    assert focused().startswith("BUTTON:Rechercher")
    page.keyboard.press("Tab")
    assert focused().startswith("A:Lire la réponse complète sur le portail")
    page.keyboard.press("Tab")
    assert focused().startswith("BUTTON:Oui")
    group = page.get_by_role("group").first
    expect(group).to_have_accessible_name(re.compile(r"^Cette réponse vous a-t-elle été utile \? .+"))
    assert page.errors == []


def test_a_refusal_says_so_and_offers_to_send_the_question(page, portal: LiveServer, partner_site: PartnerSite) -> None:
    from playwright.sync_api import expect

    contact = {"label": "Assistance LogiSanté", "phone": "01 23 45 67 89", "url": "https://example.fr/aide",
               "hours": "du lundi au vendredi, 8 h – 18 h", "scope": ""}  # fmt: skip
    contact_id = support.save_contact(portal.db, None, contact)  # for every subject
    try:
        page.goto(partner_site.page("/refus", widget_tag(portal)))
        ask(page, "xyzzy plugh quux")

        expect(page.get_by_role("heading", name="Pas de réponse sûre")).to_be_visible()
        send = page.get_by_role("link", name="Transmettre ma question sur le portail (nouvelle fenêtre)")
        assert send.get_attribute("href") == f"{portal.url}/question?q=xyzzy%20plugh%20quux"
        assert page.get_by_role("button", name="Oui").count() == 0
        support_block = page.get_by_role("region", name="Contacter le support")
        expect(support_block.get_by_role("heading", name="Assistance LogiSanté")).to_be_visible()
        assert support_block.get_by_role("link", name="01 23 45 67 89").get_attribute("href") == "tel:0123456789"
        expect(support_block).to_contain_text("Horaires : du lundi au vendredi, 8 h – 18 h")
        form = support_block.get_by_role("link", name="Formulaire de contact (nouvelle fenêtre)")
        assert form.get_attribute("href") == "https://example.fr/aide"
        assert page.errors == []
    finally:
        support.delete_contact(portal.db, contact_id)


def test_a_network_failure_and_a_refused_origin_are_told_in_french(
    page, portal: LiveServer, partner_site: PartnerSite
) -> None:
    from playwright.sync_api import expect

    url = partner_site.page("/panne", widget_tag(portal))
    page.route(f"{portal.url}/api/ask*", lambda route: route.abort())
    page.goto(url)
    ask(page, ECPS_QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("le service de FAQ est injoignable")
    page.unroute(f"{portal.url}/api/ask*")

    # The same page under another origin the portal does not allow: the browser withholds every answer.
    page.goto(url.replace("127.0.0.1", "localhost"))
    ask(page, ECPS_QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("le service de FAQ est injoignable")


def test_a_page_of_a_site_not_allowed_cannot_make_its_visitors_vote(
    page, portal: LiveServer, partner_site: PartnerSite
) -> None:
    from playwright.sync_api import expect

    with portal.db.session() as session:
        entry_id = session.scalars(select(Entry.id).where(Entry.status == "published").order_by(Entry.id)).first()
    page.goto(partner_site.page("/piege", "").replace("127.0.0.1", "localhost"))
    # No preflight for either: a body without Content-Type, and a form.
    status = page.evaluate(
        """url => fetch(url, {method: 'POST', mode: 'no-cors', body: new Blob(['{"helpful": true}'])})
                  .then(response => response.type)""",
        f"{portal.url}/api/entries/{entry_id}/feedback",
    )
    page.evaluate(
        """url => { const form = document.createElement('form'); form.method = 'post'; form.action = url;
                    const field = document.createElement('input'); field.name = 'utile'; field.value = 'oui';
                    form.append(field); document.body.append(form); form.submit(); }""",
        f"{portal.url}/reponses/{entry_id}/avis",
    )

    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    assert status == "opaque"  # sent; the answer is hidden from the page either way
    with portal.db.session() as session:
        assert session.scalars(select(Feedback).where(Feedback.entry_id == entry_id)).all() == []


def test_the_tags_data_attributes_are_the_filters_of_the_search(
    page, portal: LiveServer, partner_site: PartnerSite
) -> None:
    page.goto(partner_site.page("/filtres", widget_tag(portal, 'data-produit="e_cps, psc" data-type-offre="editeurs"')))
    with page.expect_request(lambda request: "/api/ask?" in request.url) as sent:
        ask(page, "carte CPS")

    assert sent.value.url.endswith("q=carte+CPS&top_k=5&produit=e_cps&produit=psc&type_offre=editeurs")


def test_the_partners_css_does_not_reach_the_widget(page, portal: LiveServer, partner_site: PartnerSite) -> None:
    from playwright.sync_api import expect

    partner_site.pages["/agressif.css"] = ("text/css", HOSTILE_CSS)
    looks = {}
    for path, head in [("/sobre", ""), ("/agressif", '<link rel="stylesheet" href="/agressif.css">')]:
        page.goto(partner_site.page(path, widget_tag(portal), head))
        ask(page, ECPS_QUESTION)
        expect(page.get_by_role("button", name="Oui").first).to_be_visible()
        looks[path] = page.evaluate(
            """() => {
              const root = document.querySelector('faqsante-recherche').shadowRoot;
              const seen = {};
              for (const selector of ['label', 'input', 'button', 'h2', 'h3', '.phrase', 'mark', '.avis button']) {
                const el = root.querySelector(selector), style = getComputedStyle(el), box = el.getBoundingClientRect();
                seen[selector] = [style.color, style.backgroundColor, style.fontSize, style.fontFamily, style.lineHeight,
                                  style.letterSpacing, style.textTransform, style.display, box.width, box.height];
              }
              const host = document.querySelector('faqsante-recherche').getBoundingClientRect();
              seen.host = [host.width, host.height];
              return seen;
            }"""
        )

    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(255, 0, 0)"  # the CSS applies
    assert looks["/agressif"] == looks["/sobre"]
    assert looks["/sobre"]["label"][:3] == ["rgb(30, 30, 30)", "rgba(0, 0, 0, 0)", "17px"]
    assert page.errors == []


def test_the_embed_page_previews_the_widget_under_the_portals_own_csp(page, portal: LiveServer) -> None:
    from playwright.sync_api import expect

    page.goto(f"{portal.url}/integrer")
    expect(page.locator("pre.code-integration").first).to_have_text(
        f'<script src="{portal.url}/widget.js" async></script>'
    )
    ask(page, ECPS_QUESTION)
    first = page.get_by_role("listitem").filter(has=page.locator(".phrase")).first
    expect(first.locator(".phrase")).to_contain_text("12 chiffres")
    first.get_by_role("button", name="Non").click()
    expect(first.get_by_text("Merci pour votre avis.")).to_be_visible()
    assert page.errors == []
