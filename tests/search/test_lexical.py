"""BM25 with weighted query terms: Lucene's BM25 as the bm25s library computes it, term weights on top."""

import bm25s
import numpy as np
import pytest
from tests.conftest import SAMPLE_DIR

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.lexical import LexicalIndex

DOCS = [["session", "expir", "heur"], ["pro", "sant", "connect", "servic"], ["session", "session", "pro"]]


def test_weights_scale_each_term_and_unknown_terms_are_ignored():
    index = LexicalIndex.build(DOCS)
    one = index.scores({"session": 1.0})
    assert one[1] == 0 and one[2] > one[0] > 0  # more occurrences, more score
    assert np.allclose(index.scores({"session": 2.0, "inconnu": 5.0}), 2 * one)
    assert np.allclose(index.scores({"session": 1.0, "pro": 1.0}), one + index.scores({"pro": 1.0}))
    assert not index.scores({}).any() and LexicalIndex.build([]).scores({"session": 1.0}).size == 0


def seed_terms() -> list[list[str]]:
    from faqsante.ingest import parse_file

    analyzer = FrenchAnalyzer()
    answers = [entry.answer for path in sorted(SAMPLE_DIR.glob("*.txt")) for entry in parse_file(path).entries]
    return [analyzer.terms(answer) for answer in answers]


@pytest.mark.parametrize("query", ["durée de la session Pro Santé Connect", "navigateurs compatibles TéléO", "ins nir"])
def test_scores_match_the_bm25s_reference_on_the_seed_answers(query):
    """Same analysis in, same scores out: Lucene's idf and length normalisation, k1 = 1.2, b = 0.75."""
    documents = seed_terms()
    reference = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    reference.index(documents, show_progress=False)
    terms = list(dict.fromkeys(FrenchAnalyzer().terms(query)))
    ours = LexicalIndex.build(documents, k1=1.2, b=0.75).scores({term: 1.0 for term in terms})
    assert ours.any()
    assert np.allclose(ours, reference.get_scores(terms), rtol=1e-4, atol=1e-5)


def test_an_index_survives_its_plain_array_form():
    index = LexicalIndex.build(DOCS)
    again = LexicalIndex.from_arrays(index.to_arrays())
    assert again.vocabulary == index.vocabulary
    assert np.array_equal(again.scores({"session": 1.0, "pro": 0.5}), index.scores({"session": 1.0, "pro": 0.5}))
