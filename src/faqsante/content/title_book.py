"""The titles entries show, read from the database: the one function every channel calls (``shown_titles``).

The portal's lists, ``/admin``, the API's ``title`` field, the command line and mails all ask this module,
so an entry is called the same everywhere, and two published entries never share a title: the book of
every published entry's title is built once per data version (a dict per database, about 100 bytes an
entry) and told apart there (``content.titles.distinct_titles``) by section, answer's lead, then product:
# {"627b0cbf71bb": "Comment activer ma e-CPS ? (Pro Santé Connect)", "c11796043a08": "Le DMN doit-il recevoir l'INS ?"}
An entry that is not published (a draft, an archived one) is titled alone, and told apart from every other entry
of the same title, published or not: no list of /admin shows two entries under one title. Published titles never
change for them (visitors never see a draft).
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from faqsante.content import titles  # a module, not names: content.titles reads search, whose engine reads this
from faqsante.facets.taxonomy import load_taxonomy
from faqsante.search.glossary import written_terms
from faqsante.store.models import Entry, EntryFacet, EntryQuestion, Meta

if TYPE_CHECKING:
    from faqsante.content.titles import Spellings

CHUNK = 500  # ids per IN (…): well under SQLite's and PostgreSQL's parameter limits
PRODUCT_FACET = "produit"


@dataclass(frozen=True)
class _Book:
    version: int
    titles: dict[str, str]  # every published entry's title, told apart
    by_key: dict[str, list[str]]  # title_key of an entry's own title -> published ids with that title
    unpublished_by_key: dict[str, list[str]]  # the same for drafts and archived entries, which /admin lists
    spellings: Spellings  # the glossary's, the editors' entries included: « medimail » -> « Medimail »


_books: weakref.WeakKeyDictionary[Engine, _Book] = weakref.WeakKeyDictionary()  # one per open database
_lock = threading.Lock()


def shown_titles(session: Session, entry_ids: Iterable[str]) -> dict[str, str]:
    """The title of each entry of ``entry_ids`` (any status), as every channel shows it."""
    ids = list(dict.fromkeys(entry_ids))
    if not ids:
        return {}
    book = _current_book(session)
    shown = {entry_id: book.titles[entry_id] for entry_id in ids if entry_id in book.titles}
    others = [entry_id for entry_id in ids if entry_id not in shown]
    if others:
        candidates = _candidates(session, others)
        for entry_id, question, section, answer in _rows(session, others):
            own = titles.entry_title(question, answer, candidates.get(entry_id, ()), book.spellings)
            twins = book.by_key.get(titles.title_key(own), []) + book.unpublished_by_key.get(titles.title_key(own), [])
            shown[entry_id] = _told_apart(session, twins, entry_id, own, section, answer)
    return shown


def title_once_published(
    session: Session, entry_id: str, question: str | None, answer: str, section: str | None
) -> str:
    """The title an entry will show once this text of it (a draft's) is published."""
    book = _current_book(session)
    own = titles.entry_title(question, answer, _candidates(session, [entry_id]).get(entry_id, ()), book.spellings)
    return _told_apart(session, book.by_key.get(titles.title_key(own), []), entry_id, own, section, answer)


def current_spellings(session: Session) -> Spellings:
    """How titles spell the glossary's names now (built once per data version, with the book)."""
    return _current_book(session).spellings


def title_source(session: Session, entry_id: str, question: str | None, answer: str) -> titles.TitleSource:
    """Where the title ``shown_titles`` gives this entry comes from: the editors' question, one of its accepted
    questions, or its answer's lead (an editor is told that such a title is derived, not theirs)."""
    candidates = _candidates(session, [entry_id]).get(entry_id, ())
    return titles.titled(question, answer, candidates, current_spellings(session))[1]


def _told_apart(session: Session, twins: list[str], entry_id: str, title: str, section: str | None, answer: str) -> str:
    """An entry titled alone, told apart from ``twins`` (other entries of the same title) as the book tells
    published ones apart. A draft or an archived entry is told apart from every other entry of its title, whatever
    its status: its title is the same in every list of /admin, and never another entry's there."""
    twins = [twin for twin in twins if twin != entry_id]
    if not twins:
        return title
    sections = dict(session.execute(select(Entry.id, Entry.section).where(Entry.id.in_(twins))).all())
    sections[entry_id] = section
    answers = _answers(session, twins) | {entry_id: answer}
    products = _products(session, [*twins, entry_id])
    group = [
        titles.Titled(member, title, _qualifiers(member, sections, products, answers)) for member in [entry_id, *twins]
    ]
    return titles.distinct_titles(group)[entry_id]


def _current_book(session: Session) -> _Book:
    engine = session.get_bind().engine
    version = int(session.scalar(select(Meta.value).where(Meta.key == "data_version")) or 0)
    book = _books.get(engine)
    if book is not None and book.version == version:
        return book
    with _lock:
        book = _books.get(engine)
        if book is None or book.version != version:
            book = _books[engine] = _build(session, version)
    return book


def _build(session: Session, version: int) -> _Book:
    """Every published entry's title, then the equal ones told apart (``_qualifiers``)."""
    rows = session.execute(
        select(Entry.id, Entry.question, Entry.section).where(Entry.status == "published").order_by(Entry.id)
    ).all()
    sections = {entry_id: section for entry_id, _, section in rows}
    named = {entry_id: " ".join(question.split()) for entry_id, question, _ in rows if question and question.strip()}
    untitled = [entry_id for entry_id, _, _ in rows if entry_id not in named]
    answers = _answers(session, untitled)
    candidates = _candidates(session, untitled)
    spellings = titles.Spellings.of(written_terms(session))
    for entry_id in untitled:
        named[entry_id] = titles.entry_title(None, answers.get(entry_id, ""), candidates.get(entry_id, ()), spellings)
    by_key: dict[str, list[str]] = defaultdict(list)
    for entry_id, title in named.items():
        by_key[titles.title_key(title)].append(entry_id)
    shared = {entry_id for group in by_key.values() if len(group) > 1 for entry_id in group}
    answers |= _answers(session, [entry_id for entry_id in shared if entry_id not in answers])
    products = _products(session, sorted(shared))
    told = titles.distinct_titles(
        titles.Titled(entry_id, title, _qualifiers(entry_id, sections, products, answers) if entry_id in shared else ())
        for entry_id, title in named.items()
    )
    return _Book(version, told, dict(by_key), _unpublished_by_key(session, spellings), spellings)


def _unpublished_by_key(session: Session, spellings: Spellings) -> dict[str, list[str]]:
    """# {"comment activer ma e cps": ["a1b2c3", "d4e5f6"], …}: drafts and archived entries by their own title."""
    rows = session.execute(select(Entry.id, Entry.question).where(Entry.status != "published")).all()
    untitled = [entry_id for entry_id, question in rows if not (question and question.strip())]
    answers, candidates = _answers(session, untitled), _candidates(session, untitled)
    by_key: dict[str, list[str]] = defaultdict(list)
    for entry_id, question in rows:
        title = titles.entry_title(question, answers.get(entry_id, ""), candidates.get(entry_id, ()), spellings)
        by_key[titles.title_key(title)].append(entry_id)
    return dict(by_key)


def _qualifiers(
    entry_id: str, sections: dict[str, str | None], products: dict[str, str], answers: dict[str, str]
) -> tuple[str, ...]:
    """What may tell an entry apart from another of the same title: its section, its answer's first sentences, its
    product (last: a draft's preview knows its text, not the product it will be tagged with once published)."""
    leads = titles.answer_leads(answers.get(entry_id, ""))
    return (sections.get(entry_id) or "", *leads, *[""] * (titles.LEADS - len(leads)), products.get(entry_id, ""))


def _rows(session: Session, ids: list[str]) -> list[tuple[str, str | None, str | None, str]]:
    """(id, question, section, answer) of entries outside the book: drafts, archived or merged entries."""
    rows: list[tuple[str, str | None, str | None, str]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = select(Entry.id, Entry.question, Entry.section, Entry.answer).where(
            Entry.id.in_(ids[start : start + CHUNK])
        )
        rows += [
            (entry_id, question, section, answer) for entry_id, question, section, answer in session.execute(chunk)
        ]
    return rows


def _answers(session: Session, ids: list[str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        answers.update(
            session.execute(select(Entry.id, Entry.answer).where(Entry.id.in_(ids[start : start + CHUNK]))).all()
        )
    return answers


def _candidates(session: Session, ids: list[str]) -> dict[str, list[titles.Candidate]]:
    """Each entry's accepted questions. The state is tested here: in SQL, SQLite scanned every accepted
    question through the state index for each chunk instead of using the entry index."""
    found: dict[str, list[titles.Candidate]] = defaultdict(list)
    columns = (EntryQuestion.entry_id, EntryQuestion.text, EntryQuestion.origin, EntryQuestion.asked_count)
    for start in range(0, len(ids), CHUNK):
        for entry_id, text, origin, asked_count, row_id, state in session.execute(
            select(*columns, EntryQuestion.id, EntryQuestion.state).where(
                EntryQuestion.entry_id.in_(ids[start : start + CHUNK])
            )
        ):
            if state == "accepted" and entry_id is not None:
                found[entry_id].append(titles.Candidate(text, origin, asked_count, row_id))
    return found


def _products(session: Session, ids: list[str]) -> dict[str, str]:
    """The label of each entry's most certain product (« Pro Santé Connect »), when it has one."""
    values = load_taxonomy().facets[PRODUCT_FACET].values
    products: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        for entry_id, value in session.execute(
            select(EntryFacet.entry_id, EntryFacet.value)
            .where(
                EntryFacet.entry_id.in_(ids[start : start + CHUNK]),
                EntryFacet.facet == PRODUCT_FACET,
                EntryFacet.confidence > 0,
            )
            .order_by(EntryFacet.entry_id, EntryFacet.confidence.desc(), EntryFacet.value)
        ):
            if entry_id not in products and value in values:
                products[entry_id] = values[value].label
    return products
