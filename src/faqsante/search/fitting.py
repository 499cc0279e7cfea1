"""Fitting the calibration of one corpus and one embedder, without labelled questions.

Positives are pseudo-questions drawn from the corpus's own entries (a few content words of one sentence
of an answer, shuffled: how people type in a search box, some framed as a question). Negatives are a bank
of off-topic French questions the package ships (``offtopic_fr.txt``: taxes, family benefits, driving
licences, weather…) and a few questions on the FAQ's own topics that it does not answer: pseudo-questions
of other entries, scored with their entry left out (``uncovered_questions``). Questions an
import labelled refine both: accepted alternate questions are positives (scored with themselves left out
of the question index, and once more asked again word for word), questions imported as unanswerable are
negatives.

Runs when the corpus, its questions or the embedder change; the questions' vectors are cached by text,
so after an edit only the edited entry's pseudo-question is encoded again.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from faqsante.search.calibration import Calibration, Logistic
from faqsante.search.dense import question_vectors
from faqsante.search.features import Scores
from faqsante.search.fusion import FusionWeights, question_evidence
from faqsante.search.index_files import IndexFiles
from faqsante.search.pipeline import Pipeline

OFF_TOPIC_FILE = Path(__file__).with_name("offtopic_fr.txt")
# Visitors type keywords or ask a question: a pseudo-question's words go bare or into one of these frames,
# made only of stop words (BM25 reads the same terms), so calibration sees both forms as the encoder reads them.
QUESTION_FRAMES = ["{}"] * 4 + ["Comment {} ?", "Qu'est-ce que {} ?", "Est-ce que {} ?", "Pourquoi {} ?", "Quand {} ?"]
QUESTION_FRAMES += ["Comment faire pour {} ?", "Peut-on {} ?", "Faut-il {} ?"]
SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")


@dataclass(frozen=True)
class Example:
    """One calibration question: its text, the document row that answers it (None: unanswerable), and
    whether it is a labelled question (left out of the question index while scored, should it be in it)."""

    text: str
    row: int | None
    leave_out: bool = False
    removed: int | None = None  # a document scored as if it were not in the corpus


def off_topic_questions(path: Path = OFF_TOPIC_FILE) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def pseudo_questions(pipeline: Pipeline, count: int, salt: str = "") -> list[Example]:
    """One keyword question per sampled entry, reproducible from the entry's text alone (``salt``: another sample).

    # "La e-CPS fonctionne immédiatement après son activation."  ->  "Comment activation e-CPS fonctionne ?"
    """
    rows = sorted(range(len(pipeline.documents)), key=lambda row: _stable(salt + pipeline.documents[row].text))
    rows = rows[:count]
    examples = []
    for row in rows:
        doc = pipeline.documents[row]
        rng = random.Random(_stable(salt + doc.text))
        sentences = [s for s in SENTENCE.split(doc.answer) if len(s.split()) >= 5] or [doc.answer]
        words = pipeline.analyzer.content_words(rng.choice(sentences)).split()
        if len(words) < 2:
            continue
        chosen = " ".join(rng.sample(words, k=min(len(words), rng.randint(2, 6))))
        examples.append(Example(rng.choice(QUESTION_FRAMES).format(chosen), row))
    return examples


def uncovered_questions(pipeline: Pipeline, count: int) -> list[Example]:
    """Questions on the FAQ's own topics that it does not answer: pseudo-questions of other sampled entries,
    each to be scored with its entry left out (what visitors ask about a topic nobody wrote up yet)."""
    return [
        Example(example.text, None, removed=example.row)
        for example in pseudo_questions(pipeline, count, salt="uncovered\0")
    ]


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


def fit_calibration(
    pipeline: Pipeline,
    files: IndexFiles,
    *,
    labelled: Sequence[tuple[str, str]] = (),
    unanswerable: Sequence[str] = (),
) -> Calibration:
    """Fusion weights, the answerability model and its threshold, and the rank model, for this pipeline."""
    settings = pipeline.settings
    rows = {doc.id: row for row, doc in enumerate(pipeline.documents)}
    positives = pseudo_questions(pipeline, settings.pseudo_questions)
    usable = sorted((pair for pair in labelled if pair[0] in rows), key=lambda pair: _stable("\0".join(pair)))
    sample = usable[: settings.labelled_questions]
    # each accepted question twice: in other words (left out of the index) and asked again word for word,
    # which visitors do, so that a question matching an accepted one is known to be answerable
    labelled_positives = [Example(text, rows[entry_id], True) for entry_id, text in sample]
    labelled_positives += [Example(text, rows[entry_id]) for entry_id, text in sample]
    negatives = [Example(text, None) for text in off_topic_questions()]
    negatives += uncovered_questions(pipeline, settings.uncovered_questions)
    refused = sorted(unanswerable, key=_stable)[: settings.labelled_questions]
    negatives += [Example(text, None, True) for text in refused]
    examples = [*positives, *labelled_positives, *negatives]
    scored = score_examples(pipeline, files, examples)
    weights = FusionWeights(
        lexical=settings.lexical_weight if pipeline.embedder else 1.0, question=settings.question_weight
    )
    fused = [pipeline.fuse(scores, weights) for scores in scored]
    evidence_rows = [question_evidence(scores, values) for scores, values in zip(scored, fused, strict=True)]
    names = sorted(evidence_rows[0]) if evidence_rows else []
    x = np.array([[row[name] for name in names] for row in evidence_rows])
    y = np.array([example.row is not None for example in examples], dtype=float)
    answerable = fit_logistic(x, y, balanced=True, l2=settings.l2)
    probability = answerable.probability(x)
    threshold = choose_threshold(probability, examples, len(positives), settings.max_false_abstention)
    bias, slope = _fit_rank(examples, fused, settings.feature_depth, settings.l2)
    return Calibration(names, answerable, threshold, bias, slope, weights)


def score_examples(pipeline: Pipeline, files: IndexFiles, examples: list[Example]) -> list[Scores]:
    texts = [example.text for example in examples]
    vectors = question_vectors(texts, pipeline.embedder, files.directory) if pipeline.embedder is not None else None
    scored = []
    for number, example in enumerate(examples):
        query = pipeline.query(example.text).with_vector(vectors[number] if vectors is not None else None)
        scores = pipeline.scores(query, frozenset({example.text}) if example.leave_out else frozenset())
        if example.removed is not None:
            scores = {name: _without(values, example.removed) for name, values in scores.items()}
        scored.append(scores)
    return scored


def _without(values: np.ndarray, row: int) -> np.ndarray:
    """Scores with one document made absent (NaN: no evidence), as if its entry had never been written."""
    values = values.astype(np.float64)
    values[row] = np.nan
    return values


def choose_threshold(
    probability: np.ndarray, examples: list[Example], pseudo: int, max_false_abstention: float
) -> float:
    """Where the answerability chance says "abstain".

    Without labelled questions: 0.5 of the class-balanced model. With labelled ones (real questions, harder
    than pseudo-questions), the highest threshold that refuses at most ``max_false_abstention`` of them,
    never above 0.5.
    """
    labelled = np.array([example.leave_out and example.row is not None for example in examples])
    if not labelled.any():
        return 0.5
    answered = np.sort(probability[labelled])
    allowed = int(np.floor(max_false_abstention * len(answered)))
    return float(min(0.5, answered[allowed]))


def _fit_rank(examples: list[Example], fused: list[np.ndarray], depth: int, l2: float) -> tuple[float, float]:
    """P(this entry answers | the question is answerable, its gap to the best fused score), on the ``depth``
    best documents of each answerable example: a fixed depth, not the list a caller cut to ``top_k``."""
    gaps, labels = [], []
    for example, values in zip(examples, fused, strict=True):
        if example.row is None or values.size == 0:
            continue
        top = np.argsort(-values, kind="stable")[:depth]
        gaps.extend(values[top] - values[top[0]])
        labels.extend(top == example.row)
    if not gaps or not any(labels):
        return 0.0, 0.0
    model = fit_logistic(np.array(gaps)[:, None], np.array(labels, dtype=float), l2=l2)
    slope = max(0.0, model.weights[0] / model.scale[0])
    return model.bias - slope * model.mean[0], slope


def fit_logistic(features: np.ndarray, labels: np.ndarray, *, balanced: bool = False, l2: float = 0.01) -> Logistic:
    """L2-penalised logistic regression on standardised features; ``balanced`` weighs both classes equally."""
    mean = features.mean(axis=0)
    spread = features.std(axis=0)
    scale = np.where(spread > 1e-9, spread, 1.0)
    z = np.column_stack([(features - mean) / scale, np.ones(len(features))])
    sample = np.ones(len(labels))
    if balanced and 0 < labels.sum() < len(labels):
        sample = np.where(labels > 0, 0.5 / labels.mean(), 0.5 / (1 - labels.mean()))

    def loss(w: np.ndarray) -> float:
        logits = z @ w
        return float(np.mean(sample * (np.logaddexp(0.0, logits) - labels * logits)) + l2 * (w[:-1] @ w[:-1]))

    w = minimize(loss, np.zeros(z.shape[1]), method="L-BFGS-B").x
    return Logistic(mean.tolist(), scale.tolist(), w[:-1].tolist(), float(w[-1]))
