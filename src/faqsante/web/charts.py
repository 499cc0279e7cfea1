"""Charts as inline SVG drawn on the server: no JavaScript, no styles in the markup (the CSP forbids both).

Colours come from classes styled in ``static/admin.css``; every chart has a text title for screen readers,
and the pages show the same figures in a table.
# bar_chart([("carte vitale", 12), ("mot de passe e-cps", 7)])  ->  <svg role="img" …><title>…</title>…</svg>
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 260
LINE_HEIGHT = 200
MARGIN = 32
AXIS = 52  # room on the left for "100 %"


def percent(value: float | None) -> str:
    """# 0.4567 -> "46 %" (French typography: a non-breaking space before %); None -> "—" """
    return "—" if value is None else f"{round(value * 100)}\u00a0%"


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, as_percent: bool = False) -> Markup:
    """Horizontal bars, one per labelled value, longest first as given."""
    if not rows:
        return Markup("")
    top = 1.0 if as_percent else max(value for _, value in rows) or 1.0
    span = WIDTH - LABEL_WIDTH - 60
    height = BAR_HEIGHT * len(rows) + 8
    parts = [_open(WIDTH, height, title)]
    for index, (label, value) in enumerate(rows):
        y = 4 + index * BAR_HEIGHT
        length = max(1.0, span * value / top)
        shown = percent(value) if as_percent else f"{value:g}"
        parts.append(
            Markup(
                '<text class="graphe-etiquette" x="{x}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="graphe-barre" x="{bx}" y="{y}" width="{w:.1f}" height="{h}"/>'
                '<text class="graphe-valeur" x="{vx:.1f}" y="{ty}">{value}</text>'
            ).format(
                x=LABEL_WIDTH - 8,
                ty=y + BAR_HEIGHT * 0.65,
                label=_short(label, 38),
                bx=LABEL_WIDTH,
                y=y + 2,
                w=length,
                h=BAR_HEIGHT - 6,
                vx=LABEL_WIDTH + length + 6,
                value=shown,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def line_chart(points: Sequence[tuple[date, float | None]], *, title: str) -> Markup:
    """A rate (0 to 1) per day; days without data leave a gap in the line."""
    if not points:
        return Markup("")
    height = LINE_HEIGHT + 2 * MARGIN
    step = (WIDTH - AXIS - MARGIN) / max(1, len(points) - 1)
    parts = [_open(WIDTH, height, title)]
    for level in (0.0, 0.5, 1.0):
        y = MARGIN + LINE_HEIGHT * (1 - level)
        parts.append(
            Markup(
                '<line class="graphe-grille" x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}"/>'
                '<text class="graphe-axe" x="{tx}" y="{ty:.1f}" text-anchor="end">{label}</text>'
            ).format(x1=AXIS, x2=WIDTH - MARGIN, y=y, tx=AXIS - 6, ty=y + 4, label=percent(level))
        )
    segment: list[str] = []
    for index, (_day, value) in enumerate(points):
        if value is None:
            parts.append(_polyline(segment))
            segment = []
            continue
        x, y = AXIS + index * step, MARGIN + LINE_HEIGHT * (1 - value)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(Markup('<circle class="graphe-point" cx="{:.1f}" cy="{:.1f}" r="3"/>').format(x, y))
    parts.append(_polyline(segment))
    for index in sorted({0, len(points) - 1}):
        parts.append(
            Markup('<text class="graphe-axe" x="{:.1f}" y="{}" text-anchor="{}">{}</text>').format(
                AXIS + index * step, height - 8, "start" if index == 0 else "end", f"{points[index][0]:%d/%m}"
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def column_chart(points: Sequence[tuple[date, int]], *, title: str) -> Markup:
    """A count per day, as columns."""
    if not points:
        return Markup("")
    top = max(value for _, value in points) or 1
    height = LINE_HEIGHT + 2 * MARGIN
    width = (WIDTH - 2 * MARGIN) / len(points)
    parts = [_open(WIDTH, height, title)]
    for index, (_day, value) in enumerate(points):
        column = LINE_HEIGHT * value / top
        parts.append(
            Markup('<rect class="graphe-barre" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"/>').format(
                MARGIN + index * width + 1, MARGIN + LINE_HEIGHT - column, max(1.0, width - 2), column
            )
        )
    parts.append(Markup('<text class="graphe-axe" x="{}" y="{}">{}</text>').format(MARGIN, MARGIN - 8, f"max. {top}"))
    for index in sorted({0, len(points) - 1}):
        parts.append(
            Markup('<text class="graphe-axe" x="{:.1f}" y="{}" text-anchor="{}">{}</text>').format(
                MARGIN + (index + (0 if index == 0 else 1)) * width,
                height - 8,
                "start" if index == 0 else "end",
                f"{points[index][0]:%d/%m}",
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _open(width: int, height: int, title: str) -> Markup:
    return Markup(
        '<svg class="graphe" role="img" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
    ).format(w=width, h=height, title=title)


def _polyline(points: list[str]) -> Markup:
    if len(points) < 2:
        return Markup("")
    return Markup('<polyline class="graphe-ligne" points="{}"/>').format(" ".join(points))


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
