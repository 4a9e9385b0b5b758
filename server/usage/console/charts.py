"""The Usage page's two charts of its own, laid out on the server and drawn as inline SVG by the template: the
visits per hour of the week (a heat map, darker is busier, each cell's number in its title) and the visits per
day (one column a day). The bar charts are the feedback page's (server/feedback/console/chart.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CELL, CELL_GAP = 22, 2
LABEL_WIDTH, HEADER_HEIGHT = 44, 18
DAY_PLOT_HEIGHT, DAY_AXIS_HEIGHT, DAY_WIDTH_MAX, DAY_PLOT_WIDTH = 160, 20, 14, 720
# The heat map's five shades, lightest to darkest (console.css .heat-0 … .heat-4); 0 is "no visit".
SHADES = 5


@dataclass(frozen=True)
class HeatCell:
    weekday: int
    hour: int
    visits: int
    shade: int
    x: int
    y: int


@dataclass(frozen=True)
class HeatMap:
    cells: list[HeatCell]
    width: int
    height: int
    cell: int = CELL
    label_width: int = LABEL_WIDTH
    header_height: int = HEADER_HEIGHT


def heat_map(visits: list[list[int]]) -> HeatMap:
    top = max((n for row in visits for n in row), default=0)
    cells = []
    for weekday, row in enumerate(visits):
        for hour, n in enumerate(row):
            shade = 0 if n == 0 or not top else 1 + min(SHADES - 2, (n * (SHADES - 1) - 1) // top)
            cells.append(HeatCell(weekday, hour, n, shade, LABEL_WIDTH + hour * (CELL + CELL_GAP),
                                  HEADER_HEIGHT + weekday * (CELL + CELL_GAP)))
    return HeatMap(cells, LABEL_WIDTH + 24 * (CELL + CELL_GAP), HEADER_HEIGHT + 7 * (CELL + CELL_GAP))


@dataclass(frozen=True)
class DayColumn:
    day: date
    visits: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class DayChart:
    columns: list[DayColumn]
    width: int
    height: int
    column_width: float
    top: int
    plot_height: int = DAY_PLOT_HEIGHT
    # Days labelled under the axis: the first of each month and the first day shown.
    labelled: tuple[date, ...] = ()


def day_chart(per_day: dict[date, int]) -> DayChart:
    days = sorted(per_day)
    top = max(per_day.values(), default=0)
    width = min(DAY_WIDTH_MAX, DAY_PLOT_WIDTH / max(len(days), 1))
    columns = []
    for i, day in enumerate(days):
        height = DAY_PLOT_HEIGHT * per_day[day] / top if top else 0
        columns.append(DayColumn(day, per_day[day], LABEL_WIDTH + i * width, DAY_PLOT_HEIGHT - height, height))
    labelled = tuple(day for i, day in enumerate(days) if i == 0 or day.day == 1)
    return DayChart(columns, round(LABEL_WIDTH + len(days) * width + 8), DAY_PLOT_HEIGHT + DAY_AXIS_HEIGHT,
                    width, top, labelled=labelled)
