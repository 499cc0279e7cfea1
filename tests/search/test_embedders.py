"""Embedding backends: the fake one stands in for a model in tests, so it must behave like one."""

import numpy as np

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
