"""The editors' glossary in search (#20.4): a name in a question is also searched as the names it stands for,
from the next question on, without rebuilding an index; with no editors' entry, search is what it was."""

from __future__ import annotations

from collections.abc import Callable

from faqsante.analysis import FrenchAnalyzer
from faqsante.config import Settings
from faqsante.editing import glossary
from faqsante.search import SearchEngine
from faqsante.search.expansion import Expander
from faqsante.search.glossary import GlossaryEntry
from faqsante.search.query import Query
from faqsante.search.settings import SearchSettings
from faqsante.store import Database

ANALYZER = FrenchAnalyzer()


def expander(*entries: GlossaryEntry) -> Expander:
    return Expander(entries, ANALYZER)


def test_a_synonym_stands_for_every_other_name_and_an_acronym_for_its_expansions() -> None:
    names = expander(
        GlossaryEntry("carte CPS", ("e-CPS", "CPS mobile"), origin="editor", kind="synonym"),
        GlossaryEntry("CPx", ("carte CPE", "carte CPA"), origin="editor", kind="acronym"),
    )
    assert names.names_for("activer ma Carte-CPS ?") == []  # « Carte-CPS » is one word, « carte CPS » two
    assert names.names_for("activer ma carte cps") == ["e-CPS", "CPS mobile"]
    assert names.names_for("ma cps mobile") == ["carte CPS", "e-CPS"]
    assert names.names_for("les cartes CPx") == ["carte CPE", "carte CPA"]
    assert names.names_for("perdu ma carte CPE") == ["CPx"]  # an expansion stands for its acronym, not its sisters


def test_a_name_the_question_already_says_is_not_added_twice() -> None:
    names = expander(GlossaryEntry("carte CPS", ("e-CPS",), origin="editor", kind="synonym"))
    assert names.names_for("carte CPS ou e-CPS") == []


def test_a_stop_word_counts_as_a_name_only_written_in_capitals() -> None:
    names = expander(GlossaryEntry("MES", ("Mon espace santé",), origin="editor", kind="acronym"))
    assert names.names_for("ouvrir MES") == ["Mon espace santé"]
    assert names.names_for("ouvrir mes documents") == []


def test_a_disabled_entry_stands_for_nothing() -> None:
    names = expander(GlossaryEntry("bidule", ("e-CPS",), origin="editor", kind="synonym", enabled=False))
    assert not names and names.names_for("mon bidule") == []


def test_added_names_weigh_one_word_each_and_the_visitors_words_stay_theirs() -> None:
    names = expander(GlossaryEntry("bidule", ("Pro Santé Connect",), origin="editor", kind="synonym"))
    query = Query("durée du bidule", ANALYZER, None, long_question_words=12, expander=names)

    assert query.terms == {"dure": 1.0, "bidul": 1.0}  # what « asked before » compares: the visitor's words
    assert query.searched == {"dure": 1.0, "bidul": 1.0, "pro": 1 / 3, "sant": 1 / 3, "connect": 1 / 3}
    assert query.dense_text == "durée du bidule (Pro Santé Connect)"
    plain = Query("durée du bidule", ANALYZER, None, long_question_words=12)
    assert plain.searched is plain.terms and plain.dense_text == "durée du bidule"


QUESTION = "combien de chiffres pour l'identifiant du sésame"


def test_an_editors_synonym_changes_the_next_ask_without_rebuilding_an_index(
    fresh_seed_db: Database, settings_for: Callable[[Database, str], Settings]
) -> None:
    engine = SearchEngine(fresh_seed_db, settings_for(fresh_seed_db, "none"), SearchSettings(poll_interval_s=0.0))
    target = engine.ask(QUESTION.replace("sésame", "e-CPS")).results[0].id
    before = engine.ask(QUESTION)
    retrievers = engine._current_state().pipeline.retrievers
    assert before.results[0].id != target

    glossary.add_term(fresh_seed_db, {"term": "sésame", "kind": "synonym", "forms": "e-CPS"}, author="marie")

    after = engine.ask(QUESTION)
    assert after.results[0].id == target
    assert engine.indexed_version == fresh_seed_db.data_version()
    assert engine._current_state().pipeline.retrievers is retrievers  # the same indexes, the glossary swapped in
    glossary.set_enabled(fresh_seed_db, "sesame", False, author="marie")
    assert [hit.id for hit in engine.ask(QUESTION).results] == [hit.id for hit in before.results]
