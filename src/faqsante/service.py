"""The one core every front end holds: the CLI, the JSON API and the pages parse, call a method here, render.

A ``Faqsante`` object is what Datasette's ``Datasette`` object is to Datasette: the settings, the database, the
search engine, the topic finder and the mailer of one process, and a method for every operation, so that a rule
(« a bad address is refused », « an ask is logged ») is decided once, whichever channel asked:
# faq = Faqsante.open("sqlite:///var/faqsante.db")
# answer, query_id = faq.ask("Comment activer ma e-CPS ?", channel="cli")
# faq.submit_question("Où trouver l'appli e-CPS ?", "lea@example.org").to_dict()
# -> {"id": 12, "question": "…", "email": null, "status": "open", "reply_by_mail": false, "message": "…"}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from faqsante import editing
from faqsante.answers import catalog
from faqsante.answers.ask import ask_logged
from faqsante.answers.detail import entry_detail
from faqsante.answers.topics import TopicFinder
from faqsante.config import Settings
from faqsante.editing import entry_questions, sources, support
from faqsante.editing import glossary as glossary_editing
from faqsante.facets.entry_tags import FacetCounts, RetagReport, facet_counts, retag
from faqsante.feedback import audience, notices, suggestions
from faqsante.mail import DeliveryReport, Mailer
from faqsante.search import AskResult, SearchEngine
from faqsante.search.glossary import GlossaryEntry
from faqsante.store import Database, legal
from faqsante.store.questions import Question

FACET_POOL = 50  # filter counts follow a question over its best FACET_POOL answers (the portal shows 10)


@dataclass(frozen=True)
class QuestionReceipt:
    """A submitted question as its visitor is told about it, whichever channel it came through."""

    record: audience.SubmittedQuestionRecord
    reply_by_mail: bool  # the address was kept: an e-mail will announce the answer
    message: str  # what becomes of the question, in French

    def to_dict(self) -> dict[str, Any]:
        return {**self.record.to_dict(), "reply_by_mail": self.reply_by_mail, "message": self.message}


class Faqsante:
    """One process's FAQ: every operation the CLI, the API and the pages offer, with its rules."""

    def __init__(
        self,
        settings: Settings,
        *,
        mailer: Mailer | None = None,
        db: Database | None = None,
        observe: Callable[[AskResult], None] | None = None,
        background: bool = False,
    ) -> None:
        """``background``: a changed index is built while answers keep coming from the previous one (the web app)."""
        self.settings = settings
        self.observe = observe  # called with every answer (the web app's metrics)
        self.db = db or Database(settings.db_url)
        self.engine = SearchEngine(self.db, settings, background=background)
        self.topics = TopicFinder(self.db)
        self.mailer = mailer  # None: mail off
        self._whole_faq_counts: tuple[int, FacetCounts] | None = None  # (data version, counts)

    @classmethod
    def open(cls, db_url: str | None = None, settings: Settings | None = None) -> Faqsante:
        """The FAQ at ``db_url`` (FAQSANTE_* settings otherwise), its mail as configured."""
        settings = (settings or Settings()).with_db(db_url)
        return cls(settings, mailer=Mailer.from_settings(settings))

    # ------------------------------------------------------------------------------------------ visitors

    def ask(
        self,
        query: str,
        *,
        channel: str,
        top_k: int = 10,
        facets: dict[str, list[str]] | None = None,
        close_k: int | None = None,
        refines: int | None = None,
    ) -> tuple[dict[str, Any], int]:
        """Answer within the filters, its topic included (``answers.topics.answer``), and log what was shown.

        # ({"query", "abstained", "results": [hit, ...], "topic": {...} | null}, query_log id)
        """
        return ask_logged(
            self.engine, self.db, self.topics, query, top_k=top_k, channel=channel, refines=refines, facets=facets,
            close_k=close_k, observe=self.observe,
        )  # fmt: skip

    def entry(self, entry_id: str) -> dict[str, Any]:
        """A published entry with its provenance, notices and related entries (``answers.detail``)."""
        return entry_detail(self.engine, self.db, entry_id)

    def facet_counts(
        self, query: str | None = None, filters: Mapping[str, list[str]] | None = None, *, section: str | None = None
    ) -> FacetCounts:
        """Entries per filter value (``facets.FacetCounts``) among the best ``FACET_POOL`` answers to ``query``,
        the published entries of ``section``, or the whole FAQ, whose counts every home page shows and which
        are computed once per data version."""
        if query is None and section is None and not filters:
            version = self.db.data_version()
            if self._whole_faq_counts is None or self._whole_faq_counts[0] != version:
                self._whole_faq_counts = (version, facet_counts(self.db))
            return self._whole_faq_counts[1]
        if query:
            ids: list[str] | None = [hit.id for hit in self.engine.ask(query, top_k=FACET_POOL).results]
        else:
            ids = catalog.section_entry_ids(self.db, section) if section else None
        return facet_counts(self.db, ids, filters, query=query)

    def click(self, query_id: int, entry_id: str) -> str | None:
        """A result opened from a logged ask; returns that ask's question (None if it did not show the entry)."""
        return audience.record_click(self.db, query_id, entry_id)

    def shown_by(self, query_id: int, entry_id: str) -> str | None:
        """The question of a logged ask that showed the entry (None otherwise): what a vote on it answered."""
        return audience.shown_query(self.db, query_id, entry_id)

    def vote(
        self,
        entry_id: str,
        visitor: str,
        *,
        helpful: bool,
        comment: str | None = None,
        query: str | None = None,
        asker: str | None = None,
    ) -> audience.Vote:
        return audience.record_vote(
            self.db, entry_id, visitor, helpful=helpful, comment=comment, query=query, asker=asker
        )

    def submit_question(self, question: str, email: str | None = None) -> QuestionReceipt:
        """Queue a question the FAQ did not answer. One policy for every channel: a bad address is refused
        (``InvalidInput``, field ``email``) whether or not mail is on; it is kept only when mail is on."""
        address = audience.checked_email(email)
        mail = self.mailer is not None
        record = audience.submit_question(self.db, question, address if mail else None)
        return QuestionReceipt(record, record.email is not None, _question_message(mail, address))

    # ------------------------------------------------------------------------------------------ editors

    def edit(
        self,
        entry_id: str,
        changes: Mapping[str, str | None],
        *,
        author: str,
        base_revision: int | None = None,
        note: str | None = None,
        draft_seen: str | None = None,
    ) -> list[str]:
        """Change an entry's text (one transaction, re-tagged); ``draft_seen``: the version of the draft whose
        text this publishes ("" for none), spent in the same transaction (``editing.edit_entry``)."""
        return editing.edit_entry(
            self.db, entry_id, changes, author=author, settings=self.settings, base_revision=base_revision,
            note=note, draft_seen=draft_seen,
        )  # fmt: skip

    def create_entry(
        self, *, question: str | None, answer: str, section: str | None, author: str, status: str = "published"
    ) -> str:
        """A new entry, published (tagged and searchable at once) or a draft; returns its id."""
        return editing.create_entry(
            self.db, question=question, answer=answer, section=section, author=author, settings=self.settings,
            status=status,
        )  # fmt: skip

    def save_draft(
        self, entry_id: str, changes: Mapping[str, str | None], *, author: str, base_revision: int
    ) -> editing.Draft:
        """Keep an editor's text aside; the published entry does not change."""
        return editing.save_draft(self.db, entry_id, changes, author=author, base_revision=base_revision)

    def discard_draft(self, entry_id: str) -> bool:
        return editing.discard_draft(self.db, entry_id)

    def publish_draft(self, entry_id: str, *, author: str) -> list[str]:
        return editing.publish_draft(self.db, entry_id, author=author, settings=self.settings)

    def restore(self, entry_id: str, number: int, *, author: str, base_revision: int) -> list[str]:
        return editing.restore_revision(
            self.db, entry_id, number, author=author, settings=self.settings, base_revision=base_revision
        )

    def set_status(self, entry_id: str, status: str, *, author: str) -> bool:
        return editing.set_status(self.db, entry_id, status, author=author, settings=self.settings)

    def set_facets(self, entry_id: str, chosen: Mapping[str, list[str]], *, author: str) -> list[str]:
        """Make the entry carry exactly the ``chosen`` filter values: editors' decisions, kept by every retag."""
        return editing.set_facets(self.db, entry_id, chosen, author=author, settings=self.settings)

    def set_review(self, entry_id: str, *, review_at: date | None, owner: str | None) -> bool:
        return editing.set_review(self.db, entry_id, review_at=review_at, owner=owner)

    def merge(self, duplicate_id: str, kept_id: str, *, author: str) -> editing.MergeReport:
        """Fold a duplicate into the entry that stays: votes, clicks, sources, questions and filters follow."""
        return editing.merge_entries(self.db, duplicate_id, kept_id, author=author, settings=self.settings)

    def set_source(
        self, source_id: int, *, display_name: str | None, url: str | None, facets: Mapping[str, list[str]]
    ) -> bool:
        """A source's display name, address and the filters of everything it holds (its entries re-tagged)."""
        return sources.set_source(
            self.db, source_id, display_name=display_name, url=url, facets=facets, settings=self.settings
        )

    def save_contact(self, contact_id: int | None, fields: Mapping[str, str | None]) -> int:
        """Create (``contact_id`` None) or replace a support contact; its id."""
        return support.save_contact(self.db, contact_id, fields)

    def delete_contact(self, contact_id: int) -> None:
        support.delete_contact(self.db, contact_id)

    def set_legal_page(self, slug: str, text: str) -> None:
        """An administrator's text of a legal page (« mentions-legales »…); an empty text brings the default back."""
        legal.set_legal_page(self.db, slug, text)

    def set_accessibility_status(self, status: str) -> None:
        """The accessibility status the footer declares (RGAA)."""
        legal.set_accessibility_status(self.db, status)

    def link_question(
        self,
        question_id: int,
        *,
        author: str,
        entry_id: str | None = None,
        question: str | None = None,
        answer: str | None = None,
        section: str | None = None,
    ) -> str:
        """Close a submitted question with an entry (existing, or new from ``answer``); its visitor's e-mail is
        queued in the same transaction. Send it with ``send_mail`` (the web app does so after the response)."""
        return editing.answer_question(
            self.db, question_id, author=author, settings=self.settings, entry_id=entry_id, question=question,
            answer=answer, section=section, mailer=self.mailer,
        )  # fmt: skip

    def send_mail(self) -> DeliveryReport | None:
        """Send the e-mails that are due, editors' news that is due included; None when mail is off."""
        return notices.deliver(self.db, self.mailer) if self.mailer is not None else None

    def send_digests(self) -> DeliveryReport | None:
        """Queue the daily digest of every editor who asked for one and has news, then send; None when mail is off."""
        if self.mailer is None:
            return None
        notices.send_digests(self.db, self.mailer)
        return self.send_mail()

    def dismiss_question(self, question_id: int) -> None:
        """Take a submitted question off the queue without an answer (spam, off-topic, a duplicate)."""
        editing.dismiss_question(self.db, question_id)

    def dismiss_off_topic(self, question: str, *, author: str) -> None:
        """A content gap judged off-topic: search learns to abstain on it, the analytics stop listing it."""
        editing.dismiss_off_topic(self.db, question, author=author)

    def decide_suggestions(self, question_ids: Iterable[int], state: str, *, author: str) -> int:
        """Accept or reject suggested questions; returns how many changed state."""
        return suggestions.decide(self.db, question_ids, state, author=author)

    def add_question(self, entry_id: str, text: str, *, author: str) -> Question:
        return entry_questions.add_question(self.db, entry_id, text, author=author)

    def edit_question(self, question_id: int, text: str, *, author: str, entry_id: str | None = None) -> Question:
        return entry_questions.edit_question(self.db, question_id, text, author=author, entry_id=entry_id)

    def delete_question(self, question_id: int, *, entry_id: str | None = None) -> None:
        entry_questions.delete_question(self.db, question_id, entry_id=entry_id)

    def promote_question(self, question_id: int, *, author: str, entry_id: str | None = None) -> str:
        """Make a question its entry's title: an edit of the entry (revision, lock, filters re-tagged)."""
        return entry_questions.make_main(self.db, question_id, author=author, settings=self.settings, entry_id=entry_id)

    def retag(self, progress: Callable[[int, int], None] | None = None) -> RetagReport:
        """Recompute every published entry's automatic filter tags (editors' and sources' tags stay)."""
        return retag(self.db, self.settings, progress=progress)

    def import_sources(
        self,
        paths: Iterable[Path],
        *,
        format: str | None = None,
        progress: Callable[[Path], None] | None = None,
        tag_progress: Callable[[int, int], None] | None = None,
    ) -> editing.ImportReport:
        """Parse, merge and re-tag sources in one transaction (``editing.imports``)."""
        return editing.import_sources(
            self.db, self.settings, paths, format=format, progress=progress, tag_progress=tag_progress
        )

    # ------------------------------------------------------------------------------------------ glossary

    def glossary(self, query: str = "") -> list[glossary_editing.GlossaryItem]:
        """Every term, shipped, found and the editors', those turned off included (``query``: those that hold it)."""
        return glossary_editing.workspace_glossary(self.db, query)

    def glossary_term(self, key: str) -> glossary_editing.GlossaryItem:
        return glossary_editing.glossary_item(self.db, key)

    def glossary_history(self, key: str) -> list[glossary_editing.Change]:
        return glossary_editing.history(self.db, key)

    def add_glossary_term(self, fields: Mapping[str, str | None], *, author: str) -> str:
        """A new term, searched from the next question on; its key."""
        return glossary_editing.add_term(self.db, fields, author=author)

    def edit_glossary_term(self, key: str, fields: Mapping[str, str | None], *, author: str) -> bool:
        return glossary_editing.edit_term(self.db, key, fields, author=author)

    def enable_glossary_term(self, key: str, enabled: bool, *, author: str) -> bool:
        return glossary_editing.set_enabled(self.db, key, enabled, author=author)

    def delete_glossary_term(self, key: str, *, author: str) -> GlossaryEntry | None:
        """Delete an editor's entry; the shipped (or found) entry it replaced, back in force, if any."""
        return glossary_editing.delete_term(self.db, key, author=author)

    def close(self) -> None:
        self.db.dispose()


def _question_message(mail: bool, email: str | None) -> str:
    """What becomes of a submitted question, for the visitor."""
    sent = "Votre question a été transmise à l'équipe qui rédige la FAQ."
    if mail and email:
        return f"{sent} Vous recevrez un e-mail avec le lien vers la réponse dès qu'elle sera publiée."
    if mail:
        return f"{sent} Elle s'en servira pour compléter les réponses."
    unsent = "Aucune réponse ne vous sera envoyée par e-mail : ce service n'envoie pas de courriels"
    if email:
        return f"{sent} {unsent}, et votre adresse n'a pas été conservée. Revenez consulter la FAQ."
    return f"{sent} {unsent}. Revenez consulter la FAQ."
