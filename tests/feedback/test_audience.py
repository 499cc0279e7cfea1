"""Votes, query log and submitted questions: nothing lost under concurrent writers, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from faqsante.cli import app as cli
from faqsante.errors import InvalidInput, NotFound
from faqsante.feedback.audience import (
    list_votes,
    record_click,
    record_query,
    record_vote,
    submit_question,
)
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import Entry, QueryLog, SubmittedQuestion, utcnow

WRITERS = 8


def add_entries(db: Database, *ids: str, status: str = "published") -> None:
    with db.session() as session:
        for entry_id in ids:
            session.add(Entry(id=entry_id, answer=f"Réponse {entry_id}", content_hash=entry_id, status=status))
        bump_data_version(session)


def test_concurrent_votes_are_all_kept_and_one_per_visitor(db: Database) -> None:
    add_entries(db, "e1", "e2")
    votes = [(entry, f"visiteur-{n}", n % 2 == 0) for entry in ("e1", "e2") for n in range(20)]
    # Every visitor votes twice at the same time as everyone else: the last write wins, nothing is lost.
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(lambda vote: record_vote(db, vote[0], vote[1], helpful=not vote[2]), votes))
        list(pool.map(lambda vote: record_vote(db, vote[0], vote[1], helpful=vote[2], comment="encore"), votes))
    stored = {(vote.entry_id, vote.visitor): (vote.helpful, vote.comment) for vote in list_votes(db)}
    assert stored == {(entry, visitor): (helpful, "encore") for entry, visitor, helpful in votes}


def test_concurrent_queries_and_questions_are_all_kept(db: Database) -> None:
    def write(n: int) -> int:
        submit_question(db, f"Question {n} ?")
        return record_query(
            db, f"q{n}", result_ids=[], abstained=True, top_confidence=None, latency_ms=1.0, channel="api"
        )

    with ThreadPoolExecutor(WRITERS) as pool:
        ids = list(pool.map(write, range(40)))
    assert len(set(ids)) == 40
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(QueryLog)) == 40
        assert session.scalar(select(func.count()).select_from(SubmittedQuestion)) == 40


def test_votes_only_on_published_entries(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    add_entries(db, "publiee")
    add_entries(db, "archivee", status="archived")
    for entry_id in ("archivee", "inconnue"):
        with pytest.raises(NotFound):
            record_vote(db, entry_id, "v", helpful=True)
    vote = record_vote(db, "publiee", "v", helpful=False, comment="  ", query=" q " + "x" * 600)
    assert vote.comment is None and vote.query is not None and len(vote.query) == 500
    with pytest.raises(InvalidInput) as error:
        record_vote(db, "publiee", "v", helpful=False, comment="x" * 2001)
    assert error.value.field == "comment"
    assert [v.comment for v in list_votes(db, "publiee")] == [None]
    assert list_votes(db, "archivee") == []


def log(db: Database, query: str, refines: int | None = None, shown: list[str] | None = None) -> int:
    return record_query(
        db,
        query,
        result_ids=shown or ["a", "b"],
        abstained=False,
        top_confidence=0.9,
        latency_ms=3.0,
        channel="web",
        refines=refines,
    )


def test_a_live_search_refines_its_row_until_the_question_changes(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    first = log(db, "iden")
    assert log(db, "identifiant e-cps", refines=first) == first
    assert log(db, "identifiant", refines=first) == first  # backspace
    other = log(db, "mot de passe", refines=first)
    assert other != first
    with db.session() as session:
        assert session.get(QueryLog, first).query == "identifiant"
        session.execute(update(QueryLog).where(QueryLog.id == other).values(created_at=utcnow() - timedelta(hours=1)))
    assert log(db, "mot de passe oublié", refines=other) != other  # too old to be the same typing


def test_clicks_are_recorded_once_and_only_for_shown_entries(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    query_id = log(db, "identifiant e-cps", shown=["a", "b"])
    assert record_click(db, query_id, "z") is None
    assert record_click(db, query_id, "b") == "identifiant e-cps"
    assert record_click(db, query_id, "a") == "identifiant e-cps"  # the query is still given back
    assert record_click(db, 999_999, "a") is None
    with db.session() as session:
        assert session.get(QueryLog, query_id).clicked_entry_id == "b"
    assert log(db, "identifiant e-cps combien", refines=query_id) != query_id  # a clicked row is closed


@pytest.mark.parametrize(
    ("question", "email", "field"),
    [("", None, "question"), ("x" * 501, None, "question"), ("Et la CPS ?", "pas@adresse", "email")],
)
def test_submitted_questions_are_checked(sqlite_url: str, question: str, email: str | None, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        submit_question(Database(sqlite_url), question, email)
    assert error.value.field == field


def test_feedback_command_lists_votes_as_json(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    add_entries(db, "e1")
    record_vote(db, "e1", "v1", helpful=False, comment="Incomplet", query="identifiant e-cps")
    result = CliRunner().invoke(cli, ["feedback", "--json", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    [vote] = json.loads(result.stdout)
    assert {k: vote[k] for k in ("entry_id", "visitor", "helpful", "comment", "query")} == {
        "entry_id": "e1",
        "visitor": "v1",
        "helpful": False,
        "comment": "Incomplet",
        "query": "identifiant e-cps",
    }
    assert vote["created_at"].endswith("+00:00")


def test_nul_characters_are_dropped_not_fatal(db: Database) -> None:
    """PostgreSQL refuses NUL in text; a pasted control character must not turn into a 500."""
    add_entries(db, "e1")
    vote = record_vote(db, "e1", "v", helpful=False, comment="a\x00b", query="q\x00")
    assert (vote.comment, vote.query) == ("ab", "q")
    assert submit_question(db, "Et\x00 la CPS ?", "a@b.fr").question == "Et la CPS ?"
    with pytest.raises(InvalidInput) as refused:  # an address is one mailbox or nothing: NUL is not dropped
        submit_question(db, "Et la CPS ?", "a\x00@b.fr")
    assert refused.value.field == "email"
    query_id = record_query(
        db, "e-cps\x00", result_ids=[], abstained=True, top_confidence=None, latency_ms=1, channel="api"
    )
    with db.session() as session:
        assert session.get(QueryLog, query_id).query == "e-cps"


@pytest.mark.parametrize(
    "email",
    ["=?utf-8?q?x=0D=0ABcc:z?=@x.fr", "=?utf-8?b?YUBiLmZyLGNAZC5mcg==?=x@x.fr", "postmaster,victim@evil.example"],
)
def test_a_submitted_address_is_one_mailbox(sqlite_url: str, email: str) -> None:
    db = Database(sqlite_url)
    with pytest.raises(InvalidInput) as error:
        submit_question(db, "Et la CPS ?", email)
    assert error.value.field == "email"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SubmittedQuestion)) == 0
