"""Question to question: the vectorised per-entry best and word-for-word match agree with the plain computation."""

import random

import numpy as np
import pytest

from faqsante.analysis import FrenchAnalyzer
from faqsante.search.dense import DenseIndex
from faqsante.search.embedders import make_embedder
from faqsante.search.features import QUESTION_BM25, QUESTION_COSINE
from faqsante.search.lexical import LexicalIndex
from faqsante.search.query import Query
from faqsante.search.retrievers.questions import QuestionRetriever

WORDS = "activer carte e-CPS session durée Pro Santé Connect identité INS DMP logiciel certificat code PIN".split()
DOCUMENTS = 30  # documents 25 to 29 have no question


@pytest.fixture(scope="module")
def corpus():
    rng = random.Random(3)
    texts = [" ".join(rng.sample(WORDS, rng.randint(1, 4))) for _ in range(90)]
    texts += [texts[0], texts[1]]  # the same wording on other entries
    owners = np.array([rng.randrange(25) for _ in texts], dtype=np.int64)  # in no particular order
    analyzer = FrenchAnalyzer()
    embedder = make_embedder("fake")
    lexical = LexicalIndex.build([analyzer.terms(text) for text in texts])
    dense = DenseIndex(embedder.queries(texts))
    retriever = QuestionRetriever(owners, texts, DOCUMENTS, lexical, dense)
    return retriever, texts, owners, analyzer, embedder


def plain_best(per_question, owners, skipped):
    best = [
        max(
            (float(v) for v, o, s in zip(per_question, owners, skipped, strict=True) if o == d and not s),
            default=np.nan,
        )
        for d in range(DOCUMENTS)
    ]
    return np.array(best)


@pytest.mark.parametrize("text", ["activer e-CPS", "code PIN carte", "durée session Pro Santé Connect", "météo"])
@pytest.mark.parametrize("excluded", [0, 1, 2])
def test_each_entry_scores_its_best_question_as_the_plain_computation(corpus, text, excluded):
    retriever, texts, owners, analyzer, embedder = corpus
    exclude = frozenset(texts[:excluded])
    query = Query(text, analyzer, embedder, long_question_words=18)
    scores = retriever.score(query, exclude)
    skipped = [t in exclude for t in texts]
    expected_bm25 = plain_best(retriever.lexical.scores(query.terms), owners, skipped)
    expected_cosine = plain_best(retriever.dense.scores(query.vector), owners, skipped)
    np.testing.assert_array_equal(scores[QUESTION_BM25], expected_bm25)
    np.testing.assert_array_equal(scores[QUESTION_COSINE], expected_cosine)
    assert scores[QUESTION_BM25].dtype == scores[QUESTION_COSINE].dtype == np.float64  # as fusion expects
    assert np.isnan(scores[QUESTION_BM25][25:]).all()
    if excluded:  # an entry whose only questions are left out has no evidence, not a zero
        alone = [
            d for d in set(owners[:excluded].tolist()) if all(texts[q] in exclude for q in np.flatnonzero(owners == d))
        ]
        assert all(np.isnan(scores[QUESTION_BM25][d]) for d in alone)


def test_a_question_asked_word_for_word_finds_the_entries_that_hold_it(corpus):
    retriever, texts, owners, analyzer, embedder = corpus
    asked = [*texts, "carte", "Santé Pro Connect durée session", "activer météo", "le la les", *WORDS]
    matched = 0
    for text in asked:
        terms = set(analyzer.terms(text))
        expected = [int(o) for t, o in zip(texts, owners, strict=True) if terms and set(analyzer.terms(t)) == terms]
        assert retriever.asked_before(Query(text, analyzer, None, long_question_words=18)) == expected, text
        matched += bool(expected)
    assert matched > len(texts) // 2
