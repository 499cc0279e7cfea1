"""Server-drawn SVG charts: escaped labels, gaps for days without data, nothing the CSP would block."""

from __future__ import annotations

from datetime import date, timedelta

from faqsante.web.charts import bar_chart, column_chart, line_chart, percent

DAYS = [date(2026, 11, 1) + timedelta(days=n) for n in range(4)]


def test_bar_labels_are_escaped_and_values_shown() -> None:
    svg = str(bar_chart([("<script>alert(1)</script>", 3), ("carte vitale", 1)], title="Questions"))
    assert svg.startswith('<svg class="graphe" role="img"') and "<title>Questions</title>" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('class="graphe-barre"') == 2 and ">3</text>" in svg
    assert "style=" not in svg


def test_a_day_without_data_breaks_the_line() -> None:
    svg = str(line_chart(list(zip(DAYS, [0.5, 0.75, None, 1.0], strict=True)), title="Utile"))
    assert svg.count("<circle") == 3
    assert svg.count("<polyline") == 1  # the lone point after the gap draws no segment
    assert "01/11" in svg and "04/11" in svg


def test_columns_and_empty_series() -> None:
    assert str(column_chart(list(zip(DAYS, [0, 2, 4, 1], strict=True)), title="Questions")).count("<rect") == 4
    assert bar_chart([], title="vide") == "" and line_chart([], title="vide") == ""
    assert percent(0.456) == "46\u00a0%" and percent(None) == "—"
