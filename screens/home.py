"""Home: the centre's name, date and clock, what is on today (portrait: a board; landscape: a ticker of today's
events and the notices), module tiles, popular services."""

from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty
from kivy.uix.screenmanager import Screen
from kivy.utils import escape_markup

from kiosk.i18n import N_
from screens import tile_grid
from screens.icons import ICONS
from screens.widgets import GridTile, Tile

# module key -> (icon, title, subtitle), in the home screen's order: what visitors come for first, then the
# centre's own work; titles are gettext msgids.
MODULE_TILES = {
    "guide": ("guide", N_("Service guide"), N_("Materials, steps, where to go, and a QR to take it away")),
    "queue": ("people", N_("Take a number"), N_("A queue number for a window, called here and on your phone")),
    "booking": ("event", N_("Space booking"), N_("Meeting room, rest area, VR corner: free for the building's staff")),
    "checkin": ("scan", N_("Event check-in"), N_("Show your ticket QR code to the scanner")),
    "feedback": ("feedback", N_("Feedback"), N_("Repairs, complaints, micro-wishes and service ratings")),
    "wishes": ("gift", N_("Micro-wish wall"), N_("Small wishes from the building, and the volunteers who grant them")),
    "volunteers": ("volunteer", N_("Volunteer services"), N_("Our teams, activities to join, your hours")),
    "matters": ("city", N_("Building matters"), N_("What the building raised and how it was settled")),
    "convention": ("certificate", N_("Building convention"), N_("The rules the companies in the building keep")),
}


# A compact tile's icon in display-text units: room for a two-line title in large text.
COMPACT_ICON_SCALE = 0.9
ONE_ROW_ICON_SCALE = 1.5  # a single landscape row has the height for a large icon

# Shortcuts under a landscape grid of compact tiles (normal, large text): one line of chips.
LANDSCAPE_COMPACT_SHORTCUTS = {False: 3, True: 2}

# The board's rows at most, so that it never reaches the tiles (large text: fewer).
BOARD_EVENTS, BOARD_NOTICES = 3, 3
BOARD_EVENTS_LARGE_TEXT, BOARD_NOTICES_LARGE_TEXT = 2, 1


def _shortened(name: str) -> str:
    """Chips never wrap, so long (English) names are cut to fit a portrait screen in large text."""
    limit = 16 if any("\u4e00" <= char <= "\u9fff" for char in name) else 34
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


