"""The French portal without JavaScript: a GET search form, POST forms answered by redirects, clear errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from faqsante.answers import catalog
from faqsante.store import Database
from faqsante.store.models import Entry, Feedback, QueryLog, SubmittedQuestion

from .conftest import ECPS_QUESTION, mail_on

HTML = {"accept": "text/html,application/xhtml+xml"}


def result_links(page: str) -> list[tuple[str, int, str]]:
    """# href="/reponses/627b0cbf71bb/slug?from=12.3f9a…"  ->  ("627b0cbf71bb", 12, "12.3f9a…")  (entry, log row, token)"""
    found = re.findall(r'href="/reponses/(\w+)/[\w-]+\?from=((\d+)\.[0-9a-f]{32})(?:&amp;passage=\d+-\d+)?"', page)
    return [(entry_id, int(log_id), token) for entry_id, token, log_id in found]


def count(db: Database, model: type, *where: object) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_home_page_is_french_accessible_and_lists_sections(client: TestClient) -> None:
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    page = response.text
    assert '<html lang="fr">' in page
    assert '<a href="#contenu">Aller au contenu</a>' in page and '<main id="contenu"' in page
    assert '<label for="q">' in page and 'id="q" name="q"' in page
    assert 'role="status"' in page and 'aria-live="polite"' in page
    assert "MSSanté" in page and "/reponses?rubrique=MSSant%C3%A9" in page
    assert "faqsante_visiteur" in response.headers["set-cookie"]


def test_search_works_with_a_plain_get(client: TestClient, app_db: Database) -> None:
    page = client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text
    links = result_links(page)
    assert links, page
    first_id, log_id, _ = links[0]
    with app_db.session() as session:
        assert "12 chiffres" in session.get(Entry, first_id).answer
        logged = session.get(QueryLog, log_id)
    assert (logged.query, logged.channel) == (ECPS_QUESTION, "web")
    assert logged.result_ids[: len(links)] == [entry_id for entry_id, _, _ in links]
    assert f"pour « {ECPS_QUESTION} »" in page
    assert "Je n'ai pas trouvé ma réponse" in page


def test_live_search_refines_one_log_row_per_question(client: TestClient, app_db: Database) -> None:
    before = count(app_db, QueryLog)
    fragment = client.get("/", params={"q": "identifiant e-c", "partiel": 1}).text
    assert "<html" not in fragment
    found = re.search(r'data-query-id="((\d+)\.[0-9a-f]{32})"', fragment)
    assert found, fragment
    token, log_id = found.group(1), int(found.group(2))
    for typed in ("identifiant e-cps", ECPS_QUESTION):
        fragment = client.get("/", params={"q": typed, "partiel": 1, "suite": token}).text
        assert f'data-query-id="{token}"' in fragment
    assert count(app_db, QueryLog) == before + 1
    with app_db.session() as session:
        assert session.get(QueryLog, log_id).query == ECPS_QUESTION
    # Another question, even from the same box, is another row.
    other = client.get("/", params={"q": "mot de passe MSSanté", "partiel": 1, "suite": token}).text
    assert f'data-query-id="{token}"' not in other
    assert count(app_db, QueryLog) == before + 2


def test_what_people_type_is_escaped(client: TestClient) -> None:
    page = client.get("/", params={"q": '<script>alert("x")</script>'}, headers=HTML).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_abstention_says_so_and_offers_to_submit_the_question(client: TestClient) -> None:
    page = client.get("/", params={"q": "xyzzy plugh"}, headers=HTML).text
    assert "Pas de réponse sûre" in page
    assert 'href="/question?q=xyzzy%20plugh"' in page


@pytest.mark.parametrize("q", ["", "   ", "mot " * 130])
def test_bad_questions_get_a_french_message_on_the_page(client: TestClient, q: str) -> None:
    response = client.get("/", params={"q": q}, headers=HTML)
    assert response.status_code == 400
    assert "La question est" in response.text and '<form class="recherche"' in response.text


