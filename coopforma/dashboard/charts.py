# SPDX-License-Identifier: AGPL-3.0-or-later
"""Accessible bar charts rendered on the server as SVG (no JavaScript): role="img", a <title> and a <desc> that
say what the chart shows; the page puts the same figures in a table next to it (the text alternative)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 110
BAR_HEIGHT = 22
GAP = 8


def bar_chart(*, chart_id: str, title: str, desc: str, rows: list[tuple[str, int, str]]) -> SafeString:
    """Horizontal bars, one per (label, value, value as shown); values below zero are drawn as empty bars."""
    top = max([value for _label, value, _shown in rows] + [1])
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP) + GAP
    bars = format_html_join(
        "",
        '<g><text x="{}" y="{}" text-anchor="end" font-size="13" fill="currentColor">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f6f8f"></rect>'
        '<text x="{}" y="{}" font-size="13" fill="currentColor">{}</text></g>',
        (
            (
                LABEL_WIDTH - 8,
                GAP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT - 6,
                label[:34],
                LABEL_WIDTH,
                GAP + i * (BAR_HEIGHT + GAP),
                max(int(span * max(value, 0) / top), 0),
                BAR_HEIGHT,
                LABEL_WIDTH + max(int(span * max(value, 0) / top), 0) + 6,
                GAP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT - 6,
                shown,
            )
            for i, (label, value, shown) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{bars}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=desc,
        bars=bars,
    )
