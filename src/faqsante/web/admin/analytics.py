"""Usage figures for editors: questions asked, helpfulness, abstentions, the least helpful answers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import Form, Query, Request
from starlette.responses import JSONResponse, Response

from faqsante.config import MAX_QUESTION_LENGTH
from faqsante.csv_cells import escape_formula
from faqsante.errors import InvalidInput
from faqsante.feedback import analytics
from faqsante.store import Database
from faqsante.web.admin.base import page, redirect, workspace_router
from faqsante.web.auth import EditorDep
from faqsante.web.charts import bar_chart, column_chart, line_chart, percent
from faqsante.web.deps import DbDep, ServiceDep
from faqsante.web.params import Day

PERIODS = (7, 30, 90, 365)

router = workspace_router()
OptionalDate = Annotated[Day | None, Query(description="AAAA-MM-JJ")]


MAX_DAYS = 366
Days = Annotated[int, Query(ge=1, le=max(PERIODS))]  # a period outside PERIODS shows the default one


def _period(jours: int) -> int:
    return jours if jours in PERIODS else 30


def _report(db: Database, jours: int, du: date | None, au: date | None) -> analytics.Report:
    """A fixed period (``jours``) ending today, or the days from ``du`` to ``au`` included.

    # ?du=2026-11-01&au=2026-11-15  ->  15 days ending 15/11;  ?du=2026-11-01  ->  from 01/11 to today
    """
    if du is None and au is None:
        return analytics.build_report(db, days=_period(jours))
    end = au or datetime.now(UTC).date()
    start = du or end - timedelta(days=_period(jours) - 1)
    if start > end:
        raise InvalidInput("La date de début (du) doit précéder la date de fin (au).", "du")
    return analytics.build_report(db, days=min((end - start).days + 1, MAX_DAYS), today=end)


@router.get("/analytics")
def analytics_page(
    request: Request, db: DbDep, jours: Days = 30, du: OptionalDate = None, au: OptionalDate = None
) -> Response:
    error = None
    try:
        report = _report(db, jours, du, au)
    except InvalidInput as refused:  # the default period is shown, with the reason beside the dates
        report, du, au, error = analytics.build_report(db, days=_period(jours)), None, None, str(refused)
    days = [(day.day, day) for day in report.days]
    charts = {
        "queries": column_chart([(d, day.queries) for d, day in days], title="Questions posées par jour"),
        "helpful": line_chart([(d, day.helpful_rate) for d, day in days], title="Part d'avis « utile » par jour"),
        "abstention": line_chart([(d, day.abstention_rate) for d, day in days], title="Taux d'abstention par jour"),
        "top_queries": bar_chart([(q.query, q.count) for q in report.top_queries], title="Questions les plus posées"),
        "worst": bar_chart(
            [(e.title, e.helpful_rate or 0.0) for e in report.worst_rated],
            title="Réponses les moins utiles",
            as_percent=True,
        ),
    }
    custom = du is not None or au is not None
    context = {"report": report, "charts": charts, "period": None if custom else _period(jours), "periods": PERIODS,
               "percent": percent, "du": report.start.isoformat(), "au": report.end.isoformat(),
               "error": error, "tables": analytics.TABLES}  # fmt: skip
    return page(request, "analytics.html", context)


@router.post("/analytics/hors-sujet")
def dismiss_gap(
    faq: ServiceDep, editor: EditorDep, question: Annotated[str, Form(max_length=MAX_QUESTION_LENGTH)], jours: Days = 30
) -> Response:
    """« Hors sujet » on a content gap: it leaves the list, and search learns to abstain on it."""
    faq.dismiss_off_topic(question, author=editor.username)
    return redirect("/admin/analytics", jours=str(_period(jours)), message="hors-sujet")


@router.get("/api/analytics")
def analytics_json(db: DbDep, jours: Days = 30, du: OptionalDate = None, au: OptionalDate = None) -> JSONResponse:
    return JSONResponse(_report(db, jours, du, au).to_dict())


@router.get("/analytics/export.csv")
def analytics_csv(
    db: DbDep,
    tableau: Annotated[str, Query(max_length=40)] = "jours",
    jours: Days = 30,
    du: OptionalDate = None,
    au: OptionalDate = None,
) -> Response:
    """One table of the report for a spreadsheet: semicolons, decimal commas and a byte-order mark, as French
    spreadsheets expect; every cell a spreadsheet would run as a formula is escaped (``ingest.csv_cells``)."""
    report = _report(db, jours, du, au)
    titles = {entry.entry_id: entry.title for entry in report.entries}
    header, rows = analytics.report_table(report, tableau, titles)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    name = f"faqsante-{tableau}-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _cell(value: object) -> str:
    """A value as a French spreadsheet reads it.

    # 0.25 -> "0,25";  None -> "";  date(2026, 11, 29) -> "2026-11-29";  "=1+1" -> "'=1+1"
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return escape_formula(str(value))