def test_opening_a_result_records_the_click_and_shows_the_answer(client: TestClient, app_db: Database) -> None:
    entry_id, log_id, token = result_links(client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text)[0]
    page = client.get(f"/reponses/{entry_id}", params={"from": token}, headers=HTML).text
    with app_db.session() as session:
        assert session.get(QueryLog, log_id).clicked_entry_id == entry_id
    assert "Cette réponse vous a-t-elle été utile ?" in page
    assert "<li>" in page and "12 chiffres" in page
    assert "Réponses proches" in page and ("Ajoutée le" in page or "Mis à jour le" in page)
    assert f"Retour aux résultats pour « {ECPS_QUESTION} »" in page
    assert f'name="q" value="{ECPS_QUESTION}"' in page


def test_a_click_on_an_entry_that_was_not_shown_is_not_recorded(client: TestClient, app_db: Database) -> None:
    _, log_id, token = result_links(client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text)[0]
    with app_db.session() as session:
        stranger = session.scalars(select(Entry.id).where(Entry.section == "ROR")).first()
    assert client.get(f"/reponses/{stranger}", params={"from": token}, headers=HTML).status_code == 200
    with app_db.session() as session:
        assert session.get(QueryLog, log_id).clicked_entry_id is None


def test_a_results_link_serves_only_the_visitor_who_searched(client: TestClient, app_db: Database) -> None:
    """#19.3: ?from=N printed query-log row N (« Retour aux résultats pour … ») to anyone and counted a click."""
    entry_id, log_id, token = result_links(client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text)[0]
    searcher = dict(client.cookies)
    client.cookies.clear()  # another browser: a shared link, a guessed row id, a live search sent on
    try:
        for sent in [token, str(log_id), f"{log_id}.{'0' * 32}", f"{log_id - 1}.{token.split('.')[1]}"]:
            page = client.get(f"/reponses/{entry_id}", params={"from": sent}, headers=HTML)
            assert (
                page.status_code == 200 and ECPS_QUESTION not in page.text and "Retour aux résultats" not in page.text
            )
        refined = client.get("/", params={"q": ECPS_QUESTION + " ?", "partiel": 1, "suite": token}).text
        assert f'data-query-id="{token}"' not in refined
        with app_db.session() as session:
            logged = session.get(QueryLog, log_id)
            assert (logged.query, logged.clicked_entry_id) == (ECPS_QUESTION, None)
    finally:
        client.cookies.clear()
        client.cookies.update(searcher)
    page = client.get(f"/reponses/{entry_id}", params={"from": token}, headers=HTML).text
    assert f"Retour aux résultats pour « {ECPS_QUESTION} »" in page
    with app_db.session() as session:
        assert session.get(QueryLog, log_id).clicked_entry_id == entry_id


def test_voting_without_javascript(client: TestClient, app_db: Database) -> None:
    entry_id, _, _ = result_links(client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text)[0]
    client.get(f"/reponses/{entry_id}", headers=HTML)  # the page gives this browser its visitor cookie
    before = count(app_db, Feedback, Feedback.entry_id == entry_id)

    voted = client.post(f"/reponses/{entry_id}/avis", data={"utile": "non", "q": ECPS_QUESTION}, follow_redirects=False)
    assert voted.status_code == 303
    target = urlsplit(voted.headers["location"])
    assert target.path == catalog.get_entry(app_db, entry_id).url and parse_qs(target.query)["avis"] == ["non"]
    page = client.get(voted.headers["location"], headers=HTML).text
    assert 'id="commentaire"' in page and "Merci pour votre avis" in page

    commented = client.post(
        f"/reponses/{entry_id}/avis",
        data={"utile": "non", "commentaire": "Il manque le format.", "q": ECPS_QUESTION},
        follow_redirects=False,
    )
    assert parse_qs(urlsplit(commented.headers["location"]).query)["avis"] == ["merci"]
    assert count(app_db, Feedback, Feedback.entry_id == entry_id) == before + 1
    with app_db.session() as session:
        vote = session.scalars(
            select(Feedback).where(Feedback.entry_id == entry_id).order_by(Feedback.id.desc())
        ).first()
    assert (vote.helpful, vote.comment, vote.query) == (False, "Il manque le format.", ECPS_QUESTION)


