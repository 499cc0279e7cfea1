"""The sentence that answers: spans of each hit, scored inside its answer, and the sentence vectors behind them."""

from pathlib import Path

import numpy as np
import pytest

from faqsante.search import SearchEngine
from faqsante.search.corpus import Document
from faqsante.search.embedders import FakeEmbedder
from faqsante.search.index_files import IndexFiles
from faqsante.search.results import Span
from faqsante.search.sentences import passage_limit
from faqsante.search.spans import _best_passages, build_sentence_index
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
        assert first != hit.answer  # a passage: grown around its best sentence, never the whole answer


def test_the_passage_grows_towards_the_better_neighbour_within_the_limit():
    bounds = [(0, 60), (61, 120), (121, 180), (181, 240), (241, 300)]
    spans = _best_passages(bounds, np.array([0.1, 1.0, 0.6, 0.0, 0.7]), limit=180)
    assert spans[0] == Span(0, 180)  # 1, then 2 (0.6 > 0.1), then 0: the limit stops it there
    assert spans[1:] == [Span(241, 300)]  # the other answering sentence
    assert _best_passages(bounds[:2], np.array([0.0, 1.0]), limit=500) == [Span(61, 120)]  # not the whole answer


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
    index = build_sentence_index(documents, embedder, files, passages=passages)
    assert sorted(embedder.encoded) == sorted(SESSION[start:end] for start, end in index.sentences(documents[0]))
    assert index.vectors is not None and index.vectors.dtype == np.float16
    np.testing.assert_allclose(index.vectors[3], passages[1], atol=1e-3)  # b's only sentence: its passage vector
    embedder.encoded.clear()
    again = build_sentence_index(documents, embedder, files, passages=passages)  # the saved file
    assert embedder.encoded == [] and np.array_equal(again.bounds, index.bounds)
    for path in files.directory.glob("sentences-*"):
        path.unlink()  # the machine-wide vector cache still knows every sentence
    build_sentence_index(documents, embedder, files, passages=passages)
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
