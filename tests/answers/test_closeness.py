"""Choosing among candidates (#17.3): an uncertain first answer is offered as a choice, related entries are
close and share a section, product or topic first, a refusal lists only close answers — all measured by the
engine's calibrated confidence (``answers.closeness``), no cut tuned by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from faqsante.answers import catalog
from faqsante.answers.closeness import AS_LIKELY, choice_count, confidences_without, offered_floor
from faqsante.answers.detail import entry_detail
from faqsante.answers.related import CANDIDATES, SHARED_FACETS
from faqsante.answers.topics import TopicFinder, answer
from faqsante.config import Settings
from faqsante.facets import retag
from faqsante.ingest import ingest_paths
from faqsante.search import SearchEngine
from faqsante.search.results import Hit
from faqsante.store import Database

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
OFF_TOPIC = "quel temps fera-t-il demain à Lyon pour le marathon"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    folder = tmp_path_factory.mktemp("closeness")
    db = Database(f"sqlite:///{folder / 'faqsante.db'}")
    settings = Settings().model_copy(update={"db_url": db.url, "embedder": "none", "index_dir": folder / "index"})
    ingest_paths(db, [SAMPLE_DIR])
    retag(db, settings)
    yield SearchEngine(db, settings)
    db.dispose()


def hits(*confidences: float) -> list[Hit]:
    return [Hit(f"e{n}", None, "Réponse.", None, [], 1.0 - n, c) for n, c in enumerate(confidences)]


@pytest.mark.parametrize(
    ("confidences", "abstained", "offered"),
    [
        ((0.62, 0.20, 0.05), False, 0),  # the first stands out: it is the answer
        ((0.41, 0.33, 0.22, 0.21), False, 3),  # three about as likely: a choice of three, never more
        ((0.41, 0.33, 0.10), False, 2),
        ((0.41,), False, 0),
        ((0.30, 0.29), True, 0),  # a refusal is no choice
    ],
)
def test_the_first_answers_are_a_choice_when_another_is_half_as_likely(
    confidences: tuple[float, ...], abstained: bool, offered: int
) -> None:
    assert choice_count(abstained, hits(*confidences)) == offered


def test_every_channel_says_how_many_answers_to_choose_from(engine: SearchEngine) -> None:
    finder = TopicFinder(engine.db)
    _, shown = answer(engine, finder, "combien de chiffres a mon identifiant e-CPS", top_k=10)
    assert shown["choice"] == choice_count(shown["abstained"], engine.ask(shown["query"], top_k=10).results)
    assert shown["choice"] in (0, 2, 3)


def test_related_entries_are_all_close_and_those_sharing_section_or_product_come_first(engine: SearchEngine) -> None:
    floor = offered_floor(engine)
    orders = []
    short = [item for item in catalog.list_entries(engine.db, per_page=40).items if len(item.answer) < 450]
    for item in short[:15]:  # an answer under the question length limit is asked whole, as related_entries asks it
        detail = entry_detail(engine, engine.db, item.id)
        asked = engine.ask(" ".join(item.answer.split()), top_k=CANDIDATES + 1).results
        without = {hit.id: (hit, confidence) for hit, confidence in confidences_without(engine, asked, item.id)}
        related = [without[other["id"]][0] for other in detail["related"]]
        assert all(without[hit.id][1] >= floor for hit in related)
        assert len(related) == min(5, sum(confidence >= floor for _, confidence in without.values()))
        orders.append([
            (item.section is not None and hit.section == item.section)
            or any(set(hit.facets.get(name, [])) & set(detail["facets"].get(name, [])) for name in SHARED_FACETS)
            for hit in related
        ])  # fmt: skip
    assert all(order == sorted(order, reverse=True) for order in orders)
    assert any(orders)  # close entries exist: the floor does not empty every list


def test_a_refusal_lists_only_close_answers_and_the_api_still_all(engine: SearchEngine) -> None:
    finder = TopicFinder(engine.db)
    floor = AS_LIKELY * offered_floor(engine)
    result, portal = answer(engine, finder, OFF_TOPIC, top_k=10, close_k=3)
    _, api = answer(engine, finder, OFF_TOPIC, top_k=10)

    assert result.abstained and portal["choice"] == 0
    assert all(hit["confidence"] >= floor for hit in portal["results"]) and len(portal["results"]) <= 3
    assert any(hit["confidence"] < floor for hit in api["results"])  # what the portal listed before (#17.3)
