"""Re-ranking: a second look at the best documents; the identity keeps the fused order, proximity rewards the
question's terms found close together."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from faqsante.analysis import FrenchAnalyzer
from faqsante.search import SearchEngine
from faqsante.search.corpus import Document
from faqsante.search.query import Query
from faqsante.search.rerank import Identity, Proximity, closeness, make_reranker
from faqsante.search.settings import DEFAULT

ANALYZER = FrenchAnalyzer()


def document(number: int, answer: str) -> Document:
    return Document(id=f"e{number}", question="", answer=answer, section="", sources=())


def query(text: str) -> Query:
    return Query(text, ANALYZER, None, long_question_words=18)


def test_closeness_is_the_share_of_the_question_one_window_holds():
    assert closeness(["durée", "session", "connect", "4", "h"], {"durée", "session", "prix"}, 3) == pytest.approx(2 / 3)
    assert closeness(["durée", "a", "b", "c", "session"], {"durée", "session"}, 3) == pytest.approx(1 / 2)
    assert closeness([], {"durée", "session"}, 3) == 0.0


def test_proximity_puts_the_answer_holding_the_words_together_first():
    documents = [
        document(0, "La session dure longtemps. Plus loin, bien plus loin, on parle de la carte et de sa durée."),
        document(1, "La durée de la session Pro Santé Connect est de quatre heures."),
        document(2, "Rien à voir : le remboursement des lunettes."),
    ]
    fused = np.array([0.8, 0.8, 0.1])
    reranked = Proximity(ANALYZER).rerank(query("durée de session"), documents, fused)
    assert list(np.argsort(-reranked, kind="stable")) == [1, 0, 2]
    assert (reranked >= fused).all() and reranked[1] - fused[1] == pytest.approx(0.05)


def test_proximity_looks_at_the_best_documents_only():
    documents = [document(number, "durée de la session") for number in range(5)]
    fused = np.array([0.9, 0.8, 0.1, 0.05, 0.0])
    reranked = Proximity(ANALYZER, depth=2).rerank(query("durée session"), documents, fused)
    assert (reranked[:2] > fused[:2]).all() and (reranked[2:] == fused[2:]).all()


def test_the_identity_keeps_the_fused_scores_and_is_the_default():
    fused = np.array([0.3, 0.9])
    assert Identity().rerank(query("durée de session"), [document(0, "a"), document(1, "b")], fused) is fused
    assert isinstance(make_reranker(DEFAULT.reranker, ANALYZER), Identity)
    with pytest.raises(ValueError, match="proximity"):
        make_reranker("cross-encoder", ANALYZER)


def test_an_engine_asks_through_the_reranker_its_settings_name(seed_db, settings_for):
    settings = settings_for(seed_db, "fake")
    plain = SearchEngine(seed_db, settings)
    reranked = SearchEngine(seed_db, settings, dataclasses.replace(DEFAULT, reranker="proximity"))
    assert isinstance(reranked._current_state().pipeline.reranker, Proximity)
    question = "durée de session Pro Santé Connect"
    assert [hit.id for hit in plain.ask(question).results]  # both answer; the order may differ in the top 20
    assert {hit.id for hit in reranked.ask(question, top_k=50).results} == {
        hit.id for hit in plain.ask(question, top_k=50).results
    }
