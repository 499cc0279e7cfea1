"""Answer-quality metrics and cross-validation folds, on hand-built outcomes."""

from faqsante.search import SearchEngine
from faqsante.search.evaluate import (
    Metrics,
    _metrics,
    _Outcome,
    evaluate,
    first_correct,
    fold_of,
    key_coverage,
    mean_of,
    span_found,
)
from faqsante.search.results import Span
from faqsante.store import Database
from faqsante.store.db import bump_data_version
from faqsante.store.models import Entry, Meta


def test_the_first_correct_answer_is_found_after_folding():
    answers = ["Non.", "La session dure 4 heures.", "Oui, l’INS est obligatoire."]
    assert first_correct(answers, ["SESSION  dure"]) == 2
    assert first_correct(answers, ["l'ins est"]) == 3  # typographic apostrophe folded
    assert first_correct(answers, ["absent"]) is None and first_correct(answers, []) is None


def test_metrics_count_hits_reciprocal_ranks_and_abstentions():
    outcomes = [
        _Outcome(words=5, answerable=True, rank=1, abstained=False),
        _Outcome(words=5, answerable=True, rank=4, abstained=True),
        _Outcome(words=5, answerable=True, rank=None, abstained=False),
        _Outcome(words=5, answerable=True, rank=2, abstained=False),
        _Outcome(words=5, answerable=False, rank=None, abstained=True),
        _Outcome(words=5, answerable=False, rank=None, abstained=False),
    ]
    m = _metrics(outcomes)
    assert (m.answerable, m.unanswerable) == (4, 2)
    assert m.hit_at_1 == 0.25 and m.hit_at_5 == 0.75
    assert m.mrr_at_10 == (1 + 1 / 4 + 0 + 1 / 2) / 4
    assert m.false_abstention_rate == 0.25 and m.abstention_rate == 0.5


def test_a_group_without_unanswerable_questions_has_no_abstention_rate():
    m = _metrics([_Outcome(words=3, answerable=True, rank=1, abstained=False)])
    assert m.abstention_rate is None and m.hit_at_1 == 1.0


def test_folds_are_stable_and_cover_every_fold():
    questions = [f"question {number}" for number in range(200)]
    folds = [fold_of(q, 5) for q in questions]
    assert folds == [fold_of(q, 5) for q in questions]
    assert set(folds) == set(range(5))


def test_the_mean_over_folds_skips_missing_figures():
    mean = mean_of([Metrics(10, 0, 0.5, 0.9, 0.6, None, 0.1), Metrics(10, 2, 0.7, 1.0, 0.8, 0.5, 0.0)])
    assert mean.answerable == 20 and mean.unanswerable == 2
    assert abs(mean.hit_at_1 - 0.6) < 1e-12 and mean.abstention_rate == 0.5


def test_a_span_holds_the_answering_passage_when_it_covers_most_of_its_words():
    answer = "Oui. La session dure 4 heures, puis il faut se reconnecter. Elle accepte la e-CPS."
    key = ["session dure 4 heures, puis il faut"]
    assert key_coverage(answer, key, Span(5, 59)) == 1.0
    assert key_coverage(answer, key, Span(5, 29)) == 4 / 7  # « session dure 4 heures »: under 60 %
    assert key_coverage(answer, ["absent de la réponse"], Span(0, len(answer))) == 0.0
    assert span_found(answer, key, Span(5, 59)) and not span_found(answer, key, Span(5, 29))
    assert not span_found(answer * 5, key, Span(0, 300))  # not a passage: over 240 characters and half the answer


def test_eval_reports_the_span_figure_for_questions_answered_in_the_first_five(tmp_path, settings_for):
    db = Database(f"sqlite:///{tmp_path / 'faq.db'}")
    with db.session() as session:
        if session.get(Meta, "data_version") is None:
            session.add(Meta(key="data_version", value="0"))
        session.add(Entry(id="e1", answer=SESSION, content_hash="1"))
        session.add(Entry(id="e2", answer="TéléO est compatible avec Firefox. Chrome aussi.", content_hash="2"))
        bump_data_version(session)
    engine = SearchEngine(db, settings_for(db, "fake"))
    report = evaluate(
        engine,
        [
            {"q": "combien de temps dure la session ?", "keys": ["La session dure 4 heures"]},
            {"q": "TéléO marche-t-il sous Chrome ?", "keys": ["Chrome aussi"]},  # its second sentence
            {"q": "la recette des crêpes", "keys": []},
        ],
    )
    assert report.overall.span == 1.0
    assert report.overall.span_first_sentence == 0.0  # neither key is in its answer's first sentence


SESSION = (
    "Pro Santé Connect est le fournisseur d'identité des professionnels. "
    "La session dure 4 heures, puis il faut se reconnecter. "
    "Il accepte la e-CPS et la carte CPS."
)
