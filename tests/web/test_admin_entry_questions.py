"""Questions in the editors' workspace: a helpful vote becomes a suggestion, accepted or refused one by one or in
bulk; an entry's own questions added, reworded, promoted to title, deleted; entries without a question listed."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from faqsante.feedback.learning import learn
from faqsante.feedback.suggestions import list_suggestions
from faqsante.store import Database
from faqsante.store.models import Entry, QueryLog
from faqsante.store.questions import accepted_questions, entry_questions

from .conftest import HTML, sign_in, token_of

pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)


def untitled_entries(db: Database, count: int) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(Entry.id)
                .where(Entry.status == "published", Entry.question.is_(None))
                .order_by(Entry.id)
                .limit(count)
            )
        )


def test_a_helpful_vote_on_a_searched_answer_becomes_a_suggestion_an_editor_accepts(
    client: TestClient, app_db: Database
) -> None:
    query = "combien de chiffres dans mon identifiant e-cps"
    results = client.get("/api/ask", params={"q": query}).json()["results"]
    entry_id = results[1]["id"]  # not the first: the editor teaches search that this one answers it
    vote = client.post(f"/api/entries/{entry_id}/feedback", json={"helpful": True, "query": query})
    assert vote.status_code == 201
    [suggestion] = [s.question for s in list_suggestions(app_db) if s.question.text == query]
    assert (suggestion.entry_id, suggestion.origin, suggestion.asked_count) == (entry_id, "learned", 1)

    assert sign_in(client).status_code == 303
    page = client.get("/admin/suggestions", headers=HTML)
    assert page.status_code == 200 and f"« {query} »" in page.text
    version = app_db.data_version()
    decided = client.post(
        "/admin/suggestions",
        data={"csrf_token": token_of(page.text), "seul": f"accepted:{suggestion.id}"},
        follow_redirects=False,
    )
    assert (
        decided.status_code == 303 and decided.headers["location"] == "/admin/suggestions?message=suggestions-acceptees"
    )
    assert app_db.data_version() == version + 1  # every worker's index reloads before its next answer
    with app_db.session() as session:
        assert (entry_id, query) in accepted_questions(session)


def test_suggestions_are_accepted_or_refused_in_bulk_from_the_sans_question_view(
    editor: TestClient, app_db: Database
) -> None:
    first, second = untitled_entries(app_db, 2)
    asked = [learn(app_db, first, "comment faire pour ma carte"), learn(app_db, second, "à qui écrire pour ça")]
    learn(app_db, first, "ma carte, comment faire")  # the same question again: counted, not listed twice
    refused = learn(app_db, second, "question hors sujet")
    assert all(asked) and refused is not None

    page = editor.get("/admin/sans-question", headers=HTML)
    assert page.status_code == 200
    assert '« Comment faire pour ma carte ? » <span class="type-candidat">visiteur, à valider</span>' in page.text
    form = {"csrf_token": token_of(page.text), "retour": "sans-question", "decision": "accepted"}
    accepted = editor.post(
        "/admin/suggestions", data={**form, "question": [q.id for q in asked if q]}, follow_redirects=False
    )
    assert accepted.headers["location"] == "/admin/sans-question?message=suggestions-acceptees"
    editor.post("/admin/suggestions", data={**form, "decision": "rejected", "question": [refused.id]})

    states = {q.text: q.state for q in entry_questions(app_db, second)}
    assert states == {"à qui écrire pour ça": "accepted", "question hors sujet": "rejected"}
    # an accepted question is the title of an entry that had none, in the portal and in the API
    assert "Comment faire pour ma carte ?" in editor.get(f"/reponses/{first}", headers=HTML).text  # tidied
    assert editor.get(f"/api/entries/{first}").json()["title"] == "Comment faire pour ma carte ?"

    nothing = editor.post("/admin/suggestions", data={**form, "question": []})
    assert nothing.status_code == 400 and "Cochez au moins une suggestion" in nothing.text
    missing = editor.post("/admin/suggestions", data={**form, "question": [987654]})
    assert missing.status_code == 404


def test_an_entry_page_adds_rewords_promotes_and_deletes_its_questions(editor: TestClient, app_db: Database) -> None:
    [entry_id] = untitled_entries(app_db, 1)[-1:]
    page = editor.get(f"/admin/entrees/{entry_id}", headers=HTML)
    token = token_of(page.text)
    base = f"/admin/entrees/{entry_id}/questions"

    added = editor.post(base, data={"csrf_token": token, "texte": "Quelle est la démarche ?"}, follow_redirects=False)
    assert added.status_code == 303  # the query before the fragment, or the message is lost (#19.17)
    assert added.headers["location"] == f"/admin/entrees/{entry_id}?message=question-ajoutee#questions"
    assert "Question ajoutée" in editor.get(added.headers["location"], headers=HTML).text
    too_long = editor.post(base, data={"csrf_token": token, "texte": "x" * 600})
    assert too_long.status_code == 400 and "trop longue" in too_long.text
    [question] = [q for q in entry_questions(app_db, entry_id) if q.text == "Quelle est la démarche ?"]

    page = editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    assert re.search(r'value="Quelle est la démarche \?"', page)
    editor.post(f"{base}/{question.id}/modifier", data={"csrf_token": token, "texte": "Quelle démarche suivre ?"})
    editor.post(f"{base}/{question.id}/principale", data={"csrf_token": token})
    with app_db.session() as session:
        entry = session.get(Entry, entry_id)
        assert entry is not None and entry.question == "Quelle démarche suivre ?"

    other = editor.post(base, data={"csrf_token": token, "texte": "Une autre façon de demander"})
    assert other.status_code == 200
    [extra] = [q for q in entry_questions(app_db, entry_id) if q.text == "Une autre façon de demander"]
    editor.post(f"{base}/{extra.id}/supprimer", data={"csrf_token": token})
    assert "Une autre façon de demander" not in [q.text for q in entry_questions(app_db, entry_id)]
    assert editor.post(f"{base}/{extra.id}/supprimer", data={"csrf_token": token}).status_code == 404
    assert editor.post(base, data={"texte": "sans jeton"}).status_code == 403


def test_a_question_is_changed_only_through_its_own_entrys_address(editor: TestClient, app_db: Database) -> None:
    # A stale or edited address names another entry: nothing changes, and the page says the question is not there.
    first, other = untitled_entries(app_db, 2)
    token = token_of(editor.get(f"/admin/entrees/{first}", headers=HTML).text)
    editor.post(f"/admin/entrees/{first}/questions", data={"csrf_token": token, "texte": "Qui peut le demander ?"})
    [question] = [q for q in entry_questions(app_db, first) if q.text == "Qui peut le demander ?"]
    elsewhere = f"/admin/entrees/{other}/questions/{question.id}"

    for action, form in [("modifier", {"texte": "Réécrite par erreur ?"}), ("principale", {}), ("supprimer", {})]:
        refused = editor.post(
            f"{elsewhere}/{action}", data={"csrf_token": token, **form}, headers=HTML, follow_redirects=False
        )
        assert refused.status_code == 404 and f"n° {question.id}" in refused.text, action

    assert [q.text for q in entry_questions(app_db, first) if q.id == question.id] == ["Qui peut le demander ?"]
    with app_db.session() as session:
        assert session.get(Entry, first).question is None and session.get(Entry, other).question is None  # type: ignore[union-attr]


def test_a_refused_question_comes_back_as_typed(editor: TestClient, app_db: Database) -> None:
    entry_id = untitled_entries(app_db, 3)[-1]
    token = token_of(editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text)
    base = f"/admin/entrees/{entry_id}/questions"
    editor.post(base, data={"csrf_token": token, "texte": "Faut-il une carte ?"})
    editor.post(base, data={"csrf_token": token, "texte": "Faut-il un lecteur ?"})
    [card] = [q for q in entry_questions(app_db, entry_id) if q.text == "Faut-il une carte ?"]

    long = "Faut-il " + "vraiment " * 60 + "une carte ?"
    added = editor.post(base, data={"csrf_token": token, "texte": long}, headers=HTML)
    assert added.status_code == 400 and "trop longue" in added.text
    assert re.search(
        r'<input id="nouvelle-question" name="texte" value="' + re.escape(long) + '"[^>]*aria-invalid="true"',
        added.text,
    )

    twin = editor.post(
        f"{base}/{card.id}/modifier", data={"csrf_token": token, "texte": "faut-il un LECTEUR ?"}, headers=HTML
    )
    assert twin.status_code == 400 and "déjà cette question" in twin.text
    assert re.search(
        rf'<input id="qa-{card.id}" name="texte" value="faut-il un LECTEUR \?"[^>]*aria-invalid="true"', twin.text
    )
    assert "Faut-il une carte ?" in [q.text for q in entry_questions(app_db, entry_id)]


def test_decisions_only_send_the_editor_back_inside_the_workspace(editor: TestClient, app_db: Database) -> None:
    [entry_id] = untitled_entries(app_db, 1)
    asked = learn(app_db, entry_id, "une question de plus pour le retour")
    assert asked is not None
    token = token_of(editor.get("/admin/suggestions", headers=HTML).text)
    for retour, location in [
        (f"entree:{entry_id}", f"/admin/entrees/{entry_id}?message=suggestions-refusees"),
        ("entree://evil.example/x\r\nSet-Cookie: x", "/admin/entrees/%2F%2Fevil.example%2Fx%0D%0ASet-Cookie%3A%20x?"),
        ("https://evil.example", "/admin/suggestions?"),
    ]:
        answer = editor.post(
            "/admin/suggestions",
            data={"csrf_token": token, "seul": f"rejected:{asked.id}", "retour": retour},
            follow_redirects=False,
        )
        assert answer.status_code == 303 and answer.headers["location"].startswith(location)
    huge = editor.post("/admin/suggestions", data={"csrf_token": token, "seul": "accepted:99999999999999999999"})
    assert huge.status_code == 400


def desk_count(page: str) -> int:
    return int(re.search(r'data-total="(\d+)"', page).group(1))  # type: ignore[union-attr]


def test_the_title_desk_lists_candidates_and_its_count_drops_as_titles_are_set(
    editor: TestClient, app_db: Database
) -> None:
    first, second, third = untitled_entries(app_db, 3)
    with app_db.session() as session:  # visits: the second entry is the most opened, so it is listed first
        session.add_all(QueryLog(query="q", channel="portal", clicked_entry_id=second) for _ in range(3))
    page = editor.get("/admin/sans-question", headers=HTML).text
    before = desk_count(page)
    assert page.index(f'id="e-{second}"') < page.index(f'id="e-{first}"')
    assert "3 ouverture(s) depuis les résultats" in page
    assert 'data-candidat="1"' in page and "générée" in page  # generated suggestions, marked as such
    token = token_of(page)

    chosen = editor.post(
        "/admin/sans-question/titre",
        data={"csrf_token": token, "entree": first, "titre": "Titre tapé ?", "choisi": "", "suivante": third},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    assert chosen.headers["location"] == f"/admin/sans-question?page=1&message=titre-enregistre#e-{third}"
    edited = editor.post(
        "/admin/sans-question/titre",
        data={"csrf_token": token, "entree": second, "titre": "  Comment   modifier ce titre ?  "},
    )
    assert edited.status_code == 200 and desk_count(edited.text) == before - 2
    assert editor.get(f"/api/entries/{first}").json()["title"] == "Titre tapé ?"
    assert editor.get(f"/api/entries/{second}").json()["title"] == "Comment modifier ce titre ?"
    revisions = editor.get(f"/admin/entrees/{first}", headers=HTML).text
    assert "titre choisi" in revisions  # an edit like any other: a revision signed by the editor

    offered = re.findall(
        r'name="entree" value="([\w-]+)" form="titres-lot">\s*<label[^>]*>Cocher pour enregistrer « (.*?) »</label>',
        edited.text,
    )
    proposed = dict(offered[:2])  # entries with a candidate title get a box; the others must be written
    assert len(proposed) == 2 and first not in proposed and second not in proposed
    bulk = editor.post("/admin/sans-question/lot", data={"csrf_token": token, "entree": list(proposed)})
    assert bulk.status_code == 200 and desk_count(bulk.text) == before - 4
    for entry_id, title in proposed.items():
        assert editor.get(f"/api/entries/{entry_id}").json()["title"] == html.unescape(title)
    none = editor.post("/admin/sans-question/lot", data={"csrf_token": token})
    assert none.status_code == 400 and "Cochez au moins une entrée" in none.text
    gone = editor.post("/admin/sans-question/titre", data={"csrf_token": token, "entree": "inconnue", "titre": "X ?"})
    assert gone.status_code == 404