def test_line_breaks_count_once_as_the_browser_counts_them(client: TestClient, app_db: Database) -> None:
    # A form sends each line break as CR LF: 2,000 characters in the textarea (its maxlength) arrive as more.
    entry_id = result_links(client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text)[0][0]
    typed = "\n".join(f"Ligne {number} : il manque un exemple." for number in range(70))[:1999] + "."
    question = "\n".join(f"Point {number} ?" for number in range(60))[:499] + "?"
    assert len(typed) == 2000 and len(question) == 500

    voted = client.post(f"/reponses/{entry_id}/avis", data={"utile": "non", "commentaire": typed.replace("\n", "\r\n")},
                        headers=HTML, follow_redirects=False)  # fmt: skip
    asked = client.post(
        "/question", data={"question": question.replace("\n", "\r\n")}, headers=HTML, follow_redirects=False
    )

    assert voted.status_code == 303 and asked.status_code == 303
    with app_db.session() as session:
        assert session.scalars(select(Feedback.comment).where(Feedback.entry_id == entry_id)).all()[-1] == typed
        assert (
            session.scalars(select(SubmittedQuestion.question).order_by(SubmittedQuestion.id.desc())).first()
            == question
        )


def test_a_vote_must_be_yes_or_no(client: TestClient, app_db: Database) -> None:
    entry_id = result_links(client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text)[0][0]
    response = client.post(f"/reponses/{entry_id}/avis", data={"utile": "bof"}, headers=HTML)
    assert response.status_code == 400
    assert "Choisissez « Oui » ou « Non »" in response.text and '<html lang="fr">' in response.text


def test_submitting_an_unanswered_question(client: TestClient, app_db: Database) -> None:
    with mail_on(client.app):
        form = client.get("/question", params={"q": "carte CPS perdue"}, headers=HTML).text
        assert ">carte CPS perdue</textarea>" in form and '<label for="email">' in form
        assert "Aucune réponse ne vous sera envoyée" not in form
        sent = client.post(
            "/question", data={"question": "Ma carte CPS est perdue, que faire ?", "email": ""}, follow_redirects=False
        )
        assert sent.status_code == 303 and sent.headers["location"] == "/question/merci"
        assert "vous recevrez un message" in client.get("/question/merci", headers=HTML).text
    assert count(app_db, SubmittedQuestion, SubmittedQuestion.question == "Ma carte CPS est perdue, que faire ?") == 1


def test_without_mail_configured_no_mail_is_promised_nor_address_kept(client: TestClient, app_db: Database) -> None:
    form = client.get("/question", params={"q": "carte CPS perdue"}, headers=HTML).text
    assert ">carte CPS perdue</textarea>" in form and 'name="email"' not in form
    assert "Aucune réponse ne vous sera envoyée par e-mail" in form
    client.post("/question", data={"question": "Ma carte CPS a expiré.", "email": "moi@exemple.fr"})
    thanks = client.get("/question/merci", headers=HTML).text
    assert "votre question a été transmise" in thanks and "prévenu" not in thanks and "e-mail" not in thanks
    with app_db.session() as session:
        stored = session.scalars(select(SubmittedQuestion).where(SubmittedQuestion.question.contains("a expiré"))).one()
    assert stored.email is None


