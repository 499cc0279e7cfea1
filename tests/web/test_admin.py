"""The editors' workspace: closed to anonymous visitors, CSRF on every form, edits that survive re-ingest."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.requests import Request

from faqsante import editing
from faqsante.accounts import create_user, set_active, set_password
from faqsante.answers import catalog
from faqsante.feedback.audience import list_votes, record_query, record_vote, submit_question
from faqsante.health.lint import lint_database
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.models import Entry, EntryQuestion, SubmittedQuestion
from faqsante.web.admin.base import MESSAGES
from faqsante.web.auth import SESSION_COOKIE, is_https
from faqsante.web.deps import service_of

from .conftest import HTML, PASSWORD, SAMPLE_DIR, sign_in, token_of

TEMPLATES = Path(__file__).parents[2] / "src" / "faqsante" / "web" / "templates" / "admin"
pytestmark = pytest.mark.usefixtures("accounts")  # marie and admin (conftest)


def entry_id_of(db: Database, answer: str) -> str:
    with db.session() as session:
        entry_id = session.scalar(select(Entry.id).where(Entry.answer == answer))
    assert entry_id, answer
    return entry_id


def edit_form(client: TestClient, entry_id: str) -> dict[str, str]:
    page = client.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    return {
        "csrf_token": token_of(page),
        "revision": re.search(r'name="revision" value="(\d+)"', page).group(1),  # type: ignore[union-attr]
        "question": "",
        "reponse": "",
        "rubrique": "",
    }


def concrete(path: str) -> str:
    """# /admin/entrees/{entry_id}/statut -> /admin/entrees/x/statut ; {question_id} -> 1"""
    return re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1).endswith("_id") and "question" in m.group(1) else "x", path)


