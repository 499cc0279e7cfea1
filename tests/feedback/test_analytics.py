"""Analytics figures come from what was recorded: logged questions, clicks and votes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from faqsante.feedback.analytics import build_report, list_comments
from faqsante.ingest import ingest_paths
from faqsante.store import Database
from faqsante.store.models import Entry, Feedback, QueryLog

TODAY = date(2026, 11, 20)


def at(days_ago: int) -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=UTC) - timedelta(days=days_ago)


@pytest.fixture
def recorded(db: Database, sample_dir: Path) -> tuple[Database, list[str]]:
    ingest_paths(db, [sample_dir / "003_9052f88edd8dfc8b.txt"])
    with db.session() as session:
        ids = list(session.scalars(select(Entry.id).order_by(Entry.id).limit(3)))
        a, b, c = ids
        logged = [
            ("durée session PSC", "web", False, a, 0),
            ("Durée  session psc", "web", False, None, 1),
            ("durée session PSC", "api", False, None, 1),
            ("carte vitale perdue", "web", True, None, 0),
            ("ma carte vitale perdue", "web", True, None, 2),
            ("tarif téléconsultation", "web", False, None, 0),
            ("ancienne question", "web", True, None, 40),  # outside the period
        ]
        for query, channel, abstained, clicked, days_ago in logged:
            session.add(
                QueryLog(
                    query=query,
                    channel=channel,
                    result_ids=[] if abstained else ids,
                    abstained=abstained,
                    clicked_entry_id=clicked,
                    created_at=at(days_ago),
                )
            )
        votes = [(a, "v1", True, 0), (a, "v2", True, 1), (a, "v3", False, 1), (b, "v1", False, 0), (b, "v2", False, 0),
                 (b, "v3", True, 2), (c, "v1", False, 0)]  # fmt: skip
        for entry_id, visitor, helpful, days_ago in votes:
            session.add(Feedback(entry_id=entry_id, visitor=visitor, helpful=helpful, created_at=at(days_ago)))
    return db, ids


def test_rates_come_from_the_recorded_queries_and_votes(recorded: tuple[Database, list[str]]) -> None:
    db, (a, b, c) = recorded
    report = build_report(db, days=30, today=TODAY)

    assert (report.queries, report.abstained, report.clicked, report.votes, report.helpful) == (6, 2, 1, 7, 3)
    assert report.abstention_rate == pytest.approx(2 / 6)
    assert report.click_through == pytest.approx(1 / 3)  # 3 answered questions on the portal, 1 opened
    assert report.helpful_rate == pytest.approx(3 / 7)
    assert [(q.query, q.count) for q in report.top_queries[:1]] == [("durée session PSC", 3)]
    assert [(e.entry_id, e.views) for e in report.most_viewed] == [(a, 1)]
    assert [(e.entry_id, e.helpful_rate) for e in report.worst_rated] == [
        (b, pytest.approx(1 / 3)),
        (a, pytest.approx(2 / 3)),
    ]
    assert {e.entry_id: e.votes for e in report.entries} == {a: 3, b: 3, c: 1}
    assert report.entries[0].answer  # lists can show the entry


def test_unanswered_and_unopened_questions_are_grouped_into_gaps(recorded: tuple[Database, list[str]]) -> None:
    db, _ = recorded
    gaps = build_report(db, days=30, today=TODAY).gaps
    assert [(gap.query, gap.count, gap.abstained) for gap in gaps] == [
        ("carte vitale perdue", 2, 2),
        ("tarif téléconsultation", 1, 0),
    ]
    assert gaps[0].variants == ["carte vitale perdue", "ma carte vitale perdue"]


def test_daily_series_cover_every_day_of_the_period(recorded: tuple[Database, list[str]]) -> None:
    db, _ = recorded
    report = build_report(db, days=7, today=TODAY)
    assert [day.day for day in report.days] == [TODAY - timedelta(days=n) for n in range(6, -1, -1)]
    today = report.days[-1]
    assert (today.queries, today.votes, today.helpful) == (3, 4, 1)
    assert report.to_dict()["days"][-1]["helpful_rate"] == pytest.approx(0.25)


def test_an_empty_database_has_no_rates(sqlite_url: str) -> None:
    report = build_report(Database(sqlite_url), days=30, today=TODAY)
    assert (report.queries, report.abstention_rate, report.click_through, report.gaps) == (0, None, None, [])


def test_comments_reach_the_report_newest_first_and_filter_by_day(recorded: tuple[Database, list[str]]) -> None:
    db, (a, b, _) = recorded
    with db.session() as session:
        for entry_id, visitor, comment, days_ago in [(b, "c1", "Il manque le format.", 1), (a, "c2", "Parfait", 5),
                                                     (b, "c3", "Trop ancien", 40), (b, "c4", "", 0)]:  # fmt: skip
            session.add(
                Feedback(entry_id=entry_id, visitor=visitor, helpful=False, comment=comment, created_at=at(days_ago))
            )

    report = build_report(db, days=30, today=TODAY)
    assert [c.comment for c in report.comments] == ["Il manque le format.", "Parfait"]  # empty and too old left out
    assert [c.comment for c in report.comments_on(b)] == ["Il manque le format."]
    assert report.to_dict()["comments"][0]["entry_id"] == b
    one_day = list_comments(db, start=TODAY - timedelta(days=1), end=TODAY - timedelta(days=1))
    assert [c.comment for c in one_day] == ["Il manque le format."]
    assert [c.comment for c in list_comments(db, entry_id=b)] == ["Il manque le format.", "Trop ancien"]
