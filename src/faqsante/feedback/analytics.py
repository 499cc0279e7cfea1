"""What the audience's questions and votes say about the FAQ, over a period of days.

# build_report(db, days=30).to_dict()
# {"start": "2026-10-24", "end": "2026-11-22", "queries": 412, "abstention_rate": 0.11, "click_through": 0.58,
#  "helpful_rate": 0.74, "days": [...], "top_queries": [...], "most_viewed": [...], "worst_rated": [...],
#  "entries": [...], "gaps": [{"query": "carte vitale perdue", "variants": [...], "count": 7, "abstained": 5}],
#  "comments": [{"entry_id": "627b0cbf71bb", "helpful": false, "comment": "Il manque le format.", …}]}

Clicks exist only where results are links (the portal, channel "web"): click-through and "never clicked"
are measured there; abstention counts every channel.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import select

from faqsante.content.title_book import shown_titles
from faqsante.errors import InvalidInput
from faqsante.store import Database
from faqsante.store.models import Entry, EntryQuestion, Feedback, QueryLog
from faqsante.store.questions import question_key
from faqsante.text import fold_for_comparison

CLICKABLE_CHANNELS = ("web",)
SAME_GAP = 80.0  # rapidfuzz token_set_ratio from which two unanswered questions are one content gap
MIN_VOTES = 3  # fewer votes than this say little about an entry


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class EntryFigures:
    entry_id: str
    question: str | None = None
    answer: str = ""
    title: str = ""  # as every channel shows it (content.title_book.shown_titles)
    votes: int = 0
    helpful: int = 0
    views: int = 0  # opened from a list of results

    @property
    def helpful_rate(self) -> float | None:
        return _rate(self.helpful, self.votes)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "helpful_rate": self.helpful_rate}


@dataclass
class DayFigures:
    day: date
    queries: int = 0
    abstained: int = 0
    clickable: int = 0  # answered questions asked where a click was possible
    clicked: int = 0
    votes: int = 0
    helpful: int = 0

    @property
    def abstention_rate(self) -> float | None:
        return _rate(self.abstained, self.queries)

    @property
    def helpful_rate(self) -> float | None:
        return _rate(self.helpful, self.votes)

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "day": self.day.isoformat(),
            "abstention_rate": self.abstention_rate,
            "helpful_rate": self.helpful_rate,
        }


@dataclass
class QueryFigures:
    """One question as people type it, folded: "Carte  Vitale" and "carte vitale" count together."""

    query: str
    count: int = 0
    abstained: int = 0
    clickable: int = 0
    clicked: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Gap:
    """Questions the FAQ does not answer (abstained, or answered but never opened), grouped when alike."""

    query: str
    variants: list[str] = field(default_factory=list)
    count: int = 0
    abstained: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Comment:
    """What a visitor wrote with their vote: the words editors need most, on the entry they are about."""

    entry_id: str
    question: str | None
    answer: str
    helpful: bool
    comment: str
    query: str | None  # what they had searched for, when they came from a results list
    created_at: datetime
    title: str = ""  # the entry's, as every channel shows it (content.title_book.shown_titles)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": self.created_at.isoformat()}


def list_comments(
    db: Database, *, entry_id: str | None = None, start: date | None = None, end: date | None = None, limit: int = 100
) -> list[Comment]:
    """Votes that came with a comment, newest first, on one entry or all, between two days (UTC) included."""
    statement = (
        select(
            Feedback.entry_id,
            Entry.question,
            Entry.answer,
            Feedback.helpful,
            Feedback.comment,
            Feedback.query,
            Feedback.created_at,
        )  # fmt: skip
        .join(Entry, Entry.id == Feedback.entry_id)
        .where(Feedback.comment.is_not(None), Feedback.comment != "")
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    if entry_id is not None:
        statement = statement.where(Feedback.entry_id == entry_id)
    if start is not None:
        statement = statement.where(Feedback.created_at >= datetime.combine(start, time.min, tzinfo=UTC))
    if end is not None:
        statement = statement.where(
            Feedback.created_at < datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
        )
    with db.session() as session:
        rows = session.execute(statement).all()
        titles = shown_titles(session, [row[0] for row in rows])
    return [
        Comment(entry_id, question, answer, helpful, comment or "", query, moment, titles[entry_id])
        for entry_id, question, answer, helpful, comment, query, moment in rows
    ]


@dataclass
class Report:
    start: date
    end: date
    days: list[DayFigures]
    top_queries: list[QueryFigures]
    most_viewed: list[EntryFigures]
    worst_rated: list[EntryFigures]
    entries: list[EntryFigures]  # every entry with votes, most voted first: the helpful rate per entry
    gaps: list[Gap]
    comments: list[Comment] = field(default_factory=list)  # the period's, newest first

    def comments_on(self, entry_id: str) -> list[Comment]:
        return [comment for comment in self.comments if comment.entry_id == entry_id]

    @property
    def queries(self) -> int:
        return sum(day.queries for day in self.days)

    @property
    def abstained(self) -> int:
        return sum(day.abstained for day in self.days)

    @property
    def clicked(self) -> int:
        return sum(day.clicked for day in self.days)

    @property
    def votes(self) -> int:
        return sum(day.votes for day in self.days)

    @property
    def helpful(self) -> int:
        return sum(day.helpful for day in self.days)

    @property
    def abstention_rate(self) -> float | None:
        return _rate(self.abstained, self.queries)

    @property
    def click_through(self) -> float | None:
        return _rate(self.clicked, sum(day.clickable for day in self.days))

    @property
    def helpful_rate(self) -> float | None:
        return _rate(self.helpful, self.votes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "queries": self.queries,
            "abstained": self.abstained,
            "clicked": self.clicked,
            "votes": self.votes,
            "helpful": self.helpful,
            "abstention_rate": self.abstention_rate,
            "click_through": self.click_through,
            "helpful_rate": self.helpful_rate,
            "days": [day.to_dict() for day in self.days],
            "top_queries": [item.to_dict() for item in self.top_queries],
            "most_viewed": [item.to_dict() for item in self.most_viewed],
            "worst_rated": [item.to_dict() for item in self.worst_rated],
            "entries": [item.to_dict() for item in self.entries],
            "gaps": [gap.to_dict() for gap in self.gaps],
            "comments": [comment.to_dict() for comment in self.comments],
        }


# The tables an editor takes into a spreadsheet (/admin/analytics/export.csv?tableau=…): French headers, rows.
TABLES = {
    "jours": "par jour",
    "questions": "questions les plus posées",
    "reponses": "réponses",
    "manques": "contenus manquants",
}


def report_table(report: Report, name: str, titles: Mapping[str, str]) -> tuple[list[str], list[list[object]]]:
    """One table of a report, as a spreadsheet shows it; ``titles`` are the entries' titles as visitors read them.

    # report_table(report, "jours", {}) -> (["jour", "questions", …], [[date(2026, 11, 29), 12, …], …])
    """
    if name == "jours":
        header = ["jour", "questions", "sans réponse sûre", "taux d'abstention", "clics", "avis", "avis utiles",
                  "part d'avis utiles"]  # fmt: skip
        rows: list[list[object]] = [
            [d.day, d.queries, d.abstained, d.abstention_rate, d.clicked, d.votes, d.helpful, d.helpful_rate]
            for d in report.days
        ]
    elif name == "questions":
        header = ["question", "fois", "sans réponse sûre", "clics possibles", "clics"]
        rows = [[q.query, q.count, q.abstained, q.clickable, q.clicked] for q in report.top_queries]
    elif name == "reponses":
        header = ["identifiant", "titre", "ouvertures", "avis", "avis utiles", "part d'avis utiles"]
        rows = [[e.entry_id, titles.get(e.entry_id, ""), e.views, e.votes, e.helpful, e.helpful_rate]
                for e in report.entries]  # fmt: skip
    elif name == "manques":
        header = ["question", "formulations", "fois", "sans réponse sûre"]
        rows = [[g.query, " | ".join(g.variants), g.count, g.abstained] for g in report.gaps]
    else:
        raise InvalidInput(f"Tableau inconnu « {name[:40]} » : {', '.join(TABLES)}.", "tableau")
    return header, rows


def build_report(
    db: Database, *, days: int = 30, today: date | None = None, limit: int = 10, min_votes: int = MIN_VOTES
) -> Report:
    """Figures of the ``days`` days ending ``today`` (UTC), lists cut to ``limit`` items."""
    end = today or datetime.now(UTC).date()
    start = end - timedelta(days=days - 1)
    since = datetime.combine(start, time.min, tzinfo=UTC)
    series = {start + timedelta(days=n): DayFigures(start + timedelta(days=n)) for n in range(days)}
    entries: dict[str, EntryFigures] = {}
    queries: dict[str, QueryFigures] = {}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)

    with db.session() as session:
        logged = session.execute(
            select(
                QueryLog.query, QueryLog.channel, QueryLog.abstained, QueryLog.clicked_entry_id, QueryLog.created_at
            ).where(QueryLog.created_at >= since)
        ).all()
        votes = session.execute(
            select(Feedback.entry_id, Feedback.helpful, Feedback.created_at).where(Feedback.created_at >= since)
        ).all()
    for text, channel, abstained, clicked, moment in logged:
        day = series.get(_day(moment))
        if day is None:  # after ``today``
            continue
        clickable = channel in CLICKABLE_CHANNELS and not abstained
        day.queries += 1
        day.abstained += abstained
        day.clickable += clickable
        day.clicked += bool(clicked)
        key = fold_for_comparison(text)
        spellings[key][text.strip()] += 1
        figures = queries.setdefault(key, QueryFigures(key))
        figures.count += 1
        figures.abstained += abstained
        figures.clickable += clickable
        figures.clicked += bool(clicked)
        if clicked:
            entries.setdefault(clicked, EntryFigures(clicked)).views += 1
    for entry_id, helpful, moment in votes:
        day = series.get(_day(moment))
        if day is None:
            continue
        day.votes += 1
        day.helpful += helpful
        rated = entries.setdefault(entry_id, EntryFigures(entry_id))
        rated.votes += 1
        rated.helpful += helpful
    for key, asked in queries.items():
        asked.query = spellings[key].most_common(1)[0][0]

    _describe_entries(db, entries)
    ranked = sorted(queries.values(), key=lambda item: (-item.count, item.query))
    off_topic = off_topic_keys(db)
    voted = [item for item in entries.values() if item.votes]
    return Report(
        start=start,
        end=end,
        days=list(series.values()),
        top_queries=ranked[:limit],
        most_viewed=sorted((e for e in entries.values() if e.views), key=lambda e: (-e.views, e.entry_id))[:limit],
        worst_rated=sorted(
            (e for e in voted if e.votes >= min_votes), key=lambda e: (e.helpful_rate, -e.votes, e.entry_id)
        )[:limit],
        entries=sorted(voted, key=lambda e: (-e.votes, e.entry_id)),
        comments=list_comments(db, start=start, end=end),
        gaps=[gap for gap in group_gaps(ranked) if not off_topic & {question_key(v) for v in gap.variants}][:limit],
    )


def group_gaps(queries: list[QueryFigures]) -> list[Gap]:
    """Unanswered questions, most frequent first, each joined to the first alike group.

    # "carte vitale perdue" (3), "j'ai perdu ma carte vitale" (2)  ->  one gap of 5
    """
    gaps: list[Gap] = []
    keys: list[str] = []
    for item in queries:
        if not (item.abstained or (item.clickable and not item.clicked)):
            continue
        match = process.extractOne(
            item.query, keys, scorer=fuzz.token_set_ratio, processor=default_process, score_cutoff=SAME_GAP
        )
        if match is None:
            gaps.append(Gap(query=item.query))
            keys.append(item.query)
            gap = gaps[-1]
        else:
            gap = gaps[match[2]]
        gap.variants.append(item.query)
        gap.count += item.count
        gap.abstained += item.abstained
    return sorted(gaps, key=lambda gap: (-gap.count, gap.query))


def off_topic_keys(db: Database) -> set[str]:
    """Keys of the questions editors marked as not for this FAQ: they are no content gap."""
    with db.session() as session:
        return set(
            session.scalars(
                select(EntryQuestion.key).where(EntryQuestion.entry_id.is_(None), EntryQuestion.state == "accepted")
            )
        )


def _describe_entries(db: Database, entries: dict[str, EntryFigures]) -> None:
    """Give each counted entry the text a list shows of it, and its title as visitors read it."""
    with db.session() as session:
        rows = session.execute(select(Entry.id, Entry.question, Entry.answer).where(Entry.id.in_(list(entries)))).all()
        titles = shown_titles(session, [row[0] for row in rows])
    for entry_id, question, answer in rows:
        entries[entry_id].question, entries[entry_id].answer = question, answer
        entries[entry_id].title = titles[entry_id]


def _day(moment: datetime) -> date:
    """SQLite gives back naive datetimes, PostgreSQL aware ones; both were stored in UTC."""
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()
