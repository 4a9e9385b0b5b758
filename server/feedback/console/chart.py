"""A horizontal bar chart laid out on the server, drawn as inline SVG by the template (no script, no CDN)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
# Label column: wide enough for the longest label (CJK glyphs are about twice as wide as Latin ones).
MIN_LABEL_WIDTH, MAX_LABEL_WIDTH = 60, 320
LATIN_CHAR_WIDTH, WIDE_CHAR_WIDTH = 7.5, 14
PLOT_WIDTH = 420
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int = BAR_HEIGHT


def bar_chart(values: list[tuple[str, int]]) -> BarChart:
    """One bar per (label, value), longest for the largest value; labels and numbers are text in the SVG."""
    top = max((value for _, value in values), default=0)
    bars = [Bar(label, value, i * (BAR_HEIGHT + GAP), round(PLOT_WIDTH * value / top) if top else 0)
            for i, (label, value) in enumerate(values)]
    label_width = max((_text_width(label) for label, _ in values), default=0) + 16
    label_width = min(max(round(label_width), MIN_LABEL_WIDTH), MAX_LABEL_WIDTH)
    return BarChart(bars, label_width + PLOT_WIDTH + VALUE_WIDTH,
                    max(len(bars) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT), label_width)


def _text_width(text: str) -> float:
    return sum(WIDE_CHAR_WIDTH if unicodedata.east_asian_width(char) in "WF" else LATIN_CHAR_WIDTH for char in text)
