"""Editors choose in /admin where and how often they hear of new questions: each on their own page, an admin for
anyone; a visitor's question then reaches them through the SMTP server. Forms are CSRF-checked and fuzzed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqsante.accounts import NOTIFY_LABELS, create_user, find_user, set_notifications
from faqsante.errors import NotFound
from faqsante.mail.addresses import mailbox
from faqsante.web.auth import SESSION_COOKIE
from faqsante.web.deps import service_of
from smtp_sink import SmtpSink

from .conftest import HTML, PASSWORD, mail_on, sign_in, token_of

VISITOR = "lea.visiteuse@example.org"


def signed_in(client: TestClient, username: str, role: str = "editor") -> TestClient:
    """The client, signed in anew as ``username`` (created the first time)."""
    try:
        find_user(service_of(client.app).db, username)
    except NotFound:
        create_user(service_of(client.app).db, username, PASSWORD, role)
    client.cookies.clear()
    assert sign_in(client, username).status_code == 303
    return client


def test_a_visitors_question_sends_a_subscribed_editor_a_mail(client: TestClient, plain_smtp_sink: SmtpSink) -> None:
    db = service_of(client.app).db
    create_user(db, "ines", PASSWORD)
    set_notifications(db, "ines", email="ines@ars.example.fr", notify="immediate")
    with mail_on(client.app, plain_smtp_sink):
        sent = client.post("/question", data={"question": "Comment renouveler ma carte CPS ?", "email": VISITOR},
                           headers=HTML, follow_redirects=False)  # fmt: skip
    set_notifications(db, "ines", email=None, notify="none")  # the module's next tests submit questions too

    assert sent.status_code == 303
    [mail] = [received for received in plain_smtp_sink.inbox if received.recipients == ["ines@ars.example.fr"]]
    assert mail.message["Subject"].startswith("Nouvelle question : « Comment renouveler ma carte CPS ? »")
    assert "https://faq.example.fr/admin/questions" in mail.text()
    assert VISITOR not in mail.message.as_string()


def test_an_editor_sets_their_own_mail_and_frequency(client: TestClient) -> None:
    editor = signed_in(client, "paul")
    page = editor.get("/admin/compte", headers=HTML)
    assert page.status_code == 200 and 'name="frequence" value="daily"' in page.text

    saved = editor.post("/admin/compte", data={"csrf_token": token_of(page.text), "email": "paul@ars.example.fr",
                                               "frequence": "daily"}, headers=HTML, follow_redirects=False)  # fmt: skip

    assert (saved.status_code, saved.headers["location"]) == (303, "/admin/compte?message=notifications")
    account = find_user(service_of(client.app).db, "paul")
    assert (account.email, account.notify) == ("paul@ars.example.fr", "daily")
    assert "Préférences d&#39;e-mail enregistrées." in editor.get(saved.headers["location"], headers=HTML).text


def test_an_invalid_address_is_refused_with_a_french_message_and_kept_in_the_form(client: TestClient) -> None:
    editor = signed_in(client, "paul")
    token = token_of(editor.get("/admin/compte", headers=HTML).text)

    refused = editor.post("/admin/compte", data={"csrf_token": token, "email": "paul@ars.fr, chef@ars.fr",
                                                 "frequence": "immediate"}, headers=HTML)  # fmt: skip
    blank = editor.post(
        "/admin/compte", data={"csrf_token": token, "email": "", "frequence": "immediate"}, headers=HTML
    )

    assert refused.status_code == 400 and "Indiquez une seule adresse e-mail" in refused.text
    assert 'value="paul@ars.fr, chef@ars.fr"' in refused.text and 'aria-invalid="true"' in refused.text
    assert blank.status_code == 400 and "Indiquez l&#39;adresse e-mail où recevoir" in blank.text


def test_an_admin_sets_anyones_and_an_editor_only_their_own(client: TestClient) -> None:
    signed_in(client, "paul")
    editor = signed_in(client, "nora")
    token = token_of(editor.get("/admin/compte", headers=HTML).text)
    form = {"csrf_token": token, "email": "x@ars.example.fr", "frequence": "immediate"}
    assert editor.get("/admin/utilisateurs/paul/notifications", headers=HTML).status_code == 403
    assert editor.post("/admin/utilisateurs/paul/notifications", data=form, headers=HTML).status_code == 403

    admin = signed_in(client, "chef", "admin")
    listing = admin.get("/admin/utilisateurs", headers=HTML).text
    assert 'href="/admin/utilisateurs/paul/notifications"' in listing
    token = token_of(admin.get("/admin/utilisateurs/paul/notifications", headers=HTML).text)
    saved = admin.post("/admin/utilisateurs/paul/notifications", follow_redirects=False, headers=HTML,
                       data={"csrf_token": token, "email": "paul.b@ars.example.fr", "frequence": "immediate"})  # fmt: skip

    assert saved.status_code == 303
    account = find_user(service_of(client.app).db, "paul")
    assert (account.email, account.notify) == ("paul.b@ars.example.fr", "immediate")
    assert admin.get("/admin/utilisateurs/personne/notifications", headers=HTML).status_code == 404


def test_the_mail_forms_need_the_sessions_csrf_token(client: TestClient) -> None:
    other = signed_in(client, "nora")
    foreign = token_of(other.get("/admin/compte", headers=HTML).text)
    editor = signed_in(client, "paul")
    before = find_user(service_of(client.app).db, "paul")
    form = {"email": "pirate@evil.example", "frequence": "immediate"}

    assert editor.post("/admin/compte", data=form, headers=HTML).status_code == 403
    assert editor.post("/admin/compte", data={**form, "csrf_token": ""}, headers=HTML).status_code == 403
    assert editor.post("/admin/compte", data={**form, "csrf_token": foreign}, headers=HTML).status_code == 403
    assert find_user(service_of(client.app).db, "paul") == before


TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
ADDRESS = st.one_of(TEXT, st.emails().map(str), st.builds(lambda a, b: f"{a}@{b}", TEXT, TEXT), st.just("x" * 1001))
FREQUENCY = st.one_of(st.sampled_from([*NOTIFY_LABELS, "", "Daily", "immediate\x00"]), TEXT)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(email=ADDRESS, frequency=FREQUENCY)
def test_any_mail_form_is_saved_valid_or_refused_in_french(client: TestClient, email: str, frequency: str) -> None:
    if SESSION_COOKIE not in client.cookies:
        signed_in(client, "fuzz")
    token = token_of(client.get("/admin/compte", headers=HTML).text)

    response = client.post("/admin/compte", data={"csrf_token": token, "email": email, "frequence": frequency},
                           headers=HTML, follow_redirects=False)  # fmt: skip

    assert response.status_code in (303, 400, 422), response.text[:300]
    if response.status_code != 303:
        assert '<html lang="fr"' in response.text and "Traceback" not in response.text
    account = find_user(service_of(client.app).db, "fuzz")
    assert account.notify in NOTIFY_LABELS
    if account.email is not None:
        assert mailbox(account.email) == account.email  # what is stored passes the one address rule
    else:
        assert account.notify == "none"
