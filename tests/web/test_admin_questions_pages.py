"""The submitted-questions queue is paginated, and search proposes answers for the questions of the page shown
only (#19.10: 311 open questions, five a minute per address, made /admin/questions take 53 s)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from faqsante.editing import QUEUE_PAGE_SIZE
from faqsante.feedback.audience import submit_question
from faqsante.search import SearchEngine
from faqsante.store import Database
from faqsante.web.deps import service_of

from .conftest import HTML

pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)


def test_the_queue_shows_a_page_and_searches_for_that_page_only(
    editor: TestClient,  # noqa: F811  (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db: Database = service_of(editor.app).db
    asked = [submit_question(db, f"Question numéro {n} sur la carte e-CPS").id for n in range(QUEUE_PAGE_SIZE + 5)]
    searched: list[str] = []
    ask = SearchEngine.ask
    monkeypatch.setattr(SearchEngine, "ask", lambda self, query, **kw: searched.append(query) or ask(self, query, **kw))

    first = editor.get("/admin/questions", headers=HTML)

    assert first.status_code == 200
    shown = [int(n) for n in re.findall(r'<article class="question-recue" id="question-(\d+)"', first.text)]
    assert shown == asked[:QUEUE_PAGE_SIZE]  # the oldest first
    assert len(searched) == QUEUE_PAGE_SIZE
    assert 'href="/admin/questions?statut=open&amp;page=2" rel="next"' in first.text
    assert f"{QUEUE_PAGE_SIZE + 5} questions" in first.text

    second = editor.get("/admin/questions?statut=open&page=2", headers=HTML).text
    assert [int(n) for n in re.findall(r'id="question-(\d+)"', second)] == asked[QUEUE_PAGE_SIZE:]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_page_beyond_the_last_is_a_french_404(editor: TestClient) -> None:  # noqa: F811
    missing = editor.get("/admin/questions?page=999", headers=HTML)
    assert missing.status_code == 404 and "page" in missing.text
