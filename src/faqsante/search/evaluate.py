"""Measure answer quality on a question set: ``[{"q": "...", "keys": ["answer snippet", ...]}, ...]``.

A returned entry is correct when its answer contains one of the keys after folding (NFKC, straight
apostrophes, collapsed whitespace, lower case). Questions with no keys should be abstained on.

Spans: for each answerable question whose right entry is among the first five, its first span counts as found
when it holds at least ``SPAN_COVERAGE`` of the words of the key it contains (the answering passage) and is a
passage (``search.sentences.passage_limit``); the answer's first sentence is the baseline.

k-fold cross-validation splits the set by a hash of each question. Cold, nothing is learnt from the set:
each fold is only scored. Warm, the other folds' questions are given to search as accepted alternate
questions of the entries their keys match (and as unanswerable questions when they have no key) before
the fold is scored, as ``faqsante questions import`` would, without writing to the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from faqsante.ingest.question_history import AnswerMatcher
from faqsante.search.corpus import load_documents
from faqsante.search.engine import QuestionSet, QuestionSource, SearchEngine, fixed_questions
from faqsante.search.results import Hit, Span
from faqsante.search.sentences import passage_limit, split_sentences
from faqsante.store import Database
from faqsante.text import fold_for_comparison, normalize

LENGTH_BUCKETS = (("≤ 3 mots", 0, 3), ("4 à 8 mots", 4, 8), ("> 8 mots", 9, 10**9))
SPAN_COVERAGE = 0.6  # share of the answering passage's words a first span must hold
_WORD = re.compile(r"\w+")


@dataclass
class Metrics:
    """Figures over one group of questions; rates are None when the group has no such question."""

    answerable: int = 0
    unanswerable: int = 0
    hit_at_1: float | None = None
    hit_at_5: float | None = None
    mrr_at_10: float | None = None
    abstention_rate: float | None = None  # on unanswerable questions: higher is better
    false_abstention_rate: float | None = None  # on answerable questions: lower is better
    span: float | None = None  # right entry in the first five: its first span holds the answering passage
    span_first_sentence: float | None = None  # the same for the answer's first sentence (baseline)


@dataclass
class EvalReport:
    overall: Metrics
    by_length: dict[str, Metrics]
    misses: list[dict[str, Any]] = field(default_factory=list)  # answerable questions not answered first

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Outcome:
    words: int
    answerable: bool
    rank: int | None  # 1-based rank of the first correct entry within the top 10
    abstained: bool
    span: bool | None = None  # None: not measured (right entry not in the first five)
    first_sentence: bool | None = None


def load_questions(path: Path) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return questions


def fold_of(question: str, folds: int) -> int:
    """The fold of a question, stable across runs and machines."""
    return int.from_bytes(hashlib.sha256(question.encode("utf-8")).digest()[:8], "little") % folds


def answers(answer: str, keys: Iterable[str]) -> bool:
    """Does this answer contain one of the (already folded) keys?"""
    folded = fold_for_comparison(answer)
    return any(key in folded for key in keys)


def first_correct(answers_in_order: list[str], keys: list[str]) -> int | None:
    """1-based rank of the first answer containing a key, None when none does.

    # first_correct(["Non.", "La session dure 4 h."], ["4 h"])  ->  2
    """
    folded = [fold_for_comparison(key) for key in keys]
    return next((rank for rank, answer in enumerate(answers_in_order, start=1) if answers(answer, folded)), None)


def key_coverage(answer: str, keys: list[str], span: Span) -> float:
    """The largest share of a key's words that lie inside ``answer[span.start:span.end]`` (0 when no key is found).

    # ("Oui. La session dure 4 h.", ["session dure 4 h"], Span(5, 25))  ->  1.0 ; Span(0, 4) -> 0.0
    """
    best = 0.0
    for key in keys:
        words = _WORD.findall(normalize(key))
        if not words:
            continue
        found = re.search(r"\W+".join(map(re.escape, words)), answer, re.IGNORECASE)
        if found is None:
            continue
        positions = [(found.start() + w.start(), found.start() + w.end()) for w in _WORD.finditer(found.group())]
        inside = sum(span.start <= start and end <= span.end for start, end in positions)
        best = max(best, inside / len(positions))
    return best


def span_found(answer: str, keys: list[str], span: Span | None) -> bool:
    """Does this span hold the answering passage, and is it a passage rather than the whole answer?"""
    if span is None or span.end - span.start > passage_limit(len(answer)):
        return False
    return key_coverage(answer, keys, span) >= SPAN_COVERAGE


def _span_outcomes(hit: Hit, keys: list[str]) -> tuple[bool, bool]:
    """(first span found, first sentence found) for the right entry."""
    first = next(iter(split_sentences(hit.answer)), None)
    return (
        span_found(hit.answer, keys, hit.spans[0] if hit.spans else None),
        span_found(hit.answer, keys, Span(*first) if first else None),
    )


def evaluate(engine: SearchEngine, questions: Iterable[dict[str, Any]]) -> EvalReport:
    outcomes: list[_Outcome] = []
    misses: list[dict[str, Any]] = []
    for item in questions:
        keys = item.get("keys", [])
        result = engine.ask(item["q"], top_k=10)
        rank = first_correct([hit.answer for hit in result.results], keys)
        spans = _span_outcomes(result.results[rank - 1], keys) if rank is not None and rank <= 5 else (None, None)
        outcomes.append(_Outcome(len(item["q"].split()), bool(keys), rank, result.abstained, *spans))
        if keys and rank != 1:
            top = result.results[0] if result.results else None
            misses.append(
                {
                    "q": item["q"],
                    "rank": rank,
                    "abstained": result.abstained,
                    "top_id": top.id if top else None,
                    "top_confidence": top.confidence if top else None,
                }
            )
    by_length = {
        label: _metrics([o for o in outcomes if low <= o.words <= high]) for label, low, high in LENGTH_BUCKETS
    }
    return EvalReport(overall=_metrics(outcomes), by_length=by_length, misses=misses)


@dataclass
class CrossValidation:
    """Figures of each held-out fold, and their mean."""

    folds: list[Metrics]
    mean: Metrics
    warm: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cross_validate(
    db: Database,
    engine_for: Callable[[QuestionSource | None], SearchEngine],
    questions: list[dict[str, Any]],
    *,
    folds: int,
    warm: bool,
) -> CrossValidation:
    """Score each fold; warm, with the other folds' questions known to search (see the module docstring).

    ``engine_for(None)`` is an engine on the database's own questions, ``engine_for(source)`` one whose
    questions come from ``source`` instead.
    """
    assignment = [fold_of(item["q"], folds) for item in questions]
    cold = None if warm else engine_for(None)
    reports = []
    for fold in range(folds):
        held_out = [item for item, f in zip(questions, assignment, strict=True) if f == fold]
        training = [item for item, f in zip(questions, assignment, strict=True) if f != fold]
        engine = cold or engine_for(warm_questions(db, training))
        reports.append(evaluate(engine, held_out).overall)
    return CrossValidation(reports, mean_of(reports), warm)


def warm_questions(db: Database, training: list[dict[str, Any]]) -> QuestionSource:
    """The database's questions plus the training items: answerable ones on the published entries their keys
    match (the matcher ``faqsante questions import`` uses), the others as unanswerable."""
    matcher = AnswerMatcher((doc.id, doc.answer) for doc in load_documents(db))
    own = QuestionSet.load(db)
    accepted, unanswerable = list(own.accepted), list(own.unanswerable)
    for item in training:
        if not item.get("keys"):
            unanswerable.append(item["q"])
            continue
        accepted += [(entry_id, item["q"]) for entry_id in matcher.match(item["keys"])]
    return fixed_questions(accepted, unanswerable)


def mean_of(reports: list[Metrics]) -> Metrics:
    """Unweighted mean of each figure over the folds that have it."""

    def mean(values: list[float | None]) -> float | None:
        present = [value for value in values if value is not None]
        return sum(present) / len(present) if present else None

    return Metrics(
        answerable=sum(m.answerable for m in reports),
        unanswerable=sum(m.unanswerable for m in reports),
        hit_at_1=mean([m.hit_at_1 for m in reports]),
        hit_at_5=mean([m.hit_at_5 for m in reports]),
        mrr_at_10=mean([m.mrr_at_10 for m in reports]),
        abstention_rate=mean([m.abstention_rate for m in reports]),
        false_abstention_rate=mean([m.false_abstention_rate for m in reports]),
        span=mean([m.span for m in reports]),
        span_first_sentence=mean([m.span_first_sentence for m in reports]),
    )


def _metrics(outcomes: list[_Outcome]) -> Metrics:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    metrics = Metrics(answerable=len(answerable), unanswerable=len(unanswerable))
    if answerable:
        n = len(answerable)
        metrics.hit_at_1 = sum(o.rank == 1 for o in answerable) / n
        metrics.hit_at_5 = sum(o.rank is not None and o.rank <= 5 for o in answerable) / n
        metrics.mrr_at_10 = sum(1.0 / o.rank for o in answerable if o.rank is not None) / n
        metrics.false_abstention_rate = sum(o.abstained for o in answerable) / n
    measured = [o for o in answerable if o.span is not None]
    if measured:
        metrics.span = sum(bool(o.span) for o in measured) / len(measured)
        metrics.span_first_sentence = sum(bool(o.first_sentence) for o in measured) / len(measured)
    if unanswerable:
        metrics.abstention_rate = sum(o.abstained for o in unanswerable) / len(unanswerable)
    return metrics


def report_table(report: EvalReport, title: str = "Qualité des réponses") -> Table:
    """The report as a Rich table: one row per question group."""
    return _table([("toutes", report.overall), *report.by_length.items()], "questions", title)


def folds_table(validation: CrossValidation, title: str) -> Table:
    """Cross-validation as a Rich table: one row per held-out fold, then the mean."""
    rows = [(f"pli {number}", m) for number, m in enumerate(validation.folds, start=1)]
    return _table([*rows, ("moyenne", validation.mean)], "pli", title)


def _table(rows: list[tuple[str, Metrics]], first: str, title: str) -> Table:
    table = Table(title=title)
    columns = ("avec réponse", "sans réponse", "hit@1", "hit@5", "MRR@10", "abstention", "fausse abst.", "passage")
    for column in (first, *columns):
        table.add_column(column, justify="right" if column != first else "left")
    for label, m in rows:
        table.add_row(
            label,
            str(m.answerable),
            str(m.unanswerable),
            *(
                _percent(v)
                for v in (m.hit_at_1, m.hit_at_5, m.mrr_at_10, m.abstention_rate, m.false_abstention_rate, m.span)
            ),
        )
    return table


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
