"""In Debian's headless Chromium: an editor turns on two-factor sign-in from its page in /admin, signs out, signs in
again with a code from the app (computed here by pyotp) and then with a recovery code (#20.4)."""

# Fixtures imported from test_browser.py are parameters of the tests here: ruff sees them redefined.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pyotp
import pytest

from faqsante.accounts import create_user

from .conftest import PASSWORD
from .test_browser import PHONE, LiveServer, browser, live_server, overflow, page  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.browser

NOW = 1_796_000_015.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The time pyotp reads, in this test and in the server's thread alike."""
    now = [NOW]
    monkeypatch.setattr(pyotp.totp, "time", SimpleNamespace(time=lambda: now[0]))
    yield now


def sign_in(tab, username: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto("/connexion")
    tab.get_by_label("Identifiant").fill(username)
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()


def test_enrol_then_sign_in_with_a_code_and_with_a_recovery_code(
    page, live_server: LiveServer, clock: list[float]
) -> None:
    from playwright.sync_api import expect

    create_user(live_server.db, "claire", PASSWORD)
    csp_violations: list[str] = []
    page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)

    sign_in(page, "claire")
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Activer la double authentification").click()
    expect(page.get_by_role("heading", level=1, name="Double authentification")).to_be_visible()
    page.get_by_role("button", name="Activer la double authentification").click()

    qr = page.get_by_role("img", name="Code QR")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 100")  # the SVG really drew
    for width in (1280, PHONE["width"]):
        page.set_viewport_size({"width": width, "height": 900})
        assert overflow(page) == 0, width
    totp = pyotp.TOTP(page.locator(".cle-secrete code").first.inner_text().replace(" ", ""))
    page.get_by_label("Saisissez le code à 6 chiffres").fill(totp.at(clock[0]))
    page.get_by_role("button", name="Activer", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification activée")
    codes = page.locator(".codes-secours code").all_inner_texts()
    assert len(codes) == 10
    assert overflow(page) == 0
    page.get_by_role("button", name="Se déconnecter").click()

    clock[0] += 30  # the next code the app shows
    sign_in(page, "claire")
    expect(page).to_have_url(f"{live_server.url}/connexion/code")
    page.goto("/admin")  # no way round the second step
    expect(page).to_have_url(f"{live_server.url}/connexion?suivant=%2Fadmin")
    page.goto("/connexion/code")
    page.get_by_label("Code à 6 chiffres").fill(totp.at(clock[0]))
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(f"{live_server.url}/admin")
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, "claire")
    page.get_by_label("Code à 6 chiffres").fill(codes[0])
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(f"{live_server.url}/admin/compte/double-authentification?message=code-secours")
    expect(page.get_by_role("status")).to_contain_text("code de secours")
    expect(page.locator("main")).to_contain_text("9 sur 10")
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, "claire")
    page.get_by_label("Code à 6 chiffres").fill(codes[0])  # spent
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("alert")).to_contain_text("Code incorrect ou déjà utilisé")
    assert csp_violations == []
