"""Answer-quality metrics and cross-validation folds, on hand-built outcomes."""

from faqsante.search.evaluate import Metrics, _metrics, _Outcome, first_correct, fold_of, mean_of


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
