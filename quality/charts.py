"""Bar charts as server-drawn SVG: no script and no library, so they work under the site's CSP.

A chart is decoration for sighted readers; the page shows the same figures in a table beside it,
and the SVG carries a title and description for assistive technology. The markup is written here
(`svg`, `table_rows`) rather than by a template loop: a five-year page draws 240 bars, and a
template renders each of their dozen values one at a time.
"""

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 240
LEFT = 40  # room for the axis labels
BOTTOM = 60  # room for the month labels, slanted
TOP = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float
    value_label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    tick_x: int = LEFT - 4


def _scale_top(highest: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten at or above the highest value, so the axis reads plainly."""
    if highest <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(highest))
    return next(m * magnitude for m in (1, 2, 5, 10) if highest <= m * magnitude)


def bar_chart(title: str, points: list[tuple[str, float | None]], unit: str = "") -> Chart:
    """Bars for (label, value) pairs; a missing value (no data) draws no bar."""
    values = [value or 0 for _, value in points]
    top = _scale_top(max(values, default=0))
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bar_width = slot * 0.7
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * (value or 0) / top
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label=label,
                value=value or 0,
                value_label="no data" if value is None else f"{value:g}{unit}",
                label_x=round(x + bar_width / 2, 1),
                label_y=TOP + plot_height + 14,
            )
        )
    ticks = [(round(TOP + plot_height * (1 - fraction), 1), f"{top * fraction:g}{unit}") for fraction in (0, 0.5, 1)]
    summary = ", ".join(f"{bar.label}: {bar.value_label}" for bar in bars)
    return Chart(title=title, description=summary, bars=bars, ticks=ticks)


FONT = 'font-family="arial, sans-serif"'


def svg(chart: Chart, id: str) -> SafeString:
    """The chart as an SVG element; `id` is unique on the page (its title and description hang on it)."""
    id = escape(id)
    parts = [
        f'<svg class="app-chart" role="img" aria-labelledby="{id}-title {id}-desc" '
        f'viewBox="0 0 {chart.width} {chart.height}" xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{id}-title">{escape(chart.title)}</title>',
        f'<desc id="{id}-desc">{escape(chart.description)}</desc>',
    ]
    for y, label in chart.ticks:
        parts.append(
            f'<line x1="{chart.left}" x2="{chart.width}" y1="{y}" y2="{y}" stroke="#b1b4b6" stroke-width="1"></line>'
            f'<text x="{chart.tick_x}" y="{y}" text-anchor="end" dominant-baseline="middle" {FONT} font-size="12" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
    for bar in chart.bars:
        label = escape(bar.label)
        parts.append(
            f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}" fill="#1d70b8">'
            f"<title>{label}: {escape(bar.value_label)}</title></rect>"
            f'<text x="{bar.label_x}" y="{bar.label_y}" text-anchor="end" '
            f'transform="rotate(-40 {bar.label_x} {bar.label_y})" {FONT} font-size="11" fill="#0b0c0c">{label}</text>'
        )
    parts.append("</svg>")
    return mark_safe("\n".join(parts))  # noqa: S308  every value above is a number or escaped


def table_rows(chart: Chart) -> SafeString:
    """The rows of the table beside the chart: each bar's label and value, the same figures in words."""
    return mark_safe(  # noqa: S308  every value is escaped
        "\n".join(
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{escape(bar.label)}</th>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{escape(bar.value_label)}</td></tr>'
            for bar in chart.bars
        )
    )
