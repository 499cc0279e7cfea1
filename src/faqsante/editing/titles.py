"""Titles at scale: the entries still without an editors' question, their candidate titles, and setting many.

The « sans question » page, ``faqsante titles export|import`` and any front end call these two functions:
# untitled(db, suggester)[0]
#   -> UntitledEntry(id="627b0cbf71bb", title="Combien de temps dure une session ?", visits=12, candidates=[
#        TitleCandidate("Combien de temps dure une session ?", "importée"),
#        TitleCandidate("Quelle est la durée de session ?", "générée")], …)
# set_titles(db, {"627b0cbf71bb": "Combien de temps dure une session ?"}, author="marie", settings=settings)
Setting a title is an edit of the entry's question like any other (a revision, the field locked against the next
import, the entry re-tagged), one transaction for the whole batch: a bad title stops it before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select

from faqsante.config import Settings
from faqsante.content.title_book import current_spellings, shown_titles
from faqsante.content.titles import Spellings, TitleSuggester, tidy_question, title_key
from faqsante.editing.entries import clean_field, finish_change, lock_entry, lock_fields
from faqsante.errors import InvalidInput, NotFound
from faqsante.ingest.base import content_hash
from faqsante.store import Database
from faqsante.store.lifecycle import record_revision
from faqsante.store.models import Entry, EntryQuestion, QueryLog

# What each candidate is, as editors read it (accepted visitor questions, imported ones, generated suggestions).
KINDS = {
    "editor": "rédacteur",
    "source": "importée",
    "import": "importée",
    "learned": "visiteur",
    "suggested": "visiteur, à valider",
    "generated": "générée",
}
TITLE_NOTE = "titre choisi"


@dataclass(frozen=True)
class TitleCandidate:
    text: str
    kind: str  # a value of KINDS: « importée », « visiteur », « générée »…
    question_id: int | None = None  # the entry_questions row it comes from; None for a generated one


@dataclass(frozen=True)
class UntitledEntry:
    """A published entry without an editors' question, as the title desk lists it."""

    id: str
    title: str  # what every channel shows today
    section: str | None
    answer: str
    visits: int  # openings from search results
    candidates: list[TitleCandidate] = field(default_factory=list)

    @property
    def proposed(self) -> str | None:
        """The title an editor accepts with one key: the first candidate. None without one: the title shown today
        may be a lead cut with « … », which an editor rewrites rather than saves."""
        return self.candidates[0].text if self.candidates else None


def count_untitled(db: Database) -> int:
    """Published entries without an editors' question: what the desk's count and the dashboard show."""
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Entry).where(*_untitled())) or 0


def untitled(
    db: Database,
    suggester: TitleSuggester | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
    entry_ids: list[str] | None = None,
) -> list[UntitledEntry]:
    """Published entries without an editors' question, most visited first, each with its candidate titles:
    well-formed accepted questions (tidied) first, then waiting visitor suggestions, then a generated one."""
    visits = func.count(QueryLog.id).label("visits")
    statement = (
        select(Entry.id, Entry.section, Entry.answer, visits)
        .outerjoin(QueryLog, QueryLog.clicked_entry_id == Entry.id)
        .where(*_untitled())
        .group_by(Entry.id, Entry.section, Entry.answer)
        .order_by(visits.desc(), Entry.id)
        .offset(offset)
        .limit(limit)
    )
    if entry_ids is not None:
        statement = statement.where(Entry.id.in_(entry_ids))
    with db.session() as session:
        rows = session.execute(statement).all()
        ids = [row.id for row in rows]
        titles = shown_titles(session, ids)
        spellings = current_spellings(session)
        questions: dict[str, list[EntryQuestion]] = defaultdict(list)
        for start in range(0, len(ids), 500):
            for question in session.scalars(
                select(EntryQuestion)
                .where(EntryQuestion.entry_id.in_(ids[start : start + 500]), EntryQuestion.state != "rejected")
                .order_by(EntryQuestion.asked_count.desc(), EntryQuestion.id)
            ):
                questions[question.entry_id or ""].append(question)
    return [
        UntitledEntry(
            row.id,
            titles[row.id],
            row.section,
            row.answer,
            row.visits,
            _candidates(
                questions[row.id], suggester.suggest(row.answer, row.section) if suggester else None, spellings
            ),
        )
        for row in rows
    ]


def set_titles(db: Database, chosen: Mapping[str, str], *, author: str, settings: Settings) -> list[str]:
    """Make each text the editors' question of its entry, in one transaction; returns the ids that changed.

    Every text is checked first (the question's rules: not empty, no NUL, not too long) and every id must be an
    entry's: one bad row and nothing is written.
    """
    cleaned: dict[str, str] = {}
    for entry_id, text in chosen.items():
        if "\x00" in text or "\x00" in entry_id:
            raise InvalidInput("Le titre contient un caractère nul.", "question")
        title = clean_field("question", " ".join(text.split()))
        if title is None:
            raise InvalidInput("Le titre est vide.", "question")
        cleaned[entry_id] = title
    changed: list[str] = []
    with db.session() as session:
        for entry_id, title in cleaned.items():
            entry = lock_entry(session, entry_id)
            if entry.question == title:
                continue
            entry.question = title
            entry.content_hash = content_hash(entry.question, entry.answer)
            lock_fields(entry, ["question"])
            record_revision(entry, note=TITLE_NOTE, author=author)
            changed.append(entry_id)
        if changed:
            finish_change(session, settings, changed)
    return changed


def require_untitled(db: Database, entry_id: str) -> None:
    """A NotFound in French for an id the desk cannot title (unknown, or not a published entry)."""
    with db.session() as session:
        entry = session.get(Entry, entry_id) if "\x00" not in entry_id else None
        if entry is None or entry.status != "published":
            raise NotFound(f"Aucune réponse publiée n'a l'identifiant « {entry_id} ».")


def _untitled() -> list[ColumnElement[bool]]:
    return [Entry.status == "published", func.coalesce(func.trim(Entry.question), "") == ""]


def _candidates(rows: list[EntryQuestion], generated: str | None, spellings: Spellings) -> list[TitleCandidate]:
    """Accepted questions fit to be a title, tidied (an editor's, the source's, an import's, then visitors'),
    then the other non-rejected ones as written, then the generated suggestion; each wording once."""
    order = {"editor": 0, "source": 1, "import": 2, "learned": 3}
    fit: list[TitleCandidate] = []
    rest: list[TitleCandidate] = []
    for row in sorted(rows, key=lambda r: (r.state != "accepted", order.get(r.origin, 4), -r.asked_count, r.id)):
        kind = KINDS[row.origin] if row.state == "accepted" else KINDS["suggested"]
        tidied = tidy_question(row.text, spellings)
        (fit if tidied and row.state == "accepted" else rest).append(TitleCandidate(tidied or row.text, kind, row.id))
    listed = [*fit, *rest, *([TitleCandidate(generated, KINDS["generated"])] if generated else [])]
    seen: set[str] = set()
    unique = []
    for candidate in listed:
        if title_key(candidate.text) not in seen:
            seen.add(title_key(candidate.text))
            unique.append(candidate)
    return unique
