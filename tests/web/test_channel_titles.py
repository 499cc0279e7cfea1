"""One title per entry, whatever shows it: the portal's answer page, the API, ``faqsante ask --json``, the
workspace's entry page and lists, and the mail that tells a visitor their question has an answer all read
``content.title_book.shown_titles`` — and two entries never share a title in one list of the workspace."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from faqsante.cli import app as cli
from faqsante.feedback.audience import submit_question
from faqsante.service import Faqsante
from faqsante.store.questions import record_question
from faqsante.web.deps import service_of
from smtp_sink import SmtpSink

from .conftest import HTML, mail_on, token_of

runner = CliRunner()
# Each entry's answer holds one word no other answer of the seed holds, so that a search finds it first.
OWN_QUESTION = "Comment zorglubiser un compte Pro Santé Connect ?"
VISITOR_QUESTION = "comment brouzoufler ma e-cps"  # accepted as typed; its title is it, tidied
NO_QUESTION_ANSWER = "Le grimblotage des cartes CPS se fait depuis l'espace de gestion. Il prend deux jours."
TWIN_QUESTION = "Comment schmoldiquer sa messagerie ?"


def _text(fragment: str) -> str:
    """The text of an HTML fragment as a reader sees it."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _h1(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert match, page
    return _text(match.group(1))


def _admin_links(page: str, entry_id: str) -> list[str]:
    """The text of every link to an entry's workspace page on ``page``."""
    return [_text(text) for text in re.findall(rf'href="/admin/entrees/{entry_id}(?:#\w+)?">(.*?)</a>', page, re.S)]


@pytest.fixture(scope="module")
def entries(app_client: TestClient) -> dict[str, str]:
    """Three entries titled three ways: by the editors' question, by an accepted visitor question, by its answer."""
    faq: Faqsante = service_of(app_client.app)
    made = {
        "own": faq.create_entry(
            question=OWN_QUESTION, answer="On zorglubise depuis le portail, en deux étapes.", section=None, author="t"
        ),
        "visitor": faq.create_entry(
            question=None, answer="Le brouzouflage se fait en agence, sur rendez-vous.", section=None, author="t"
        ),
        "answer": faq.create_entry(question=None, answer=NO_QUESTION_ANSWER, section=None, author="t"),
    }
    with faq.db.session() as session:
        asked, _ = record_question(
            session, made["visitor"], VISITOR_QUESTION, origin="learned", state="suggested", author=None
        )
        asked_id = asked.id
    faq.decide_suggestions([asked_id], "accepted", author="t")
    faq.engine.refresh()  # the app rebuilds its index in the background: searched at once, they would not be there
    return made


