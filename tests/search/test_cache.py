"""Repeated questions come from the cache; new content is never hidden behind a cached answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsante.errors import InvalidQuery
from faqsante.ingest import ingest_paths
from faqsante.search import SearchEngine
from faqsante.search.cache import AnswerCache, answer_key
from faqsante.search.settings import SearchSettings
from faqsante.store import Database

NEW_ANSWER = "Le renouvellement de la carte CPX se fait désormais en ligne, en quelques minutes."
NEW_FILE = f"Nouvelles\n{NEW_ANSWER}\nCette réponse vous a-t-elle été utile ?\n"


@pytest.fixture
def engine(seed_db: Database, settings_for) -> SearchEngine:  # type: ignore[no-untyped-def]
    return SearchEngine(seed_db, settings_for(seed_db, "none"))


def count_searches(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    searched: list[str] = []
    rank = engine.rank

    def counting(query: str, **options):  # type: ignore[no-untyped-def]
        searched.append(query)
        return rank(query, **options)

    monkeypatch.setattr(engine, "rank", counting)
    return searched


def test_a_repeated_question_is_searched_once(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    searched = count_searches(engine, monkeypatch)
    first = engine.ask("durée de session Pro Santé Connect")
    again = engine.ask("  durée de session   Pro Santé Connect ")
    assert again is first
    assert len(searched) == 1
    engine.ask("durée de session Pro Santé Connect", top_k=3)
    assert len(searched) == 2  # another top_k is another answer


def test_facet_filters_are_one_key_in_any_order() -> None:
    assert answer_key("q", 10, {"produit": ["INS", "DMP"]}) == answer_key("q", 10, {"produit": ["DMP", "INS"], "x": []})
    assert answer_key("q", 10, {"produit": ["INS"]}) != answer_key("q", 10, None)


def test_invalid_questions_are_refused_every_time(engine: SearchEngine) -> None:
    for _ in range(2):
        with pytest.raises(InvalidQuery):
            engine.ask("   ")


def test_the_least_recent_answer_leaves_first() -> None:
    cache = AnswerCache(size=2)
    for key in ("a", "b"):
        cache.get_or_compute(key, lambda key=key: f"answer {key}")
    cache.get_or_compute("a", pytest.fail)  # a hit: "a" becomes the most recent
    cache.get_or_compute("c", lambda: "answer c")
    assert len(cache) == 2
    assert cache.get_or_compute("a", pytest.fail) == "answer a"
    assert cache.get_or_compute("b", lambda: "recomputed") == "recomputed"


def test_new_content_reaches_a_question_already_cached_in_another_process(
    db_url: str,
    sample_dir: Path,
    tmp_path: Path,
    settings_for,  # type: ignore[no-untyped-def]
) -> None:
    """Two workers on one database: content ingested through one is answered by the other after its poll."""
    writer, reader = Database(db_url), Database(db_url)
    ingest_paths(writer, [sample_dir])
    # poll on every question, instead of once a second
    worker = SearchEngine(reader, settings_for(reader, "none"), SearchSettings(poll_interval_s=0.0))
    question = "renouvellement carte CPX en ligne"
    assert all(hit.answer != NEW_ANSWER for hit in worker.ask(question).results)

    (tmp_path / "nouveautes.txt").write_text(NEW_FILE, encoding="utf-8")
    ingest_paths(writer, [tmp_path / "nouveautes.txt"])

    assert worker.ask(question).results[0].answer == NEW_ANSWER
    writer.dispose()
    reader.dispose()