class HomeScreen(Screen):
    # [(code, name)] of the most popular services, shown as shortcuts under the tiles.
    popular = ListProperty()
    # Keys of the enabled modules, in MODULE_TILES order.
    modules = ListProperty()
    # Today's events still to come or under way: [(title, "14:30–16:00 · place")], already translated.
    today = ListProperty()
    # The centre's announcements, already translated.
    notices = ListProperty()
    # The tile grid for the enabled modules (screens.tile_grid): columns, compact tiles, height when fixed.
    grid_cols = NumericProperty(1)
    compact = BooleanProperty(False)
    tiles_height = NumericProperty(0)
    # Landscape rows of compact tiles share the height left (two rows); one row has a fixed height.
    flex_tiles = BooleanProperty(False)

    def on_kv_post(self, _base_widget):
        self.bind(popular=self._rebuild, modules=self._rebuild, today=self._fill_board, notices=self._fill_board)
        app = App.get_running_app()
        app.bind(lang=self._rebuild, elder_mode=self._rebuild, portrait=self._rebuild)
        app.bind(elder_mode=self._fill_board, portrait=self._place_board)
        # The board shows the rows its height holds (more tiles leave it less room): refilled when it changes.
        self._refill_board = Clock.create_trigger(self._fill_board)
        self.ids.board.bind(height=self._refill_board)
        # ids are weak proxies; keep the board itself alive while detached.
        self._board = self.ids.board.__self__
        self._board_parent = self._board.parent
        self._place_board(app, app.portrait)

    def _place_board(self, _app, portrait: bool):
        """Attached in portrait only: a hidden board would still take touches (and overlap the header)."""
        attached = self._board.parent is not None
        if portrait and not attached:
            # Kivy lists children last-drawn first: this index puts the board at the top of the column.
            self._board_parent.add_widget(self._board, index=len(self._board_parent.children))
        elif not portrait and attached:
            self._board_parent.remove_widget(self._board)

    def _fill_board(self, *_args):
        app = App.get_running_app()
        events, notices = (BOARD_EVENTS_LARGE_TEXT, BOARD_NOTICES_LARGE_TEXT) if app.elder_mode else (BOARD_EVENTS, BOARD_NOTICES)
        wanted = [(ICONS["event"], title, detail) for title, detail in self.today[:events]]
        if not self.today:
            wanted.append((ICONS["info"], app.tr._("No events today"), ""))
        wanted += [(ICONS["announce"], notice, "") for notice in self.notices[:notices]]
        rows = self.ids.board_rows
        rows.clear_widgets()
        room = self._board_room(app)
        for icon, title, detail in wanted[:room]:
            rows.add_widget(_board_row(icon, title, detail))
        # A title over no rows says nothing: the board shows when a row fits.
        self._board.opacity = 1 if room else 0

    def _board_room(self, app) -> int:
        """How many board rows fit under its title (a row holds two lines of body text)."""
        board = self._board
        if board.parent is None or board.height <= 1:
            return 0
        theme = app.theme
        row = max(theme.target, theme.body * 1.3 * 2 + dp(24)) + self.ids.board_rows.spacing
        title = theme.large * 1.5 + board.spacing
        return max(0, int((board.height - title) // row))

    def _rebuild(self, *_args):
        app = App.get_running_app()
        grid = tile_grid.plan(len(self.modules), app.portrait)
        self.grid_cols, self.compact = grid.cols, grid.compact
        self.flex_tiles = grid.compact and not app.portrait and grid.rows > 1
        spacing = self.ids.tiles.spacing[1]
        if app.portrait:
            self.tiles_height = tile_grid.grid_height(grid, tile_grid.portrait_row_height(grid, app.theme.target), spacing)
        elif grid.rows > 1:  # landscape rows share what is left; this is their floor
            self.tiles_height = tile_grid.grid_height(grid, app.theme.target * tile_grid.MIN_ROW, spacing)
        else:
            self.tiles_height = app.theme.target * tile_grid.LANDSCAPE_WIDE_ROW
        tiles = self.ids.tiles
        tiles.clear_widgets()
        for key in self.modules:
            icon, title, subtitle = MODULE_TILES[key]
            kind = GridTile if grid.compact else Tile
            # Compact tiles drop the subtitle where rows are short (landscape, two rows) or words large (large text).
            terse = grid.compact and (app.elder_mode or (not app.portrait and grid.rows > 1))
            tile = kind(icon=ICONS[icon], title=app.tr._(title), subtitle="" if terse else app.tr._(subtitle))
            if grid.compact:
                tile.icon_scale = COMPACT_ICON_SCALE if grid.rows > 1 else ONE_ROW_ICON_SCALE
            tile.module = key
            tile.bind(on_release=lambda widget: app.open_module(widget.module))
            tiles.add_widget(tile)
        chips = self.ids.popular
        chips.clear_widgets()
        # Large text, and a landscape screen full of tiles, leave room for fewer shortcuts.
        shown = self.popular[:4] if app.elder_mode else self.popular
        if grid.compact and not app.portrait:
            shown = shown[:LANDSCAPE_COMPACT_SHORTCUTS[app.elder_mode]]
        for code, name in shown:
            chip = Factory.ChipButton(label=escape_markup(_shortened(name)))
            chip.code = code
            chip.bind(on_release=lambda widget: app.guide.open_service(widget.code))
            chips.add_widget(chip)

    def reset(self):
        """Nothing a visitor enters lives here."""


def _board_row(icon: str, title: str, detail: str):
    row = Factory.BoardRow()  # kv-declared properties cannot be passed to the constructor
    row.icon, row.title, row.detail = icon, title, detail
    return row


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
