"""Eight editors save one entry at once, from the same revision: one wins each round, the others get the 409
page with their own text kept, never a 500 (two saves numbering the same revision). With real threads, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from faqsante import editing
from faqsante.accounts import create_user
from faqsante.store.models import EntryRevision
from faqsante.web.app import create_app
from faqsante.web.deps import service_of

from .conftest import web_settings
from .test_admin import HTML, PASSWORD, sign_in, token_of

EDITORS = 8
ROUNDS = 5


def test_concurrent_saves_of_one_entry_are_one_win_and_conflicts_that_keep_the_text(
    db_url: str, tmp_path: Path
) -> None:
    app = create_app(web_settings(db_url, tmp_path / "index"))
    db, settings = service_of(app).db, service_of(app).settings
    entry_id = editing.create_entry(
        db, question="Combien de chiffres ?", answer="Douze.", author="import", settings=settings
    )
    editors = []
    for number in range(EDITORS):
        create_user(db, f"redactrice{number}", PASSWORD)
        client = TestClient(app, raise_server_exceptions=False)  # its own cookies; requests on their own threads
        assert sign_in(client, f"redactrice{number}").status_code == 303
        editors.append(client)
    start = threading.Barrier(EDITORS)

    def save(number: int, round_: int, form: dict[str, str]) -> tuple[int, str]:
        text = f"Réponse de la rédactrice {number} au tour {round_}."
        start.wait()  # everyone read the same revision; now everyone saves at once
        response = editors[number].post(f"/admin/entrees/{entry_id}", data={**form, "reponse": text}, headers=HTML)
        return response.status_code, text if text in response.text else ""

    outcomes: list[tuple[int, str]] = []
    with ThreadPoolExecutor(EDITORS) as pool:
        for round_ in range(ROUNDS):
            forms = [edit_form(client, entry_id) for client in editors]
            assert len({form["revision"] for form in forms}) == 1
            outcomes += pool.map(save, range(EDITORS), [round_] * EDITORS, forms)

    statuses = [status for status, _ in outcomes]
    assert len(outcomes) == EDITORS * ROUNDS
    assert statuses.count(200) == ROUNDS and statuses.count(409) == (EDITORS - 1) * ROUNDS, (
        statuses
    )  # 200: the page after the redirect
    assert all(kept for _, kept in outcomes), "an editor's text is missing from the page they got back"
    with db.session() as session:
        numbers = session.scalars(select(EntryRevision.number).where(EntryRevision.entry_id == entry_id)).all()
    assert sorted(numbers) == list(range(1, ROUNDS + 2))  # the creation, then one revision per round
    db.dispose()


def edit_form(client: TestClient, entry_id: str) -> dict[str, str]:
    page = client.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    revision = re.search(r'name="revision" value="(\d+)"', page)
    assert revision, page
    return {
        "csrf_token": token_of(page),
        "revision": revision.group(1),
        "question": "Combien de chiffres ?",
        "rubrique": "",
    }
