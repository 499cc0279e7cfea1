"""Every channel reads an entry's title from one place, and no two published entries share one."""

from __future__ import annotations

import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.questions_faq import small_faq

from faqsante import editing
from faqsante.answers import catalog
from faqsante.config import Settings
from faqsante.content.title_book import shown_titles
from faqsante.content.titles import MIN_OWN_SHARE, own_share, title_key
from faqsante.editing import glossary
from faqsante.editing.entry_questions import add_question
from faqsante.feedback.learning import learn, learn_from_vote
from faqsante.feedback.suggestions import decide
from faqsante.search import SearchEngine
from faqsante.store import Database
from faqsante.store.models import Entry, EntryQuestion, QueryLog, utcnow
from faqsante.store.questions import entry_questions, record_question
from faqsante.text import normalize

LEXICAL = Settings().model_copy(update={"embedder": "none"})


@pytest.fixture
def sample(seed_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh ingest of data/sample (all 334 entries, without questions: every title comes from its answer)."""
    shutil.copy(seed_template, tmp_path / "sample.db")
    database = Database(f"sqlite:///{tmp_path / 'sample.db'}")
    yield database
    database.dispose()


def test_the_sample_titles_are_distinct_true_and_whole(sample: Database) -> None:
    with sample.session() as session:
        rows = session.execute(
            select(Entry.id, Entry.question, Entry.answer, Entry.section).where(Entry.status == "published")
        ).all()
        asked: dict[str, list[str]] = defaultdict(list)
        for entry_id, text in session.execute(select(EntryQuestion.entry_id, EntryQuestion.text)):
            asked[entry_id or ""].append(text)
        titles = shown_titles(session, [row.id for row in rows])
    assert len(rows) == 334
    # same section, same first sentence: the next one tells them apart
    assert (
        "ViaTrajectoire permet deux types de connexion en fonction de votre statut (La connexion « Professionnels » "
        "sur ViaTrajectoire concerne)" in titles.values()
    )
    shared = [key for key, count in Counter(title_key(title) for title in titles.values()).items() if count > 1]
    assert shared == []
    for entry_id, question, answer, section in rows:
        title = titles[entry_id]
        assert own_share(title, [answer, section or "", question or "", *asked[entry_id]]) >= MIN_OWN_SHARE, title
        assert "que faut-il savoir" not in title.lower()
        if title.endswith("…"):  # cut after a whole word of the answer, never inside one
            last = re.findall(r"[\w'-]+", title)[-1]
            assert re.search(rf"(?<![\w'-]){re.escape(last)}(?![\w'-])", normalize(answer), re.IGNORECASE), title


def test_entries_of_the_same_title_are_told_apart_on_every_channel(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    answers = {
        "Pro Santé Connect": "Activez votre e-CPS depuis l'application, avec le code reçu par SMS.",
        "MSSanté": "La e-CPS s'active depuis la messagerie, avec le code reçu par courriel.",
    }
    made = {
        section: editing.create_entry(
            db, question="Comment activer ma e-CPS ?", answer=answer, section=section, author="marie", settings=LEXICAL
        )
        for section, answer in answers.items()
    }
    expected = {made[section]: f"Comment activer ma e-CPS ? ({section})" for section in answers}
    with db.session() as session:
        assert shown_titles(session, list(made.values())) == expected
    portal = {item.id: item.title for item in catalog.list_entries(db).items}
    assert portal == expected
    hits = SearchEngine(db, LEXICAL).ask("activer ma e-CPS").results
    assert {hit.id: hit.title for hit in hits} == expected
    # a draft of the same title is told apart from the published ones too (they carry their section, it has none)
    draft = editing.create_entry(
        db,
        question="Comment activer ma e-CPS ?",
        answer="Texte à venir.",
        author="marie",
        settings=LEXICAL,
        status="draft",
    )
    with db.session() as session:
        assert shown_titles(session, [draft]) == {draft: "Comment activer ma e-CPS ?"}
    # once an editor words one differently, both lose their qualifier
    editing.edit_entry(db, made["MSSanté"], {"question": "Comment activer la e-CPS dans ma messagerie ?"},
                       author="marie", settings=LEXICAL)  # fmt: skip
    with db.session() as session:
        assert shown_titles(session, list(made.values())) == {
            made["Pro Santé Connect"]: "Comment activer ma e-CPS ?",
            made["MSSanté"]: "Comment activer la e-CPS dans ma messagerie ?",
        }
    db.dispose()


def test_the_title_is_the_editors_question_else_the_best_well_formed_accepted_one(db: Database) -> None:
    faq = small_faq(db)
    keywords = learn(faq, "ins", "INS obligatoire depuis quand")
    assert keywords is not None
    decide(faq, [keywords.id], "accepted", author="marie")
    lead = "L'INS est l'identifiant national de santé, obligatoire depuis 2021"
    with faq.session() as session:
        assert shown_titles(session, ["ins"]) == {"ins": lead}  # keywords are no title: the answer's lead is
    learned = learn(faq, "ins", "faut-il l'INS dans les laboratoires")
    assert learned is not None
    decide(faq, [learned.id], "accepted", author="marie")
    with faq.session() as session:
        assert shown_titles(session, ["ins"]) == {"ins": "Faut-il l'INS dans les laboratoires ?"}  # tidied
    add_question(faq, "ins", "Qu'est-ce que l'INS ?", author="marie")
    with faq.session() as session:
        assert shown_titles(session, ["ecps", "ins", "old", "missing"]) == {
            "ecps": "Comment activer ma e-CPS ?",
            "ins": "Qu'est-ce que l'INS ?",  # an editor's wording before a visitor's
            "old": "Ancienne question ?",  # archived: titled all the same
        }


def test_a_visitors_wording_never_becomes_the_title_over_an_editors(db: Database) -> None:
    """#19.6: the visitor's row and the editor's question share a key; the editor's text is the one kept."""
    faq = small_faq(db)
    with faq.session() as session:
        session.add(QueryLog(query="activer e-cps ☠☠☠ 💀 👉👉 ???", result_ids=["ins"], created_at=utcnow()))
    asked = learn_from_vote(faq, "ins", "activer e-cps ☠☠☠ 💀 👉👉 ???", asker="visiteur")  # « utile : oui »
    assert asked is not None and asked.state == "suggested"
    add_question(faq, "ins", "Comment activer ma e-CPS ?", author="marie")
    rows = [(q.text, q.origin, q.state, q.asked_count) for q in entry_questions(faq, "ins")]
    assert rows == [("Comment activer ma e-CPS ?", "editor", "accepted", 1)]
    # the editor's text, told apart from the other entry that has it as its own question
    assert catalog.get_entry(faq, "ins").title == (
        "Comment activer ma e-CPS ? (L'INS est l'identifiant national de santé, obligatoire…)"
    )
    # the same from an import of a question history, and accepting the visitor's row by hand shows no emoji either
    learn(faq, "ecps", "activer la e-cps 💀💀 ???")
    with faq.session() as session:
        record_question(session, "ecps", "Activer la e-CPS ?", origin="import", state="accepted", author=None)
    assert {q.text for q in entry_questions(faq, "ecps")} == {"Activer la e-CPS ?"}


def test_titles_spell_names_as_the_glossary_in_force_writes_them(db: Database) -> None:
    """#20.4: an editor's term sets its spelling in tidied titles; a shipped term turned off no longer does."""
    faq = small_faq(db)
    add_question(faq, "ins", "comment obtenir l'ins sur medimail et monbidule", author="marie")
    with faq.session() as session:
        assert shown_titles(session, ["ins"]) == {"ins": "Comment obtenir l'ins sur Medimail et monbidule ?"}

    glossary.add_term(faq, {"term": "MonBidule", "kind": "synonym", "forms": "mon bidule"}, author="marie")
    glossary.set_enabled(faq, "medimail", False, author="marie")

    with faq.session() as session:
        assert shown_titles(session, ["ins"]) == {"ins": "Comment obtenir l'ins sur medimail et MonBidule ?"}
