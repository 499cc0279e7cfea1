"""Embedding backends: the fake one stands in for a model in tests, so it must behave like one."""

import numpy as np
import pytest

from faqsante.errors import FaqsanteError
from faqsante.search.embedders import BACKENDS, FakeEmbedder, make_embedder


def test_the_fake_backend_is_selectable_by_name():
    embedder = make_embedder("fake")
    assert isinstance(embedder, FakeEmbedder) and "fake" in BACKENDS
    assert embedder.key.startswith("fake:")


def test_fake_vectors_are_deterministic_normalised_float32():
    embedder = FakeEmbedder()
    first = embedder.passages(["La e-CPS fonctionne immédiatement.", "Mon Espace Santé"])
    again = FakeEmbedder().passages(["La e-CPS fonctionne immédiatement.", "Mon Espace Santé"])
    assert first.dtype == np.float32 and first.shape == (2, embedder.dim)
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)


def test_fake_vectors_bring_texts_sharing_words_closer():
    embedder = FakeEmbedder()
    query = embedder.queries(["activation de la carte e-CPS"])[0]
    passages = embedder.passages(["Comment activer sa e-CPS ?", "Le remboursement des lunettes par la mutuelle."])
    assert passages[0] @ query > passages[1] @ query + 0.1


def test_fake_vectors_forgive_accents_and_case():
    embedder = FakeEmbedder()
    accented, plain = embedder.queries(["Téléconsultation", "teleconsultation"])
    assert accented @ plain > 0.999


def test_an_empty_text_gets_a_zero_vector_rather_than_a_division_error():
    assert not FakeEmbedder().queries([""]).any()


def test_the_engine_answers_with_the_fake_backend(seed_db, settings_for):
    from faqsante.search import SearchEngine

    result = SearchEngine(seed_db, settings_for(seed_db, "fake")).ask("Comment activer ma e-CPS ?", top_k=3)
    assert len(result.results) == 3


class StandInModel:
    """Stands in for sentence_transformers.SentenceTransformer (an optional extra): records how it is used."""

    def __init__(self, location: str, device: str, local_files_only: bool) -> None:
        assert local_files_only, "never a download"
        self.location = location

    def get_embedding_dimension(self) -> int:
        return 2

    def encode_query(self, texts, **options):  # a model's query prompt is applied here
        return np.array([[1.0, 0.0]] * len(texts))

    def encode_document(self, texts, **options):
        return np.array([[0.0, 1.0]] * len(texts))


@pytest.fixture
def stand_in_library(monkeypatch):
    import sys
    import types

    from faqsante.search import embedders

    monkeypatch.setitem(sys.modules, "sentence_transformers", types.SimpleNamespace(SentenceTransformer=StandInModel))
    monkeypatch.setattr(embedders, "version", lambda name: "5.0.0")


def test_a_model_name_that_is_no_local_folder_is_refused_rather_than_downloaded(stand_in_library):
    with pytest.raises(FaqsanteError, match="ne télécharge rien"):
        make_embedder("sentence-transformers:google/embeddinggemma-300m")


def test_questions_and_passages_are_encoded_with_the_model_s_own_prompts(stand_in_library, tmp_path):
    embedder = make_embedder(f"sentence-transformers:{tmp_path}")
    assert embedder is not None
    assert embedder.queries(["durée de session"]).tolist() == [[1.0, 0.0]]
    assert embedder.passages(["La session dure 4 h."]).tolist() == [[0.0, 1.0]]


def test_a_model_folder_is_named_by_its_content(tmp_path, stand_in_library):
    # The same path (or packaged model) may hold other weights tomorrow: its vectors must not be reused.
    folder = tmp_path / "modele"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"weights v1")
    (folder / "1_Pooling" / "config.json").write_text('{"pooling_mode_mean_tokens": true}')

    first = make_embedder(f"sentence-transformers:{folder}")
    (folder / ".cache").mkdir()
    (folder / ".cache" / "model.lock").write_text("")  # a download lock changes no vector
    same = make_embedder(f"sentence-transformers:{folder}")
    (folder / "model.safetensors").write_bytes(b"weights v2")
    replaced = make_embedder(f"sentence-transformers:{folder}")

    assert first is not None and same is not None and replaced is not None
    assert first.key == replaced.key == f"sentence-transformers:{folder}"
    assert first.identity.startswith(f"sentence-transformers:{folder}@sentence-transformers-5.0.0-prompted+")
    assert same.identity == first.identity and replaced.identity != first.identity