def admin_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) of ``app.routes`` under /admin, included routers unfolded."""
    return [
        (method, route.path)
        for route in iter_route_contexts(client.app.routes)
        if route.path and route.path.startswith("/admin")
        for method in sorted(route.methods or ()) if method != "HEAD"
    ]  # fmt: skip


def test_no_admin_route_is_open_to_anonymous_visitors(client: TestClient) -> None:
    routes = admin_routes(client)
    assert len(routes) >= 20
    for method, path in routes:
        url = concrete(path)
        script = client.request(method, url, follow_redirects=False)
        assert script.status_code == 401, (method, path, script.status_code)
        browser = client.request(method, url, headers=HTML, follow_redirects=False)
        if method == "GET":
            assert browser.status_code == 303 and browser.headers["location"].startswith("/connexion?suivant="), path
        else:
            assert browser.status_code == 401, (method, path)


def test_admin_only_pages_refuse_editors(editor: TestClient) -> None:
    assert editor.get("/admin/utilisateurs", headers=HTML).status_code == 403
    page = editor.get("/admin", headers=HTML).text
    assert "/admin/utilisateurs" not in page and "marie (rédacteur)" in page


def test_sign_in_sets_a_safe_cookie_and_returns_where_you_were_going(client: TestClient) -> None:
    anonymous = client.get("/admin/lint", headers=HTML, follow_redirects=False)
    assert anonymous.headers["location"] == "/connexion?suivant=%2Fadmin%2Flint"

    response = sign_in(client, next_path="/admin/lint")

    assert (response.status_code, response.headers["location"]) == (303, "/admin/lint")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests
    assert client.get("/admin/lint", headers=HTML).status_code == 200


def test_a_wrong_password_says_so_without_saying_which_part(client: TestClient) -> None:
    response = sign_in(client, password="mauvais mot de passe")
    assert response.status_code == 400 and "Identifiant ou mot de passe incorrect." in response.text
    assert sign_in(client, username="personne").status_code == 400
    assert client.get("/admin", headers=HTML, follow_redirects=False).status_code == 303


def test_sign_in_never_redirects_outside_the_workspace(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example", "/reponses"):
        assert sign_in(client, next_path=target).headers["location"] == "/admin"
        client.cookies.clear()


def test_every_form_needs_this_session_token(editor: TestClient, app_client: TestClient) -> None:
    entry_id = entry_id_of(service_of(editor.app).db, "Oui, cela est tout à fait possible")
    form = {**edit_form(editor, entry_id), "question": "Piratée ?", "reponse": "Piratée."}
    assert editor.post(f"/admin/entrees/{entry_id}", data={**form, "csrf_token": ""}).status_code == 403
    assert (
        editor.post(f"/admin/entrees/{entry_id}", data={k: v for k, v in form.items() if k != "csrf_token"}).status_code
        == 403
    )
    other = TestClient(app_client.app)
    sign_in(other, "admin")
    foreign = token_of(other.get("/admin/entrees", headers=HTML).text)
    assert editor.post(f"/admin/entrees/{entry_id}", data={**form, "csrf_token": foreign}).status_code == 403
    assert catalog.get_entry(service_of(editor.app).db, entry_id).question is None


def test_a_fix_made_in_the_workspace_survives_the_next_ingest(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, "Oui, c'est cela.")
    form = {
        **edit_form(editor, entry_id),
        "question": "Le DMN reçoit-il de la GAM un message HL7 ADT pour chaque identité ?",
        "reponse": "Oui, c'est cela : un message HL7 V2 ADT <b>à chaque</b> création ou modification.",
    }
    saved = editor.post(f"/admin/entrees/{entry_id}", data=form, headers=HTML, follow_redirects=False)
    assert saved.headers["location"] == f"/admin/entrees/{entry_id}?message=enregistree"

    ingest_paths(db, [SAMPLE_DIR])

    entry = catalog.get_entry(db, entry_id)
    assert entry.question == form["question"] and entry.answer == form["reponse"]
    page = editor.get(saved.headers["location"], headers=HTML).text
    assert MESSAGES["enregistree"] in page
    assert "<ins>" in page and "&lt;b&gt;à" in page and "<b>à" not in page  # the diff is escaped
    assert "Révision 2" in page and "marie" in page


def test_a_suggested_title_is_accepted_in_one_click(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, "Non, le référencement au Catalogue de services n’est pas obligatoire.")
    page = editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    title = "Est-ce que le référencement au Catalogue de services est obligatoire ?"
    assert f'name="titre" value="{title}"' in page and ">Accepter</button>" in page
    form = edit_form(editor, entry_id)
    accepted = editor.post(
        f"/admin/entrees/{entry_id}/titre",
        data={"csrf_token": form["csrf_token"], "revision": form["revision"], "titre": title},
    )
    assert accepted.status_code == 200 and MESSAGES["titre"] in accepted.text
    assert catalog.get_entry(db, entry_id).question == title


def test_saving_over_someone_elses_change_is_refused(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, "Une seule lettre par projet, c’est-à-dire pour une grappe.")
    stale = edit_form(editor, entry_id)
    editor.post(
        f"/admin/entrees/{entry_id}", data={**stale, "question": "Combien de lettres ?", "reponse": "Une par grappe."}
    )
    conflict = editor.post(f"/admin/entrees/{entry_id}", data={**stale, "question": "Autre ?", "reponse": "Autre."})
    assert conflict.status_code == 409 and "modifiée entre-temps par marie" in conflict.text
    assert catalog.get_entry(db, entry_id).answer == "Une par grappe."


def heading(page: str) -> str:
    return html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("answer", "accepted"),
    [
        ("Non, le référencement au Catalogue de services n'est pas obligatoire. Il reste conseillé.", None),
        ("Oui, dès aujourd'hui. La procédure est décrite plus bas.", "Puis-je référencer mon service dès maintenant ?"),
    ],
    ids=["suggested-from-the-answer", "accepted-question"],
)
def test_a_drafts_preview_shows_the_title_visitors_will_see(
    editor: TestClient, answer: str, accepted: str | None
) -> None:
    db: Database = service_of(editor.app).db
    with db.session() as session:  # published, without a question, and no question accepted for it yet
        entry_id = session.scalar(
            select(Entry.id).where(Entry.status == "published", Entry.question.is_(None), ~Entry.id.in_(
                select(EntryQuestion.entry_id).where(EntryQuestion.entry_id.is_not(None))
            )).order_by(Entry.id.desc())
        )  # fmt: skip
        if accepted:
            session.add(
                EntryQuestion(entry_id=entry_id, text=accepted, key=accepted, origin="editor", state="accepted")
            )
    form = {**edit_form(editor, entry_id), "reponse": answer, "action": "brouillon"}
    assert editor.post(f"/admin/entrees/{entry_id}", data=form).status_code == 200

    preview = editor.get(f"/admin/entrees/{entry_id}/apercu", headers=HTML).text
    token = token_of(preview)
    editor.post(f"/admin/entrees/{entry_id}/brouillon/publier", data={"csrf_token": token})

    published = editor.get(f"/reponses/{entry_id}", headers=HTML).text
    assert catalog.get_entry(db, entry_id).answer == answer
    assert heading(preview) == heading(published) != answer.split(".")[0] + "."
    assert html.unescape(re.search(r"<title>(.*?)</title>", preview, re.S).group(1)).startswith(  # type: ignore[union-attr]
        f"Aperçu — {heading(published)} — "
    )


@pytest.mark.parametrize("action", ["publier", "brouillon", "nouvelle"])
def test_an_over_long_answer_is_refused_in_french_and_given_back(editor: TestClient, action: str) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, "Vous pouvez prendre la moyenne des personnes accueillies sur une année.")
    typed = "Une longue réponse relue. " + "x" * editing.MAX_ANSWER_LENGTH  # an hour of work, one character too many
    form = {**edit_form(editor, entry_id), "question": "Une question ?", "reponse": typed}
    path = "/admin/entrees" if action == "nouvelle" else f"/admin/entrees/{entry_id}"
    before = (catalog.get_entry(db, entry_id).answer, editing.get_draft(db, entry_id), count_entries(db))

    refused = editor.post(path, data={**form, "action": "publier" if action == "nouvelle" else action}, headers=HTML)

    assert refused.status_code == 400
    assert f"La réponse est trop longue ({len(typed)} caractères, {editing.MAX_ANSWER_LENGTH} au plus)" in refused.text
    assert re.search(
        r'<textarea id="reponse"[^>]*aria-invalid="true"[^>]*>' + re.escape(typed) + "</textarea>", refused.text
    )
    assert (catalog.get_entry(db, entry_id).answer, editing.get_draft(db, entry_id), count_entries(db)) == before


def test_an_over_long_title_is_refused_in_french(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, "Vous pouvez prendre la moyenne des personnes accueillies sur une année.")
    form = edit_form(editor, entry_id)
    title = "Que " + "faut-il " * 70 + "savoir ?"
    refused = editor.post(
        f"/admin/entrees/{entry_id}/titre", data={"csrf_token": form["csrf_token"], "revision": form["revision"], "titre": title},
        headers=HTML,
    )  # fmt: skip
    assert (
        refused.status_code == 400
        and f"La question est trop longue ({len(title)} caractères, 500 au plus)" in refused.text
    )
    assert catalog.get_entry(db, entry_id).question is None


def test_a_blank_title_is_refused_not_recorded_as_the_question(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    with db.session() as session:
        entry_id = session.scalar(
            select(Entry.id).where(Entry.status == "published").order_by(Entry.id.desc()).offset(10)
        )
    answer = catalog.get_entry(db, entry_id).answer
    editor.post(f"/admin/entrees/{entry_id}", data={**edit_form(editor, entry_id), "question": "Combien de lettres ?",
                                                     "reponse": answer})  # fmt: skip
    form = edit_form(editor, entry_id)
    refused = editor.post(
        f"/admin/entrees/{entry_id}/titre", data={"csrf_token": form["csrf_token"], "revision": form["revision"], "titre": "  "},
        headers=HTML,
    )  # fmt: skip
    assert refused.status_code == 400 and "Le titre est vide" in refused.text
    assert catalog.get_entry(db, entry_id).question == "Combien de lettres ?"


def test_a_text_far_beyond_every_limit_gets_the_limit_in_french(client: TestClient) -> None:
    sign_in(client, "admin")
    token = token_of(client.get("/admin/pages", headers=HTML).text)
    refused = client.post(
        "/admin/pages/mentions-legales", data={"csrf_token": token, "texte": "x" * 100_001}, headers=HTML
    )
    assert refused.status_code == 422 and "texte : trop long (100000 caractères au plus)" in refused.text


def count_entries(db: Database) -> int:
    with db.session() as session:
        return len(session.scalars(select(Entry.id)).all())


def test_archive_then_publish(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, "Vous pouvez prendre la moyenne des personnes accueillies sur une année.")
    token = edit_form(editor, entry_id)["csrf_token"]
    editor.post(f"/admin/entrees/{entry_id}/statut", data={"csrf_token": token, "statut": "archived"})
    assert editor.get(f"/reponses/{entry_id}", headers=HTML).status_code == 404
    assert "Voir dans la FAQ" not in editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    editor.post(f"/admin/entrees/{entry_id}/statut", data={"csrf_token": token, "statut": "published"})
    assert editor.get(f"/reponses/{entry_id}", headers=HTML).status_code == 200
    permalink = catalog.get_entry(db, entry_id).url
    assert f'<a href="{permalink}">Voir dans la FAQ</a>' in editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text


def test_new_entries_and_submitted_questions(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    token = token_of(editor.get("/admin/entrees/nouvelle?question=Tarif+de+TéléO+%3F", headers=HTML).text)
    created = editor.post(
        "/admin/entrees",
        data={
            "csrf_token": token,
            "question": "Tarif de TéléO ?",
            "reponse": "TéléO est gratuit.",
            "rubrique": "TéléO",
        },
        follow_redirects=False,
    )
    new_id = created.headers["location"].split("/")[-1].split("?")[0]
    assert catalog.get_entry(db, new_id).answer == "TéléO est gratuit."
    under_its_filter = editor.get("/api/entries", params={"produit": "teleo", "per_page": 100}).json()["items"]
    assert new_id in [item["id"] for item in under_its_filter]  # tagged when created, not at the next import
    empty = editor.post("/admin/entrees", data={"csrf_token": token, "question": "Vide ?", "reponse": " "})
    assert empty.status_code == 400 and "ne peut pas être vide" in empty.text

    asked = submit_question(db, "Combien coûte TéléO ?")
    new = submit_question(db, "Qui contacter pour ViaTrajectoire ?")
    spam = submit_question(db, "Gagnez un smartphone")
    queue = editor.get("/admin/questions", headers=HTML).text
    assert "Combien coûte TéléO ?" in queue
    editor.post(f"/admin/questions/{asked.id}/reponse", data={"csrf_token": token, "entree": new_id})
    editor.post(
        f"/admin/questions/{new.id}/reponse",
        data={"csrf_token": token, "question": new.question, "reponse": "Le référent de votre établissement."},
    )
    editor.post(f"/admin/questions/{spam.id}/ecarter", data={"csrf_token": token})
    with db.session() as session:
        rows = {row.id: (row.status, row.answer_entry_id) for row in session.scalars(select(SubmittedQuestion))}
    assert rows[asked.id] == ("answered", new_id) and rows[spam.id] == ("dismissed", None)
    assert catalog.get_entry(db, rows[new.id][1]).question == new.question


def test_merging_duplicates_from_the_health_report(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    lint = editor.get("/admin/lint?type=duplicate", headers=HTML).text
    pair = re.search(r"/admin/fusion\?doublon=(\w+)&amp;garder=(\w+)", lint)
    assert pair, lint
    duplicate, kept = pair.groups()
    record_vote(db, duplicate, "visiteur-1", helpful=False)
    compare = editor.get(f"/admin/fusion?doublon={duplicate}&garder={kept}", headers=HTML).text
    merged = editor.post(
        "/admin/fusion",
        data={"csrf_token": token_of(compare), "doublon": duplicate, "garder": kept},
        follow_redirects=False,
    )
    assert merged.headers["location"] == f"/admin/entrees/{kept}?message=fusionnee"
    public = editor.get(f"/reponses/{duplicate}", headers=HTML, follow_redirects=False)
    assert (public.status_code, public.headers["location"]) == (301, catalog.get_entry(db, kept).url)
    assert [vote.visitor for vote in list_votes(db, kept)] == ["visiteur-1"]


def test_analytics_show_the_recorded_queries_and_votes(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, "Oui, il faut une carte CPS.")
    for _ in range(3):
        record_query(
            db, "tarif cabinet dentaire", result_ids=[], abstained=True, top_confidence=0.1, latency_ms=3, channel="web"
        )
    record_vote(db, entry_id, "v-a", helpful=True)
    record_vote(db, entry_id, "v-b", helpful=False)
    record_vote(db, entry_id, "v-c", helpful=False)

    page = editor.get("/admin/analytics?jours=7", headers=HTML).text
    data = editor.get("/admin/api/analytics?jours=7").json()

    assert "<svg" in page and "tarif cabinet dentaire" in page and "Rédiger une réponse" in page
    assert data["abstained"] >= 3 and data["votes"] >= 3
    assert {"query": "tarif cabinet dentaire", "count": 3}.items() <= next(
        gap for gap in data["gaps"] if gap["query"] == "tarif cabinet dentaire"
    ).items()
    rated = next(item for item in data["entries"] if item["entry_id"] == entry_id)
    assert (rated["votes"], rated["helpful"]) == (3, 1)


def test_the_health_report_page_and_json_match_the_cli(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    listed = editor.get("/admin/api/lint").json()
    assert listed == [finding.to_dict() for finding in lint_database(db)]
    page = editor.get("/admin/lint", headers=HTML).text
    for label in ("Dates dépassées", "Réponses qui ont besoin de leur question", "Doublons", "Coordonnées à vérifier"):
        assert label in page


def test_a_session_ends_with_a_new_password_or_a_deactivated_account(client: TestClient) -> None:
    db: Database = service_of(client.app).db
    create_user(db, "paul", PASSWORD)
    sign_in(client, "paul")
    assert client.get("/admin", headers=HTML).status_code == 200
    set_password(db, "paul", "un autre mot de passe")
    assert client.get("/admin", headers=HTML, follow_redirects=False).status_code == 303
    sign_in(client, "paul", "un autre mot de passe")
    set_active(db, "paul", False)
    assert client.get("/admin", headers=HTML, follow_redirects=False).status_code == 303


def test_sign_out_needs_the_token_and_ends_the_session(editor: TestClient) -> None:
    page = editor.get("/admin", headers=HTML).text
    assert editor.post("/deconnexion", data={}, follow_redirects=False).status_code == 403
    out = editor.post("/deconnexion", data={"csrf_token": token_of(page)}, follow_redirects=False)
    assert out.headers["location"] == "/connexion?deconnecte=1"
    assert editor.get("/admin", headers=HTML, follow_redirects=False).status_code == 303


def test_admins_create_and_deactivate_accounts(client: TestClient) -> None:
    sign_in(client, "admin")
    token = token_of(client.get("/admin/utilisateurs", headers=HTML).text)
    client.post("/admin/utilisateurs", data={"csrf_token": token, "identifiant": "lea", "mot_de_passe": PASSWORD})
    short = client.post(
        "/admin/utilisateurs", data={"csrf_token": token, "identifiant": "zoe", "mot_de_passe": "court"}
    )
    assert short.status_code == 400 and "10 caractères" in short.text
    client.post("/admin/utilisateurs/lea/actif", data={"csrf_token": token, "actif": "false"})
    page = client.get("/admin/utilisateurs", headers=HTML).text
    assert re.search(r"<td>lea</td>\s*<td[^>]*>rédacteur</td>\s*<td[^>]*>désactivé</td>", page)


@pytest.mark.parametrize(
    ("scheme", "client_host", "forwarded", "trusted", "expected"),
    [
        ("https", "10.0.0.1", None, (), True),
        ("http", "10.0.0.1", "https", (), False),  # anyone can send the header
        ("http", "10.0.0.1", "https", ("10.0.0.1",), True),
        ("http", "10.0.0.9", "https", ("10.0.0.1",), False),
        ("http", "10.0.0.9", "https", ("*",), True),
    ],
)
def test_cookies_are_secure_over_https_or_behind_a_trusted_proxy(
    app_client: TestClient,
    scheme: str,
    client_host: str,
    forwarded: str | None,
    trusted: tuple[str, ...],
    expected: bool,
) -> None:
    app = app_client.app
    headers = [(b"x-forwarded-proto", forwarded.encode())] if forwarded else []
    scope = {"type": "http", "scheme": scheme, "path": "/connexion", "headers": headers, "client": (client_host, 1234),
             "server": ("faq.example", 443), "query_string": b"", "app": app}  # fmt: skip
    original = service_of(app).settings
    service_of(app).settings = original.model_copy(update={"trusted_proxies": trusted})
    try:
        assert is_https(Request(scope)) is expected
    finally:
        service_of(app).settings = original


def test_admin_templates_have_no_inline_code_for_the_csp() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        # A script is a file under /static (src=…), never code in the page.
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert "<style" not in text and " style=" not in text, template.name
        assert not re.search(r"\son[a-z]+=", text), template.name


def test_facets_ticked_by_an_editor_stay_as_ticked(editor: TestClient) -> None:
    db: Database = service_of(editor.app).db
    entry_id = entry_id_of(db, "Ces fonctionnalités seront disponibles à partir de mi 2022.")
    page = editor.get(f"/admin/entrees/{entry_id}", headers=HTML).text
    assert 'name="filtre" value="produit:ins"' in page
    saved = editor.post(
        f"/admin/entrees/{entry_id}/filtres",
        data={"csrf_token": token_of(page), "filtre": ["produit:mon_espace_sante", "thematique:documents_sante"]},
        headers=HTML,
    )
    assert MESSAGES["filtres"] in html.unescape(saved.text)
    assert editing.entry_facets(db, entry_id)["produit"] == {"mon_espace_sante": "editor"}
    assert "filtres : " in saved.text  # the history says what changed
    unknown = editor.post(
        f"/admin/entrees/{entry_id}/filtres", data={"csrf_token": token_of(page), "filtre": ["produit:fax"]}
    )
    assert unknown.status_code == 400
