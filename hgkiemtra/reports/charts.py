"""Server-side SVG bar charts: no JavaScript, nothing inline for the CSP to refuse.

Each chart draws one column of a section, this period beside the previous
one, as horizontal bars; colours come from classes in static/css/reports.css.
The page puts the same figures in a table next to it; the chart itself is
labelled (``role="img"`` with a title and a description).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from hgkiemtra.reports.figures import Figure, Number, Section

WIDTH = 640
LABEL_HEIGHT = 18
BAR_HEIGHT = 12
GAP = 14
BAR_LEFT = 8
VALUE_ROOM = 110  # right margin for the value text


def _figure(section: Section, row_index: int) -> Figure | None:
    row = section.rows[row_index]
    keys = [c.key for c in section.columns]
    if section.chart_column not in keys:
        return None
    return row.figures[keys.index(section.chart_column)]


def _show(value: Number | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ")
    return f"{int(value):,}".replace(",", " ")


def bar_chart(section: Section, *, title: str, now_label: str, before_label: str,
              table_id: str) -> Markup:
    """The section's chart column as grouped bars, or an empty Markup when there is
    nothing to draw (no chart column, every value empty or zero)."""
    rows = [(r.label, _figure(section, i)) for i, r in enumerate(section.rows) if not r.is_total]
    drawn = [(label, fig) for label, fig in rows if fig is not None]
    peak = max((v for _, fig in drawn for v in (fig.value, fig.previous) if v), default=0)
    if not drawn or not peak:
        return Markup("")
    scale = (WIDTH - BAR_LEFT - VALUE_ROOM) / peak
    step = LABEL_HEIGHT + 2 * BAR_HEIGHT + GAP
    height = step * len(drawn) + 30
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{table_id}-t {table_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{table_id}-t">{escape(title)}</title>',
        f'<desc id="{table_id}-d">{escape(now_label)} / {escape(before_label)}</desc>',
    ]
    for index, (label, fig) in enumerate(drawn):
        top = index * step
        parts.append(f'<text class="chart__label" x="{BAR_LEFT}" y="{top + 13}">'
                     f'{escape(label)}</text>')
        for offset, value, css in ((0, fig.value, "now"), (1, fig.previous, "before")):
            y = top + LABEL_HEIGHT + offset * BAR_HEIGHT
            width = max(0.0, (value or 0) * scale)
            parts.append(f'<rect class="chart__bar chart__bar--{css}" x="{BAR_LEFT}" y="{y}" '
                         f'width="{width:.1f}" height="{BAR_HEIGHT - 2}"/>')
            parts.append(f'<text class="chart__value" x="{BAR_LEFT + width + 4:.1f}" '
                         f'y="{y + BAR_HEIGHT - 3}">{escape(_show(value))}</text>')
    legend_y = height - 10
    parts += [
        f'<rect class="chart__bar chart__bar--now" x="{BAR_LEFT}" y="{legend_y - 9}" '
        f'width="12" height="10"/>',
        f'<text class="chart__legend" x="{BAR_LEFT + 16}" y="{legend_y}">'
        f'{escape(now_label)}</text>',
        f'<rect class="chart__bar chart__bar--before" x="{BAR_LEFT + 220}" y="{legend_y - 9}" '
        f'width="12" height="10"/>',
        f'<text class="chart__legend" x="{BAR_LEFT + 236}" y="{legend_y}">'
        f'{escape(before_label)}</text>',
        "</svg>",
    ]
    return Markup("".join(parts))
