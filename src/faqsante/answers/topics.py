"""Short queries that name a topic: « INS », « DMP », « le ROR », « Mon espace santé ».

A question of one or two words rarely reads as a question to search, so the FAQ rarely answers it with
certainty; it names a topic, and a visitor typing it wants that topic's answers. A topic is, in this order:
- a value of one of the five filters (key, label or alias in ``facets/taxonomy.yaml``): its tagged entries;
- a section: its entries;
- a glossary term or one of its expansions (``search/glossary``, the editors' entries included): the entries that
  mention one of its names.
# "INS"      -> Topic(kind="filtre", label="INS (identité nationale de santé)", url="/reponses?produit=ins", …)
# "ROR"      -> the filter value ror, found through its alias; "répertoire opérationnel…" through the glossary too
# "AMOA"     -> Topic(kind="glossaire", label="AMOA", definition="Assistant à Maîtrise d'Ouvrage", url="/reponses?sujet=AMOA")
# "comment activer ma carte" -> None (a question: search answers it)
The portal, ``/api/ask``, ``faqsante ask --json`` (through ``answer``) and ``/reponses?sujet=…`` all ask
``TopicFinder.find``, so they agree.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import select

from faqsante.analysis import FrenchAnalyzer
from faqsante.answers import catalog
from faqsante.answers.closeness import choice_count, close_in_refusal
from faqsante.editing import support
from faqsante.facets.entry_tags import facet_conditions
from faqsante.facets.taxonomy import FALLBACK_VALUE, load_taxonomy
from faqsante.search import AskResult, SearchEngine
from faqsante.search.corpus import Document, load_documents
from faqsante.search.glossary import GlossaryEntry, load_glossary
from faqsante.store import Database
from faqsante.store.models import Entry

MAX_TOPIC_WORDS = 2  # content words (stop words aside) of a query read as a topic
MAX_NAME_WORDS = 6  # a longer query naming a topic in full (« dossier médical partagé ») is one too
TOPIC_POOL = 50  # a topic's answers follow search's ranking of its best TOPIC_POOL answers

_ANALYZER = FrenchAnalyzer()

Key = tuple[str, ...]  # folded words: "Pro Santé Connect" -> ("pro", "sante", "connect")


@dataclass(frozen=True)
class Topic:
    """A topic and its published entries, best first for the query that named it."""

    kind: str  # "filtre" | "rubrique" | "glossaire"
    label: str  # "INS (identité nationale de santé)"
    url: str  # every answer of the topic, page by page
    entry_ids: list[str] = field(default_factory=list)
    definition: str | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)  # {"produit": ["ins"]} for a filter value

    @property
    def total(self) -> int:
        return len(self.entry_ids)

    def to_dict(self, entries: Sequence[catalog.PublishedEntry] = ()) -> dict[str, Any]:
        # {"kind": "filtre", "label": "INS (identité nationale de santé)", "definition": null,
        #  "url": "/reponses?produit=ins", "filters": {"produit": ["ins"]}, "total": 39, "results": [entry, ...]}
        return {
            "kind": self.kind,
            "label": self.label,
            "definition": self.definition,
            "url": self.url,
            "filters": self.filters,
            "total": self.total,
            "results": [entry.to_dict() for entry in entries],
        }


def answer(
    engine: SearchEngine,
    finder: TopicFinder,
    query: str,
    *,
    top_k: int,
    facets: dict[str, list[str]] | None = None,
    close_k: int | None = None,
) -> tuple[AskResult, dict[str, Any]]:
    """Search's answer and what every channel shows of it: ``AskResult.to_dict()`` plus ``topic``.

    A short query naming a topic gets ``topic``: that topic's first ``top_k`` answers, which a reader is
    shown instead of an abstention. Without a topic, an abstention keeps only ``close_k`` results when given,
    and only those actually close (the portal shows at most three « réponses proches », often none:
    ``closeness.close_in_refusal``). ``choice`` says how many first answers are offered as a choice, the
    first being uncertain (``closeness.choice_count``; 0: the first is the answer). Topics are not looked for
    within filters: the filters already say what the visitor is after.
    # ({"query": "INS", "abstained": true, "results": [hit, ...], "choice": 0, "topic": {"kind": "filtre", ...},
    #  "contacts": []})
    """
    result = engine.ask(query, top_k=top_k if facets else max(top_k, TOPIC_POOL), facets=facets)
    topic = None if facets else finder.find(query, [hit.id for hit in result.results])
    hits = result.results[:top_k]
    if topic is None and result.abstained and close_k is not None:
        hits = close_in_refusal(engine, hits)[:close_k]
    shown = dataclasses.replace(result, results=hits)
    entries = catalog.published_entries(finder.db, topic.entry_ids[:top_k]) if topic else []
    choice = 0 if topic else choice_count(shown.abstained, hits)
    # After a refusal, who to call about what the question names (« Contacter le support e-CPS »).
    contacts = support.contacts_for_question(finder.db, query) if result.abstained and topic is None else []
    return shown, {
        **shown.to_dict(),
        "choice": choice,
        "topic": topic.to_dict(entries) if topic else None,
        "contacts": [contact.to_dict() for contact in contacts],
    }


@dataclass(frozen=True)
class _Vocabulary:
    """What topics are named from, for one data version: glossary names and the entries' words."""

    version: int
    glossary: dict[Key, GlossaryEntry]
    sections: dict[Key, str]
    documents: list[Document]
    words: list[Key]  # each document's folded words, in document order


