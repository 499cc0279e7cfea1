"""Hostile FAQ content in a real browser: markup from sources is shown as text, and nothing runs.

tests/fixtures/hostile/ holds an HTML page with scripts, event handlers and ``javascript:`` links, and
JSON and CSV exports whose texts carry ``<script>alert(1)</script>`` and friends. Every payload either
calls ``alert`` or sets ``window.__pwned``; each page is checked for both, for ``javascript:`` links,
inline handlers, foreign scripts and CSP violations (the policy would block what escaping let through,
so a violation is a failure too).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.models import Entry, EntrySource, Source

from .conftest import copy_sqlite
from .test_browser import TIMEOUT_MS, LiveServer, browser  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
PAYLOAD_FILES = ("faq_hostile.html", "faq_hostile.json", "faq_hostile.csv")

# What each page must not contain once rendered, as seen by the page's own DOM.
AUDIT_DOM = """() => ({
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    badLinks: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
        .flatMap(el => ['href', 'src', 'action', 'formaction'].map(name => el.getAttribute(name)))
        .filter(value => value && /^\\s*(javascript|data|vbscript):/i.test(value)),
    handlers: [...document.querySelectorAll('*')]
        .flatMap(el => [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name)),
    // schema.org data blocks (application/ld+json) are data the browser never runs
    scripts: [...document.scripts].filter(s => s.type !== 'application/ld+json')
      .map(s => s.getAttribute('src') || 'inline: ' + s.textContent.slice(0, 40))
        .filter(src => !src.startsWith('/static/') && !src.startsWith('/docs/assets/')),
    embeds: document.querySelectorAll('iframe, object, embed, svg script, img[src="x"]').length,
})"""


@pytest.fixture(scope="module")
def hostile_server(browser, seed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]  # noqa: F811
    folder = tmp_path_factory.mktemp("hostile")
    url = copy_sqlite(seed_template, folder / "faqsante.db")
    database = Database(url)
    ingest_paths(database, [HOSTILE / name for name in PAYLOAD_FILES])
    database.dispose()
    with LiveServer(url, folder / "index") as server:
        yield server


def hostile_entry_ids(server: LiveServer) -> list[str]:
    with server.db.session() as session:
        return list(
            session.scalars(
                select(Entry.id)
                .join(EntrySource, EntrySource.entry_id == Entry.id)
                .join(Source, Source.id == EntrySource.source_id)
                .where(Source.name.in_(PAYLOAD_FILES))
                .order_by(Entry.id)
            )
        )


def visit_and_audit(browser, base_url: str, path: str) -> tuple[dict, str]:  # type: ignore[no-untyped-def]  # noqa: F811
    """Load one page in a fresh context; returns what the audit found and the page's visible text."""
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    dialogs: list[str] = []
    violations: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(path)
    page.wait_for_load_state("networkidle")
    # Hover and click everything clickable in the answer: handlers that survived would fire now. (An element that
    # takes no room, such as the vote's empty status line, cannot be hovered, nor carry anything to fire.)
    for element in page.locator("main a, main p, main li, main h1, main h2").filter(visible=True).all()[:40]:
        element.hover()
    audit = page.evaluate(AUDIT_DOM)
    text = page.locator("body").inner_text()
    context.close()
    audit.update(dialogs=dialogs, csp_violations=violations)
    return audit, text


def assert_inert(audit: dict) -> None:
    assert audit == {
        "pwned": None,
        "badLinks": [],
        "handlers": [],
        "scripts": [],
        "embeds": 0,
        "dialogs": [],
        "csp_violations": [],
    }


def test_hostile_entries_are_shown_as_text_and_nothing_runs(browser, hostile_server: LiveServer) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ids = hostile_entry_ids(hostile_server)
    assert len(ids) == 4  # the HTML page's two entries, the JSON one, the CSV one
    texts = []
    for entry_id in ids:
        audit, text = visit_and_audit(browser, hostile_server.url, f"/reponses/{entry_id}")
        assert_inert(audit)
        texts.append(text)
    shown = "\n".join(texts)
    # The payloads are there, as text a support agent can read, not swallowed.
    assert "<script>alert(1)</script>" in shown
    assert "<img src=x onerror=alert(1)>" in shown
    assert "javascript:alert(document.domain)" in shown


@pytest.mark.parametrize(
    "path",
    [
        "/reponses",
        "/?q=" + quote("script alert pwned signalement piège"),
        "/?q=" + quote('"><script>window.__pwned="q"</script><img src=x onerror=alert(1)>'),
        "/?q=" + quote("javascript:alert(1)") + "&partiel=1",
        "/question?q=" + quote('"><svg onload=alert(1)>'),
        "/reponses/" + quote("<script>alert(1)</script>"),
    ],
)
def test_lists_searches_and_reflected_input_stay_inert(browser, hostile_server: LiveServer, path: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    audit, _ = visit_and_audit(browser, hostile_server.url, path)
    assert_inert(audit)
