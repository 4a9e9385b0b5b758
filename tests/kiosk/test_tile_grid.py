"""The home screen's tile grid (screens/tile_grid.py) for every count up to ten, both orientations, both text
sizes: every tile has a cell of its own, no cell overlaps another or leaves the screen, and each is at least a
touch target high and wide enough for a two-line title."""

from __future__ import annotations

import itertools

import pytest

from screens import tile_grid
from screens.home import MODULE_TILES

SCREENS = {True: (1080, 1920), False: (1920, 1080)}  # portrait: width, height in dp (the panels run at 1 dp = 1 px)
PADDING, SPACING = 32, 24
TARGETS = (64, 76)  # normal and large text (shared/ux.md)
OTHER_PARTS = {True: 820, False: 520}


def _cells(grid: tile_grid.TileGrid, count: int, width: float, row_height: float):
    column = (width - 2 * PADDING - (grid.cols - 1) * SPACING) / grid.cols
    for index in range(count):
        row, col = divmod(index, grid.cols)
        yield (PADDING + col * (column + SPACING), row * (row_height + SPACING), column, row_height)


@pytest.mark.parametrize(("count", "portrait", "target"),
                         list(itertools.product(range(1, 11), (True, False), TARGETS)))
def test_every_count_of_tiles_gets_cells_that_do_not_overlap(count, portrait, target):
    width, height = SCREENS[portrait]
    grid = tile_grid.plan(count, portrait)
    assert grid.cols * grid.rows >= count and grid.cols * (grid.rows - 1) < count  # no empty row
    row = (tile_grid.portrait_row_height(grid, target) if portrait
           else target * (tile_grid.MIN_ROW if grid.rows > 1 else tile_grid.LANDSCAPE_WIDE_ROW))
    cells = list(_cells(grid, count, width, row))
    for (x1, y1, w1, h1), (x2, y2, w2, h2) in itertools.combinations(cells, 2):
        assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
    assert all(x + w <= width - PADDING + 0.01 and h >= target for x, _y, w, h in cells)
    # What the rest of the home screen takes at most (header, ticker, the question, shortcuts, footer) stays free.
    assert tile_grid.grid_height(grid, row, SPACING) <= height - OTHER_PARTS[portrait]
    if grid.compact:
        assert min(w for *_xy, w, _h in cells) >= tile_grid.MIN_COMPACT_WIDTH


def test_the_modules_of_today_are_compact_tiles_in_two_portrait_columns_and_at_most_two_landscape_rows():
    count = len(MODULE_TILES)
    assert 4 <= count <= 10, "the grid is planned for up to ten modules"
    landscape, portrait = tile_grid.plan(count, portrait=False), tile_grid.plan(count, portrait=True)
    assert landscape.compact and landscape.rows <= 2
    assert portrait.compact and portrait.cols == 2