@pytest.mark.parametrize("email", ["moi@", "=?utf-8?b?YUBiLmZyLGNAZC5mcg==?=x@x.fr", "postmaster,victim@evil.example"])
def test_a_bad_address_is_pointed_at_and_the_input_kept(client: TestClient, app_db: Database, email: str) -> None:
    before = count(app_db, SubmittedQuestion)
    with mail_on(client.app):
        response = client.post("/question", data={"question": "Et ma CPS ?", "email": email}, headers=HTML)
    assert response.status_code == 400
    assert 'role="alert"' in response.text and re.search("n&#39;est pas valide|une seule adresse", response.text)
    assert re.search(r'id="email"[^>]*aria-invalid="true"', response.text, re.S)
    assert f'value="{email}"' in response.text
    assert ">Et ma CPS ?</textarea>" in response.text
    assert count(app_db, SubmittedQuestion) == before


def test_sections_are_browsed_page_by_page(client: TestClient) -> None:
    page = client.get("/reponses", params={"rubrique": "Mon espace santé"}, headers=HTML).text
    assert "<h1>Mon espace santé</h1>" in page and "page 1 sur 3" in page
    assert 'href="/reponses?rubrique=Mon%20espace%20sant%C3%A9&amp;page=2"' in page
    assert (
        "page 2 sur 3" in client.get("/reponses", params={"rubrique": "Mon espace santé", "page": 2}, headers=HTML).text
    )


@pytest.mark.parametrize("path", ["/reponses/inconnue", "/reponses?rubrique=Inconnue", "/nulle-part"])
def test_unknown_pages_are_a_french_404(client: TestClient, path: str) -> None:
    response = client.get(path, headers=HTML)
    assert response.status_code == 404
    assert '<html lang="fr">' in response.text and "Code d'erreur : 404" in response.text


def test_no_inline_script_style_or_handler(client: TestClient) -> None:
    """A later Content-Security-Policy forbids 'unsafe-inline': every page must already do without."""
    entry_id = result_links(client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text)[0][0]
    for path in ["/", f"/?q={ECPS_QUESTION}", f"/reponses/{entry_id}", "/reponses", "/question", "/docs", "/inconnue"]:
        response = client.get(path, headers=HTML)
        assert response.status_code == (404 if path == "/inconnue" else 200), path
        page = response.text
        # A schema.org data block (application/ld+json) is data, never run: the CSP does not apply to it.
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>", page), path
        assert not re.search(r"\sstyle=|<style", page), path
        assert not re.search(r"\son[a-z]+=", page), path
        assert "javascript:" not in page, path


def test_results_show_the_answering_sentence_and_the_answer_page_marks_it(client: TestClient) -> None:
    page = client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text
    first = re.search(r'href="/reponses/(\w+)/[\w-]+\?from=([\d.a-f]+)&amp;passage=(\d+)-(\d+)"', page)
    assert first is not None
    snippet = re.search(r'<p class="extrait">(.*?)</p>', page)
    assert snippet is not None and "<mark>chiffres</mark>" in snippet.group(1)
    assert "Ce message peut avoir plusieurs causes" not in snippet.group(1)  # the answer's start is not the snippet
    entry_id, log_id, start, end = first.groups()
    answer_page = client.get(f"/reponses/{entry_id}", params={"from": log_id, "passage": f"{start}-{end}"}).text
    marked = re.findall(r'<mark class="reponse-phrase">(.*?)</mark>', answer_page)
    assert marked and "12 chiffres" in "".join(marked)


@pytest.mark.parametrize("passage", ["0-1", "x", "3-2", "99999-999999", "1-" + "9" * 50, "<script>"])
def test_a_link_naming_no_sentence_of_the_answer_marks_nothing(client: TestClient, passage: str) -> None:
    page = client.get("/", params={"q": ECPS_QUESTION}, headers=HTML).text
    entry_id = re.findall(r'href="/reponses/(\w+)/[\w-]+\?from=', page)[0]
    response = client.get(f"/reponses/{entry_id}", params={"passage": passage})
    assert response.status_code == 200
    assert "reponse-phrase" not in response.text and "<script>" not in response.text.split("</head>")[1]