class TopicFinder:
    """Finds the topic a short query names; rebuilt when the database's data version moves. Thread-safe."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._vocabulary: _Vocabulary | None = None
        self._lock = threading.Lock()

    def find(self, query: str, ranked_ids: Sequence[str] = ()) -> Topic | None:
        """The topic ``query`` names, if it is short enough to be one; its entries follow ``ranked_ids`` first.

        ``ranked_ids`` is search's ranking for the query: the topic's entries it ranks come first, in its
        order, then the others in a stable order.
        """
        content_words = _ANALYZER.content_words(query)
        content, whole = _key(content_words), _key(query)
        candidates = [(content_words, content)] if 0 < len(content) <= MAX_TOPIC_WORDS else []
        if content and len(whole) <= MAX_NAME_WORDS:
            candidates.append((query, whole))  # « dossier médical partagé » names a topic in full
        for phrase, words in candidates:
            topic = self._facet_topic(phrase) or self._section_topic(words) or self._glossary_topic(words)
            if topic is not None and topic.entry_ids:
                return _ranked(topic, ranked_ids)
        return None

    def _facet_topic(self, phrase: str) -> Topic | None:
        taxonomy = load_taxonomy()
        for facet in taxonomy:
            key = taxonomy.canonical(facet.key, phrase)
            if key is None or key == FALLBACK_VALUE:
                continue
            filters = {facet.key: [key]}
            with self.db.session() as session:
                ids = sorted(
                    session.scalars(select(Entry.id).where(Entry.status == "published", *facet_conditions(filters)))
                )
            url = f"/reponses?{urlencode({facet.key: key})}"
            value = taxonomy.value(facet.key, key)
            return Topic("filtre", value.label, url, ids, value.description or None, filters)
        return None

    def _section_topic(self, words: Key) -> Topic | None:
        section = self._current().sections.get(words)
        if section is None:
            return None
        url = f"/reponses?rubrique={quote(section, safe='')}"
        return Topic("rubrique", section, url, sorted(catalog.section_entry_ids(self.db, section)))

    def _glossary_topic(self, words: Key) -> Topic | None:
        vocabulary = self._current()
        entry = vocabulary.glossary.get(words)
        if entry is None:
            return None
        names = [name for name in (entry.term, *entry.expansions) if _key(name)]
        for name in names:  # « INS » is also a filter value: its tagged entries make a better list
            topic = self._facet_topic(name)
            if topic is not None:
                return topic
        ids = _mentioning(vocabulary, tuple(_key(name) for name in names))
        definition = entry.definition or ", ".join(entry.expansions) or None
        url = f"/reponses?{urlencode({'sujet': entry.term}, quote_via=quote)}"
        return Topic("glossaire", entry.term, url, ids, definition)

    def _current(self) -> _Vocabulary:
        version = self.db.data_version()
        with self._lock:
            if self._vocabulary is None or self._vocabulary.version != version:
                self._vocabulary = _build(self.db, version)
            return self._vocabulary


def _build(db: Database, version: int) -> _Vocabulary:
    documents = load_documents(db)
    glossary: dict[Key, GlossaryEntry] = {}
    for entry in load_glossary(documents, db=db):  # the editors' entries included, those turned off left out
        for name in (entry.term, *entry.expansions):
            glossary.setdefault(_key(name), entry)
    glossary.pop((), None)
    sections = {_key(section.name): section.name for section in catalog.list_sections(db)}
    words = [_key(document.text) for document in documents]
    return _Vocabulary(version, glossary, sections, documents, words)


def _mentioning(vocabulary: _Vocabulary, names: tuple[Key, ...]) -> list[str]:
    """Ids of the documents whose words contain one of the names (as consecutive words)."""
    return [
        document.id
        for document, words in zip(vocabulary.documents, vocabulary.words, strict=True)
        if any(_contains(words, name) for name in names)
    ]


def _contains(words: Key, name: Key) -> bool:
    size = len(name)
    first = name[0]
    return any(words[start : start + size] == name for start, word in enumerate(words) if word == first)


def _ranked(topic: Topic, ranked_ids: Sequence[str]) -> Topic:
    """The topic with its entries in search's order first: # ids [a, b, c], ranked [c, x] -> [c, a, b]"""
    members = set(topic.entry_ids)
    first = [entry_id for entry_id in dict.fromkeys(ranked_ids) if entry_id in members]
    rest = [entry_id for entry_id in topic.entry_ids if entry_id not in set(first)]
    return Topic(topic.kind, topic.label, topic.url, first + rest, topic.definition, topic.filters)


def _key(text: str) -> Key:
    """# "l'e-CPS" -> ("ecps",) ; "Pro Santé Connect" -> ("pro", "sante", "connect")"""
    return tuple(token.text for token in _ANALYZER.tokens(text))
