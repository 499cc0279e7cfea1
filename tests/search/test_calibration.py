"""Calibration fitted without labelled questions: confidence is a property of (question, entry)."""

import numpy as np
import pytest

from faqsante.search import SearchEngine
from faqsante.search.calibration import Calibration, Logistic
from faqsante.search.fitting import (
    fit_logistic,
    off_topic_questions,
    pseudo_questions,
    score_examples,
    uncovered_questions,
)
from faqsante.search.fusion import FusionWeights
from faqsante.search.index_files import IndexFiles


def test_a_logistic_fit_separates_what_can_be_separated():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(2, 0.5, (60, 2)), rng.normal(0, 0.5, (20, 2))])
    y = np.array([1.0] * 60 + [0.0] * 20)
    model = fit_logistic(x, y, balanced=True)
    probability = model.probability(x)
    assert probability[:60].mean() > 0.8 and probability[60:].mean() < 0.2


def test_confidence_never_rises_down_the_ranking():
    calibration = Calibration(["margin"], Logistic([0.0], [1.0], [1.0], 0.0), 0.5, 1.0, 4.0, FusionWeights(0.5, 0.5))
    fused = np.array([0.9, 0.7, 0.7, 0.2])
    confidences = calibration.confidences(0.8, fused, best=0.9)
    assert np.all(np.diff(confidences) <= 0) and 0 < confidences.min() and confidences.max() <= 0.8


def test_the_off_topic_bank_is_large_and_free_of_duplicates():
    questions = off_topic_questions()
    assert len(questions) >= 150 and len(set(questions)) == len(questions)


@pytest.fixture(scope="module")
def engine(seed_db, settings_for):
    return SearchEngine(seed_db, settings_for(seed_db, "fake"))


def test_pseudo_questions_come_from_the_entries_and_are_reproducible(engine):
    pipeline = engine._current_state().pipeline
    first = pseudo_questions(pipeline, 20)
    assert first == pseudo_questions(pipeline, 20) and len(first) >= 15
    for example in first:
        answer = pipeline.analyzer.content_words(pipeline.documents[example.row].answer).split()
        assert set(pipeline.analyzer.content_words(example.text).split()) <= set(answer)
    assert any(example.text.endswith("?") for example in first), "some are framed as questions"
    assert any(not example.text.endswith("?") for example in first), "others are bare keywords"


def test_uncovered_questions_are_scored_as_if_their_entry_had_never_been_written(engine):
    pipeline = engine._current_state().pipeline
    examples = uncovered_questions(pipeline, 5)
    assert len(examples) >= 4 and all(example.row is None for example in examples)
    assert {example.text for example in examples}.isdisjoint(example.text for example in pseudo_questions(pipeline, 5))
    scored = score_examples(pipeline, IndexFiles(engine.settings.index_dir), examples)
    for example, scores in zip(examples, scored, strict=True):
        assert example.removed is not None
        assert all(np.isnan(values[example.removed]) for values in scores.values())
        assert pipeline.fuse(scores, FusionWeights(0.5, 0.5)).argmax() != example.removed


@pytest.mark.parametrize("question", ["Comment activer ma e-CPS ?", "durée de session Pro Santé Connect", "impôts"])
def test_an_entry_has_the_same_confidence_whatever_top_k(engine, question):
    many = {hit.id: hit.confidence for hit in engine.ask(question, top_k=10).results}
    for top_k in (1, 3):
        for hit in engine.ask(question, top_k=top_k).results:
            assert hit.confidence == pytest.approx(many[hit.id])
    confidences = list(many.values())
    assert confidences == sorted(confidences, reverse=True)


def test_off_topic_questions_are_abstained_on_and_entries_own_words_are_not(engine):
    assert engine.ask("Quel temps fera-t-il à Marseille dimanche ?").abstained
    assert not engine.ask("durée de session Pro Santé Connect").abstained


SECOND_CORPUS = [
    ("Vaccination", "Le vaccin contre la grippe est recommandé chaque automne aux personnes de plus de 65 ans."),
    ("Vaccination", "Le rappel du vaccin contre le tétanos se fait à 25, 45 et 65 ans, puis tous les dix ans."),
    ("Carte Vitale", "La carte Vitale se met à jour en pharmacie ou dans une borne de la caisse d'assurance maladie."),
    ("Carte Vitale", "En cas de perte de la carte Vitale, déclarez-la sur votre compte et commandez-en une nouvelle."),
    ("Médecin traitant", "Le médecin traitant se déclare avec lui lors d'une consultation, sur un formulaire signé."),
    ("Médecin traitant", "Sans médecin traitant déclaré, les consultations sont moins bien remboursées."),
    ("Pharmacie", "Les pharmacies de garde de nuit sont indiquées sur la porte de chaque officine."),
    ("Pharmacie", "Un médicament générique contient la même substance active que le médicament de référence."),
]


def test_a_second_corpus_is_calibrated_on_its_own_entries(tmp_path, settings_for):
    from faqsante.store import Database
    from faqsante.store.db import bump_data_version
    from faqsante.store.models import Entry, Meta

    db = Database(f"sqlite:///{tmp_path / 'second.db'}")
    with db.session() as session:
        if session.get(Meta, "data_version") is None:
            session.add(Meta(key="data_version", value="0"))
        for number, (section, answer) in enumerate(SECOND_CORPUS):
            session.add(Entry(id=f"v{number}", section=section, answer=answer, content_hash=str(number)))
        bump_data_version(session)
    engine = SearchEngine(db, settings_for(db, "fake"))
    answered = engine.ask("rappel vaccin tétanos")
    assert answered.results[0].id == "v1" and not answered.abstained
    assert engine.ask("Comment déclarer mes revenus fonciers aux impôts ?").abstained
