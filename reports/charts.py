"""Bar charts drawn as inline SVG: no chart library, no script, colours from CSS classes.

A page under a strict Content-Security-Policy may carry inline SVG markup; the bars take their
colours from `static/css/app.css` (`.chart .series-N`), never from style attributes.
"""

import math
from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 64  # margins: axis labels left, legend below


@dataclass
class Series:
    name: str
    values: list[int]


def _nice_ceiling(value: int) -> int:
    """1, 2 or 5 times a power of ten, at least `value` (the top of the axis)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _n(value: int) -> str:
    return escape(number_format(value, force_grouping=True))


def stacked_bars(title: str, categories: list[str], series: list[Series]) -> SafeString:
    """Stacked bars, one per category (a year), with a value axis, labels and a legend."""
    totals = [sum(s.values[index] for s in series) for index in range(len(categories))]
    top = _nice_ceiling(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    bar_w = min(slot * 0.6, 60)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(5):  # gridlines at 0, 1/4 ... top
        value = top * tick // 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_n(value)}</text>'
        )
    for index, category in enumerate(categories):
        x = LEFT + slot * index + (slot - bar_w) / 2
        base = TOP + plot_h
        for number, item in enumerate(series):
            value = item.values[index]
            if not value:
                continue
            height = plot_h * value / top
            base -= height
            parts.append(
                f'<rect class="series-{number + 1}" x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}"'
                f' height="{height:.1f}">'
                f"<title>{escape(item.name)} {escape(category)}: {_n(value)}</title></rect>"
            )
        parts.append(
            f'<text class="total" x="{x + bar_w / 2:.1f}" y="{base - 4:.1f}" text-anchor="middle">'
            f"{_n(totals[index])}</text>"
        )
        parts.append(
            f'<text class="axis" x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    legend_x = LEFT
    for number, item in enumerate(series):
        y = HEIGHT - 20
        parts.append(
            f'<rect class="series-{number + 1}" x="{legend_x}" y="{y - 10}" width="12" height="12"/>'
        )
        parts.append(f'<text class="legend" x="{legend_x + 18}" y="{y}">{escape(item.name)}</text>')
        legend_x += 30 + 8 * len(item.name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every value above is escaped or a number we formatted


def registrations_chart(totals) -> SafeString:
    years = list(totals.years)
    return stacked_bars(
        "Lượt đăng ký học tập và làm theo Bác theo năm",
        [str(year) for year in years],
        [
            Series("Đảng viên", [totals.by_year[year].party_registrations for year in years]),
            Series("Người lao động", [totals.by_year[year].employee_registrations for year in years]),
        ],
    )


def recognitions_chart(totals) -> SafeString:
    years = list(totals.years)
    return stacked_bars(
        "Khen thưởng và biểu dương theo năm",
        [str(year) for year in years],
        [
            Series(
                "Khen thưởng",
                [totals.by_year[y].awards_collective + totals.by_year[y].awards_individual for y in years],
            ),
            Series(
                "Biểu dương",
                [
                    totals.by_year[y].commendations_collective + totals.by_year[y].commendations_individual
                    for y in years
                ],
            ),
        ],
    )
