"""Semantic clues: description vectors cached on disk, entry vectors shared with search, z-scores per value."""

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from faqsante.config import Settings
from faqsante.facets import load_taxonomy, retag
from faqsante.facets.semantic import SemanticScores
from faqsante.facets.tagger import Tagger
from faqsante.search.corpus import Document
from faqsante.search.dense import question_vectors
from faqsante.search.embedders import BACKENDS, Embedder
from faqsante.store import Database
from faqsante.store.models import Embedding


class WordHashEmbedder(Embedder):
    """Bag of hashed words: texts sharing words are close. Counts what it is asked to embed."""

    key = "test:word-hash"
    dim = 64

    def __init__(self, _model: str = "") -> None:
        self.embedded = 0

    def _vectors(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, hashlib.sha256(word.encode()).digest()[0] % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    queries = passages = _vectors


def test_description_vectors_are_computed_once_per_text(tmp_path: Path) -> None:
    embedder = WordHashEmbedder()
    first = question_vectors(["identité nationale de santé", "messagerie sécurisée"], embedder, tmp_path)
    again = question_vectors(["identité nationale de santé", "messagerie sécurisée"], embedder, tmp_path)
    edited = question_vectors(["identité nationale de santé", "messagerie instantanée"], embedder, tmp_path)

    assert embedder.embedded == 3  # two, then none, then only the edited one
    assert np.allclose(first, again) and np.allclose(first[0], edited[0])


def test_a_keyword_confirmed_by_similarity_is_accepted() -> None:
    taxonomy = load_taxonomy()
    doc = Document(id="x", question=None, answer="Le NIR figure sur la carte Vitale.", section=None)
    close_to_ins = SemanticScores(
        np.array([[3.0, 0.0]], dtype=np.float32), {("produit", "ins"): 0, ("produit", "dmp"): 1}, {"produit": [0, 1]}
    )

    def produits(tagger: Tagger) -> set[str]:
        return {tag.value for tag in tagger.tag(doc, 0) if tag.facet == "produit"}

    assert "ins" not in produits(Tagger(taxonomy))  # one keyword alone is not enough
    assert "ins" in produits(Tagger(taxonomy, close_to_ins))


def test_retag_reuses_the_vectors_search_stores(
    fresh_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedders: list[WordHashEmbedder] = []

    def make(model: str) -> WordHashEmbedder:
        embedders.append(WordHashEmbedder(model))
        return embedders[-1]

    monkeypatch.setitem(BACKENDS, "word-hash", make)
    settings = Settings().model_copy(update={"db_url": fresh_db.url, "embedder": "word-hash", "index_dir": tmp_path})

    retag(fresh_db, settings)
    retag(fresh_db, settings)

    with fresh_db.session() as session:
        stored = session.scalar(select(func.count()).where(Embedding.model == WordHashEmbedder.key))
    assert stored == 334
    assert embedders[0].embedded > 334  # entries, then descriptions
    assert embedders[1].embedded == 0  # everything came from the embeddings table and the cache file


def test_search_reuses_the_vectors_tagging_stored(
    fresh_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faqsante.search import SearchEngine

    monkeypatch.setitem(BACKENDS, "word-hash", WordHashEmbedder)
    settings = Settings().model_copy(update={"db_url": fresh_db.url, "embedder": "word-hash"})
    retag(fresh_db, settings.model_copy(update={"index_dir": tmp_path / "tagging"}))

    engine = SearchEngine(fresh_db, settings.model_copy(update={"index_dir": tmp_path / "search"}))  # no shared file
    engine.refresh()

    assert engine.last_embedded == 0  # every passage vector came from the embeddings table
