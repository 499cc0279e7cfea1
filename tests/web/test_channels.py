"""One core, three channels: the CLI, the API and the pages give the same answer and the same refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from faqsante.cli import app as cli
from faqsante.store.models import QueryLog, SubmittedQuestion
from faqsante.web.deps import service_of

runner = CliRunner()
BAD_ADDRESS = "pas-une-adresse"


def test_the_cli_and_the_api_give_the_same_answer_object(
    client: TestClient, seeded_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQSANTE_EMBEDDER", "none")  # as the app's settings (tests/web/conftest.py)
    monkeypatch.setenv("FAQSANTE_INDEX_DIR", str(tmp_path / "index"))
    for query in ("Comment activer ma e-CPS ?", "INS", "prix du timbre"):
        api = client.get("/api/ask", params={"q": query, "top_k": 4})
        printed = runner.invoke(cli, ["ask", "--json", "--top-k", "4", query, "--db", seeded_url])
        assert api.status_code == 200 and printed.exit_code == 0, printed.output
        assert json.loads(printed.stdout) == api.json()


def test_the_cli_logs_its_asks_as_the_api_does(client: TestClient, seeded_url: str, tmp_path: Path) -> None:
    db = service_of(client.app).db
    runner.invoke(cli, ["ask", "--json", "carte CPS perdue", "--db", seeded_url], env={"FAQSANTE_EMBEDDER": "none",
                  "FAQSANTE_INDEX_DIR": str(tmp_path / "index")})  # fmt: skip
    client.get("/api/ask", params={"q": "carte CPS perdue"})
    with db.session() as session:
        channels = session.scalars(QueryLog.__table__.select().with_only_columns(QueryLog.channel).where(
            QueryLog.query == "carte CPS perdue")).all()  # fmt: skip
    assert sorted(channels) == ["api", "cli"]


def test_a_bad_address_gets_the_same_refusal_from_the_api_and_the_form(client: TestClient) -> None:
    db = service_of(client.app).db
    assert service_of(client.app).mailer is None  # mail off: the address would not be kept, yet it is checked
    api = client.post("/api/questions", json={"question": "Où trouver l'appli e-CPS ?", "email": BAD_ADDRESS})
    page = client.post("/question", data={"question": "Où trouver l'appli e-CPS ?", "email": BAD_ADDRESS})
    assert (api.status_code, page.status_code) == (400, 400)
    message = api.json()["error"]["message"]
    assert f"« {BAD_ADDRESS} » n'est pas valide" in message
    assert message.replace("'", "&#39;") in page.text or message in page.text
    with db.session() as session:
        assert session.query(SubmittedQuestion).filter_by(question="Où trouver l'appli e-CPS ?").count() == 0
