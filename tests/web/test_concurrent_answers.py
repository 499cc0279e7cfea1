"""Eight editors answer one submitted question at the same moment: the visitor gets one e-mail, never eight
(#19.8). With real threads through the app, on SQLite and PostgreSQL, and a real SMTP server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from faqsante import editing
from faqsante.accounts import create_user
from faqsante.feedback.audience import submit_question
from faqsante.store.models import OutgoingMail
from faqsante.web.app import create_app
from faqsante.web.deps import service_of
from smtp_sink import SmtpSink

from .conftest import mail_on, web_settings
from .test_admin import HTML, PASSWORD, sign_in, token_of

EDITORS = 8


def test_eight_simultaneous_answers_send_one_mail(db_url: str, tmp_path: Path, plain_smtp_sink: SmtpSink) -> None:
    app = create_app(web_settings(db_url, tmp_path / "index"))
    db, settings = service_of(app).db, service_of(app).settings
    entries = [
        editing.create_entry(db, question=f"Question {n} ?", answer=f"Réponse {n}.", author="import", settings=settings)
        for n in range(EDITORS)
    ]
    asked = submit_question(db, "Combien de chiffres a mon identifiant ?", "lea@example.org")
    editors = []
    for number in range(EDITORS):
        create_user(db, f"redactrice{number}", PASSWORD)
        client = TestClient(app, raise_server_exceptions=False)  # its own cookies; requests on their own threads
        assert sign_in(client, f"redactrice{number}").status_code == 303
        editors.append(client)
    tokens = [token_of(client.get("/admin/questions", headers=HTML).text) for client in editors]
    start = threading.Barrier(EDITORS)

    def answer(number: int) -> int:
        start.wait()  # each editor picked an answer from the same open queue; now all of them send it
        form = {"csrf_token": tokens[number], "entree": entries[number]}
        url = f"/admin/questions/{asked.id}/reponse"
        return editors[number].post(url, data=form, headers=HTML, follow_redirects=False).status_code

    with mail_on(app, plain_smtp_sink), ThreadPoolExecutor(EDITORS) as pool:
        statuses = list(pool.map(answer, range(EDITORS)))

    assert statuses == [303] * EDITORS
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 1
    [received] = plain_smtp_sink.inbox
    assert received.recipients == ["lea@example.org"]
    db.dispose()
