"""Analytics for a spreadsheet (#20.4): each table of the report as a CSV a French spreadsheet opens as is."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from faqsante.answers import catalog
from faqsante.feedback.audience import record_query, record_vote
from faqsante.store import Database

from .conftest import HTML

pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)


def table(response_text: str) -> list[list[str]]:
    assert response_text.startswith("\ufeff")  # the byte-order mark that tells a spreadsheet it is UTF-8
    return list(csv.reader(io.StringIO(response_text[1:]), delimiter=";"))


def test_each_table_of_the_report_exports_as_a_french_csv(editor: TestClient, app_db: Database) -> None:
    entry = catalog.list_entries(app_db, per_page=1).items[0]
    for _ in range(4):
        record_query(app_db, "=HYPERLINK(\"http://x\")", result_ids=[], abstained=True, top_confidence=0.1,
                     latency_ms=3, channel="web")  # fmt: skip
    for visitor, helpful in (("v-a", True), ("v-b", False), ("v-c", False), ("v-d", True)):
        record_vote(app_db, entry.id, visitor, helpful=helpful)

    page = editor.get("/admin/analytics?jours=7", headers=HTML).text
    assert "/admin/analytics/export.csv?tableau=jours" in page

    response = editor.get("/admin/analytics/export.csv", params={"tableau": "jours", "jours": 7})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="faqsante-jours-')
    days = table(response.text)
    assert days[0][:3] == ["jour", "questions", "sans réponse sûre"] and len(days) == 8
    today = days[-1]
    assert int(today[1]) >= 4 and int(today[2]) >= 4 and today[6] == "2"
    assert today[7] == "0,5"  # two helpful votes out of four, with a decimal comma

    questions = table(editor.get("/admin/analytics/export.csv", params={"tableau": "questions", "jours": 7}).text)
    assert ['\'=HYPERLINK("http://x")', "4", "4", "0", "0"] in questions  # a formula is never run

    answers = table(editor.get("/admin/analytics/export.csv", params={"tableau": "reponses", "jours": 7}).text)
    row = next(row for row in answers if row[0] == entry.id)
    assert row[1] == entry.title and row[3:6] == ["4", "2", "0,5"]

    gaps = table(editor.get("/admin/analytics/export.csv", params={"tableau": "manques", "jours": 7}).text)
    assert gaps[0] == ["question", "formulations", "fois", "sans réponse sûre"]


def test_an_unknown_table_or_period_is_a_french_error(editor: TestClient) -> None:
    response = editor.get("/admin/analytics/export.csv", params={"tableau": "secrets"}, headers=HTML)
    assert response.status_code == 400 and "Tableau inconnu" in response.text
    response = editor.get("/admin/analytics/export.csv", params={"du": "2026-12-01", "au": "2026-11-01"}, headers=HTML)
    assert response.status_code == 400 and "doit précéder" in response.text


def test_the_export_needs_a_signed_in_editor(client: TestClient) -> None:
    response = client.get("/admin/analytics/export.csv", headers=HTML, follow_redirects=False)
    assert response.status_code in (303, 401)
