"""Usage figures for editors: questions asked, helpfulness, abstentions, the least helpful answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from starlette.responses import JSONResponse, Response

from faqsante import analytics, editing
from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.charts import bar_chart, column_chart, line_chart, percent
from faqsante.web.deps import DbDep
from faqsante.web.presentation import entry_title

PERIODS = (7, 30, 90, 365)

router = workspace_router()


def _period(jours: int) -> int:
    return jours if jours in PERIODS else 30


@router.get("/analytics")
def analytics_page(request: Request, db: DbDep, jours: int = 30) -> Response:
    report = analytics.build_report(db, days=_period(jours))
    days = [(day.day, day) for day in report.days]
    charts = {
        "queries": column_chart([(d, day.queries) for d, day in days], title="Questions posées par jour"),
        "helpful": line_chart([(d, day.helpful_rate) for d, day in days], title="Part d'avis « utile » par jour"),
        "abstention": line_chart([(d, day.abstention_rate) for d, day in days], title="Taux d'abstention par jour"),
        "top_queries": bar_chart([(q.query, q.count) for q in report.top_queries], title="Questions les plus posées"),
        "worst": bar_chart(
            [(_label(e), e.helpful_rate or 0.0) for e in report.worst_rated],
            title="Réponses les moins utiles",
            as_percent=True,
        ),
    }
    context = {"report": report, "charts": charts, "period": _period(jours), "periods": PERIODS, "percent": percent}
    return page(request, "analytics.html", context)


@router.post("/analytics/hors-sujet")
def dismiss_gap(
    db: DbDep, editor: EditorDep, question: Annotated[str, Form(max_length=MAX_QUESTION_LENGTH)], jours: int = 30
) -> Response:
    """« Hors sujet » on a content gap: it leaves the list, and search learns to abstain on it."""
    editing.dismiss_off_topic(db, question, author=editor.username)
    return redirect("/admin/analytics", jours=str(_period(jours)), message="hors-sujet")


@router.get("/api/analytics")
def analytics_json(db: DbDep, jours: int = 30) -> JSONResponse:
    return JSONResponse(analytics.build_report(db, days=_period(jours)).to_dict())


def _label(figures: analytics.EntryFigures) -> str:
    return entry_title({"question": figures.question, "answer": figures.answer})