def test_an_entry_has_one_title_on_every_channel(
    editor: TestClient,
    entries: dict[str, str],
    seeded_url: str,
    plain_smtp_sink: SmtpSink,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAQSANTE_EMBEDDER", "none")  # as the app's settings (tests/web/conftest.py)
    monkeypatch.setenv("FAQSANTE_INDEX_DIR", str(tmp_path / "index"))
    db = service_of(editor.app).db
    searches = {"own": "zorglubiser", "visitor": "brouzoufler", "answer": "grimblotage"}
    expected = {
        "own": OWN_QUESTION,
        "visitor": "Comment brouzoufler ma e-CPS ?",
        "answer": "Le grimblotage des cartes CPS se fait depuis l'espace de gestion",
    }
    for kind, entry_id in entries.items():
        api = editor.get(f"/api/entries/{entry_id}").json()["title"]
        asked = editor.get("/api/ask", params={"q": searches[kind]}).json()["results"][0]
        printed = runner.invoke(cli, ["ask", "--json", searches[kind], "--db", seeded_url])
        assert printed.exit_code == 0, printed.output
        cli_hit = json.loads(printed.stdout)["results"][0]
        portal = _h1(editor.get(f"/reponses/{entry_id}", headers=HTML).text)
        admin = editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text
        listed = _admin_links(editor.get("/admin/entrees", params={"q": entry_id}, headers=HTML).text, entry_id)
        with mail_on(editor.app, plain_smtp_sink):
            submitted = submit_question(db, f"Comment faire ({kind}) ?", "lea@example.org")
            queue = editor.get("/admin/questions", headers=HTML).text
            linked = editor.post(
                f"/admin/questions/{submitted.id}/reponse",
                data={"csrf_token": token_of(queue), "entree": entry_id},
                follow_redirects=False,
            )
        assert linked.status_code == 303, linked.text
        mail = " ".join(plain_smtp_sink.inbox[-1].text().split())
        answered = editor.get("/admin/questions", params={"statut": "answered"}, headers=HTML).text
        listed += _admin_links(answered, entry_id)

        assert (asked["id"], cli_hit["id"]) == (entry_id, entry_id)
        assert {api, asked["title"], cli_hit["title"], portal, _h1(admin), *listed} == {expected[kind]}, kind
        assert f"« {expected[kind]} »" in mail
        assert ("titre dérivé" in admin) is (kind != "own")  # the editor is told the title is not theirs


def test_the_entry_page_says_what_a_derived_title_comes_from(editor: TestClient, entries: dict[str, str]) -> None:
    pages = {kind: editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text for kind, entry_id in entries.items()}

    assert "titre dérivé d&#39;une question acceptée" in pages["visitor"]
    assert "titre dérivé de la réponse" in pages["answer"]
    assert "titre dérivé" not in pages["own"]


def test_two_entries_with_one_question_are_told_apart_in_the_workspace_as_on_the_portal(
    editor: TestClient,
) -> None:
    faq: Faqsante = service_of(editor.app)
    twins = [
        faq.create_entry(question=TWIN_QUESTION, answer=answer, section=section, author="t")
        for answer, section in (
            ("Depuis le webmail de la messagerie, menu Réglages.", "Messagerie sécurisée"),
            ("Depuis le logiciel de cabinet, menu Options.", "Logiciels"),
        )
    ]

    listing = editor.get("/admin/entrees", params={"q": "schmoldiquer"}, headers=HTML).text
    shown = {entry_id: _admin_links(listing, entry_id) for entry_id in twins}
    portal = {entry_id: _h1(editor.get(f"/reponses/{entry_id}", headers=HTML).text) for entry_id in twins}

    assert [len(links) for links in shown.values()] == [1, 1]
    assert shown[twins[0]] != shown[twins[1]]  # the same question, two titles: their sections tell them apart
    assert {entry_id: links[0] for entry_id, links in shown.items()} == portal
    assert portal[twins[0]] == f"{TWIN_QUESTION} (Messagerie sécurisée)"
    merge = editor.get("/admin/fusion", params={"doublon": twins[0], "garder": twins[1]}, headers=HTML).text
    assert [_admin_links(merge, entry_id) for entry_id in twins] == [[portal[twins[0]]], [portal[twins[1]]]]


def test_drafts_and_archived_entries_of_one_title_are_told_apart_too(editor: TestClient) -> None:
    faq: Faqsante = service_of(editor.app)
    question = "Comment vrombiquer un DMP ?"
    drafts = [
        faq.create_entry(question=question, answer=answer, section=None, author="t", status="draft")
        for answer in ("Par le portail du DMP.", "Par le logiciel de cabinet.")
    ]
    archived = faq.create_entry(question=question, answer="Par courrier, autrefois.", section=None, author="t")
    faq.set_status(archived, "archived", author="t")
    ids = [*drafts, archived]

    listing = editor.get("/admin/entrees", params={"q": "vrombiquer"}, headers=HTML).text
    listed = {entry_id: _admin_links(listing, entry_id) for entry_id in ids}
    headings = {entry_id: _h1(editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text) for entry_id in ids}

    assert {entry_id: links[0] for entry_id, links in listed.items()} == headings
    assert len(set(headings.values())) == 3  # by their answers' leads: nothing else differs
    assert headings[drafts[0]] == f"{question} (Par le portail du DMP)"
