"""How the home screen's module tiles share the screen, for any number of them (MODULE_TILES: up to ~10).

Up to three tiles are wide (icon beside title and subtitle): one column in portrait, one row in landscape. More
become compact (icon above title and subtitle) in a grid that reflows: two columns in portrait, four or five in
landscape. Pure arithmetic (no Kivy), so the plan is checked for every count without a window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Wide tiles while there are at most this many (four wide ones crowd a landscape row).
WIDE_AT_MOST = 3
# Columns of compact tiles: portrait always 2; landscape 4, or 5 past 8 tiles (2 rows at most).
PORTRAIT_COLUMNS = 2
LANDSCAPE_COLUMNS = ((8, 4), (10, 5))
# A row of tiles in touch targets (64 dp, 76 dp in large text): wide portrait rows, compact portrait rows;
# landscape rows share the height left (HomeScreen), never less than the minimum.
WIDE_PORTRAIT_ROW = 2.4
COMPACT_PORTRAIT_ROW = 2.6
LANDSCAPE_WIDE_ROW = 4.4
MIN_ROW = 2.0
# Narrowest compact tile in dp: a two-line English title at the large size still fits.
MIN_COMPACT_WIDTH = 300


@dataclass(frozen=True)
class TileGrid:
    cols: int
    rows: int
    compact: bool


def plan(count: int, portrait: bool) -> TileGrid:
    """Columns, rows and tile kind for ``count`` tiles."""
    count = max(count, 0)
    if count <= WIDE_AT_MOST:
        cols = 1 if portrait else max(count, 1)
        return TileGrid(cols, math.ceil(count / cols), False)
    if portrait:
        cols = PORTRAIT_COLUMNS
    else:
        cols = next((columns for most, columns in LANDSCAPE_COLUMNS if count <= most), LANDSCAPE_COLUMNS[-1][1])
    return TileGrid(cols, math.ceil(count / cols), True)


def portrait_row_height(grid: TileGrid, target: float) -> float:
    return target * (COMPACT_PORTRAIT_ROW if grid.compact else WIDE_PORTRAIT_ROW)


def grid_height(grid: TileGrid, row_height: float, spacing: float) -> float:
    return grid.rows * row_height + max(grid.rows - 1, 0) * spacing
