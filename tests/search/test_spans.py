"""The sentence that answers: spans of each hit, scored inside its answer, and the sentence vectors behind them."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faqsante.analysis import FrenchAnalyzer
from faqsante.search import SearchEngine
from faqsante.search.corpus import Document
from faqsante.search.embedders import FakeEmbedder
from faqsante.search.index_files import IndexFiles
from faqsante.search.query import Query
from faqsante.search.results import Span
from faqsante.search.sentences import passage_limit, split_sentences
from faqsante.search.spans import MAX_SPANS, SentenceIndex, _best_passages, build_sentence_index
from faqsante.search.vector_cache import VectorCache
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import Entry, Meta

SESSION = (
    "Pro Santé Connect est le fournisseur d'identité des professionnels. "
    "La session dure 4 heures, puis il faut se reconnecter. "
    "Il accepte la e-CPS et la carte CPS."
)


@pytest.fixture(scope="module")
def engine(seed_db, settings_for):
    return SearchEngine(seed_db, settings_for(seed_db, "fake"))


def test_each_hit_carries_valid_spans_best_first(engine):
    result = engine.ask("durée de session Pro Santé Connect", top_k=10)
    assert result.results
    for hit in result.results:
        assert hit.spans, hit.id
        for span in hit.spans:
            assert 0 <= span.start < span.end <= len(hit.answer)
            assert span.end - span.start <= passage_limit(len(hit.answer))
    assert result.to_dict()["results"][0]["spans"][0].keys() == {"start", "end"}


def test_the_first_span_is_the_sentence_that_answers(tmp_path, settings_for):
    db = one_entry_db(tmp_path, SESSION)
    for embedder in ("none", "fake"):
        hit = SearchEngine(db, settings_for(db, embedder)).ask("combien de temps dure la session ?").results[0]
        first = hit.answer[hit.spans[0].start : hit.spans[0].end]
        assert "La session dure 4 heures, puis il faut se reconnecter." in first, embedder
        assert len(first) <= passage_limit(len(hit.answer))


def test_the_passage_is_the_run_of_sentences_with_the_most_evidence():
    bounds = [(0, 60), (61, 120), (121, 180), (181, 240), (241, 300)]
    # evidence with a quarter of each neighbour's: [0.35, 1.175, 0.85, 0.325, 0.7]; a sentence joins the run
    # when it brings more than 0.2: 0 to 2 fit in 180 characters, 3 would not
    spans = _best_passages(bounds, np.array([0.1, 1.0, 0.6, 0.0, 0.7]), limit=180)
    assert spans[0] == Span(0, 180)
    assert spans[1:] == [Span(241, 300)]  # the other answering sentence
    # the best sentence's neighbours join on its carried evidence (a lead restating the question is followed
    # by the sentence that answers it), sentences further away do not
    assert _best_passages(bounds, np.array([0.0, 1.0, 0.0, 0.0, 0.0]), limit=500) == [Span(0, 180)]


def test_a_short_answer_may_be_its_own_passage_a_long_one_never(tmp_path):
    # « Oui, leur solution doit être référencée. Pour cela, prendre contact avec le RESAH. »
    short = [(0, 40), (41, 82)]
    assert _best_passages(short, np.array([1.0, 0.6]), passage_limit(82)) == [Span(0, 82)]  # at most 240: a passage
    long = " ".join(f"Phrase numéro {n} sur la session et sa durée de quatre heures." for n in range(20))
    first = spans_of([long], "durée de session", tmp_path)[0][0]
    assert first.end - first.start <= passage_limit(len(long)) < len(long)


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "   \n\n  ",
        "mot " * 4000,  # one sentence of 16,000 characters: cut into passages
        "- a\n- b\n- c\n" * 300,  # only list items
        "\U0001f600\U0001f44d🏥 Ça marche ! 👩🏽‍⚕️ Vraiment. Ünïcödé ﬁn « ok » 🇫🇷",
        "ß" * 600,  # a word longer than a passage
        "١٢٣. ٤٥٦. 漢字。テスト。",
    ],
)
def test_hostile_answers_get_valid_spans(tmp_path, answer):
    found = spans_of([answer, SESSION], "session e-CPS 😀 ça marche", tmp_path)[0]
    assert_valid(answer, found)
    assert bool(found) == bool(answer.strip())


@given(answer=st.text(max_size=400) | st.text(alphabet="aé. ?!\n-•1«»😀", max_size=400), question=st.text(min_size=1))
def test_spans_of_any_answer_and_question_are_valid(tmp_path_factory, answer, question):
    documents = [Document("a", None, answer, None), Document("b", None, SESSION, None)]
    index = build_sentence_index(documents, FakeEmbedder(), IndexFiles(tmp_path_factory.mktemp("i")), ANALYZER)
    assert_valid(answer, index.spans(documents[:1], query_of(question), ANALYZER)[0])


def test_sentences_are_analysed_when_the_index_is_built_not_when_asked(tmp_path):
    documents = [Document("a", None, SESSION, None)]
    index = build_sentence_index(documents, FakeEmbedder(), IndexFiles(tmp_path), ANALYZER)
    spans = index.spans(documents, query_of("combien de temps dure la session ?"), QuestionOnlyAnalyzer())
    assert "La session dure 4 heures" in SESSION[spans[0][0].start : spans[0][0].end]


def test_a_document_of_another_index_state_is_refused(tmp_path):
    index = build_sentence_index([Document("a", None, SESSION, None)], None, IndexFiles(tmp_path), ANALYZER)
    with pytest.raises(ValueError, match="not in this sentence index"):
        index.spans([Document("a", None, SESSION, None)], query_of("session"), ANALYZER)


def test_a_one_sentence_answer_is_its_own_span(tmp_path, settings_for):
    db = one_entry_db(tmp_path, "Une personne ne peut avoir qu'une seule e-CPS à la fois.")
    hit = SearchEngine(db, settings_for(db, "fake")).ask("plusieurs e-CPS").results[0]
    assert [(span.start, span.end) for span in hit.spans] == [(0, len(hit.answer))]


def test_sentence_vectors_are_encoded_once_and_one_sentence_answers_reuse_their_passage(tmp_path):
    documents = [Document("a", None, SESSION, None), Document("b", None, "Une seule phrase ici.", None)]
    embedder = CountingEmbedder()
    passages = embedder.passages([doc.text for doc in documents])
    embedder.encoded.clear()
    files = IndexFiles(tmp_path / "index")
    index = build_sentence_index(documents, embedder, files, ANALYZER, passages=passages)
    assert sorted(embedder.encoded) == sorted(SESSION[start:end] for start, end in index.sentences(documents[0]))
    assert index.vectors is not None and index.vectors.dtype == np.float16
    np.testing.assert_allclose(index.vectors[3], passages[1], atol=1e-3)  # b's only sentence: its passage vector
    embedder.encoded.clear()
    again = build_sentence_index(documents, embedder, files, ANALYZER, passages=passages)  # the saved file
    assert embedder.encoded == [] and np.array_equal(again.bounds, index.bounds)
    assert again.vocabulary == index.vocabulary and np.array_equal(again.term_ids, index.term_ids)
    for path in files.directory.glob("sentences-*"):
        path.unlink()  # the machine-wide vector cache still knows every sentence
    build_sentence_index(documents, embedder, files, ANALYZER, passages=passages)
    assert embedder.encoded == []
    assert VectorCache(files.directory).path.exists()


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        self.encoded: list[str] = []

    def passages(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        return super().passages(texts)


def one_entry_db(tmp_path: Path, answer: str) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'one.db'}")
    with db.session() as session:
        if session.get(Meta, "data_version") is None:
            session.add(Meta(key="data_version", value="0"))
        session.add(Entry(id="e1", answer=answer, section="Pro Santé Connect", content_hash="1"))
        session.add(Entry(id="e2", answer="TéléO est compatible avec Firefox. Chrome aussi.", content_hash="2"))
        bump_data_version(session)
    return db


ANALYZER = FrenchAnalyzer()


class QuestionOnlyAnalyzer(FrenchAnalyzer):
    """Analyses the question's words only: analysing a whole text at ask time fails the test."""

    def terms(self, text: str) -> list[str]:
        raise AssertionError(f"analysed at ask time: {text!r}")


def query_of(text: str) -> Query:
    return Query(text, ANALYZER, FakeEmbedder(), long_question_words=18)


def spans_of(answers: list[str], question: str, directory: Path) -> list[list[Span]]:
    """The spans of each answer for the question, with the fake embedder."""
    documents = [Document(f"e{number}", None, answer, None) for number, answer in enumerate(answers)]
    index: SentenceIndex = build_sentence_index(documents, FakeEmbedder(), IndexFiles(directory), ANALYZER)
    return index.spans(documents, query_of(question), ANALYZER)


def assert_valid(answer: str, spans: list[Span]) -> None:
    """Spans lie inside the answer, from a sentence's start to a sentence's end, the first within a passage."""
    sentences = split_sentences(answer)
    starts, ends = {start for start, _ in sentences}, {end for _, end in sentences}
    assert len(spans) <= MAX_SPANS
    for span in spans:
        assert 0 <= span.start < span.end <= len(answer)
        assert span.start in starts and span.end in ends
    if spans:
        assert spans[0].end - spans[0].start <= passage_limit(len(answer))
