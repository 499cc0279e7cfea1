"""Calibration: hit confidence and abstention are two models; abstention keeps false abstentions ≤ 5 %."""

import numpy as np

from faqsante.search.calibration import MAX_FALSE_ABSTENTION, fit
from faqsante.search.fusion import FEATURES


def test_abstention_is_fitted_on_questions_not_on_hits():
    rng = np.random.default_rng(0)
    rows, labels, first, answerable = [], [], [], []
    for question in range(200):
        has_answer = question % 5 != 0
        for position in range(3):
            # answerable questions: strong first-hit evidence, even when the right entry is ranked second
            strength = (2.0 if has_answer else 0.0) + rng.normal(0, 0.5) - position
            rows.append([strength] * len(FEATURES))
            labels.append(has_answer and position == question % 2)
            first.append(position == 0)
            answerable.append(has_answer)
    x, first_rows, answerable_rows = np.array(rows), np.array(first), np.array(answerable)
    calibrator = fit(x, np.array(labels, float), first_rows, answerable_rows)
    abstained = np.array([calibrator.abstains(row) for row in x[first_rows]])
    has_answer = answerable_rows[first_rows]
    assert abstained[has_answer].mean() <= MAX_FALSE_ABSTENTION
    assert abstained[~has_answer].mean() > 0.9
    assert 0.0 <= calibrator.confidence(x).min() and calibrator.confidence(x).max() <= 1.0
