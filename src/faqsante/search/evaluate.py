"""Measure answer quality on a question set: ``[{"q": "...", "keys": ["answer snippet", ...]}, ...]``.

A returned entry is correct when its answer contains one of the keys after folding (NFKC, straight
apostrophes, collapsed whitespace, lower case). Questions with no keys should be abstained on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from faqsante.search.engine import SearchEngine
from faqsante.text import fold_for_comparison

LENGTH_BUCKETS = (("≤ 3 mots", 0, 3), ("4 à 8 mots", 4, 8), ("> 8 mots", 9, 10**9))


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


def load_questions(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def half_of(question: str) -> str:
    """"a" or "b", stable across runs: tune on one half of a question set, confirm on the other."""
    return "a" if hashlib.sha256(question.encode("utf-8")).digest()[0] % 2 == 0 else "b"


def evaluate(engine: SearchEngine, questions: Iterable[dict[str, Any]]) -> EvalReport:
    outcomes: list[_Outcome] = []
    misses: list[dict[str, Any]] = []
    for item in questions:
        keys = [fold_for_comparison(key) for key in item.get("keys", [])]
        result = engine.ask(item["q"], top_k=10)
        rank = next(
            (
                position
                for position, hit in enumerate(result.results, start=1)
                if any(key in fold_for_comparison(hit.answer) for key in keys)
            ),
            None,
        )
        outcomes.append(_Outcome(len(item["q"].split()), bool(keys), rank, result.abstained))
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
    if unanswerable:
        metrics.abstention_rate = sum(o.abstained for o in unanswerable) / len(unanswerable)
    return metrics


def report_table(report: EvalReport, title: str = "Qualité des réponses") -> Table:
    """The report as a Rich table: one row per question group."""
    table = Table(title=title)
    for column in ("questions", "avec réponse", "sans réponse", "hit@1", "hit@5", "MRR@10", "abstention", "fausse abst."):
        table.add_column(column, justify="right" if column != "questions" else "left")
    rows = [("toutes", report.overall), *report.by_length.items()]
    for label, m in rows:
        table.add_row(
            label,
            str(m.answerable),
            str(m.unanswerable),
            *(_percent(v) for v in (m.hit_at_1, m.hit_at_5, m.mrr_at_10, m.abstention_rate, m.false_abstention_rate)),
        )
    return table


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
