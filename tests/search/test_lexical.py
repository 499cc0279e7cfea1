"""BM25 with weighted query terms: the same scores as plain BM25, and names that count as one concept."""

import numpy as np

from faqsante.search.lexical import LexicalIndex
from faqsante.search.query import AnalyzedQuery

DOCS = [["session", "expir", "heur"], ["pro", "sant", "connect", "servic"], ["session", "session", "pro"]]


def test_weights_scale_each_term_and_unknown_terms_are_ignored():
    index = LexicalIndex.build(DOCS)
    one = index.scores({"session": 1.0})
    assert one[1] == 0 and one[2] > one[0] > 0  # more occurrences, more score
    assert np.allclose(index.scores({"session": 2.0, "inconnu": 5.0}), 2 * one)
    assert np.allclose(index.scores({"session": 1.0, "pro": 1.0}), one + index.scores({"pro": 1.0}))
    assert not index.scores({}).any() and LexicalIndex.build([]).scores({"session": 1.0}).size == 0


def test_a_name_of_three_words_weighs_like_one_word():
    query = AnalyzedQuery(
        "durée de session Pro Santé Connect",
        terms=["dure", "session", "pro", "sant", "connect"],
        expansion_terms=["psc"],
        concept_weights={"pro": 1 / 3, "sant": 1 / 3, "connect": 1 / 3},
    )
    weights = query.weighted_terms(expansion_weight=0.2)
    assert weights["dure"] == weights["session"] == 1.0
    assert abs(weights["pro"] + weights["sant"] + weights["connect"] - 1.0) < 1e-9
    assert weights["psc"] == 0.2
