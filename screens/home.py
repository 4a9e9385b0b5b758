"""Home: the centre's name, date and clock, what is on today (portrait) or the announcement ticker (landscape),
module tiles, popular services."""

from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import ListProperty
from kivy.uix.screenmanager import Screen
from kivy.utils import escape_markup

from kiosk.i18n import N_
from screens.icons import ICONS
from screens.widgets import Tile

# module key -> (icon, title, subtitle); titles are gettext msgids.
MODULE_TILES = {
    "guide": ("guide", N_("Service guide"), N_("Materials, steps, where to go, and a QR to take it away")),
    "checkin": ("scan", N_("Event check-in"), N_("Show your ticket QR code to the scanner")),
    "feedback": ("feedback", N_("Feedback"), N_("Repairs, complaints, micro-wishes and service ratings")),
    "queue": ("people", N_("Take a number"), N_("A queue number for a window, called here and on your phone")),
}


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

    def on_kv_post(self, _base_widget):
        self.bind(popular=self._rebuild, modules=self._rebuild, today=self._fill_board, notices=self._fill_board)
        app = App.get_running_app()
        app.bind(lang=self._rebuild, elder_mode=self._rebuild)
        app.bind(elder_mode=self._fill_board, portrait=self._place_board)
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
        rows = self.ids.board_rows
        rows.clear_widgets()
        for title, detail in self.today[:events]:
            rows.add_widget(_board_row(ICONS["event"], title, detail))
        if not self.today:
            rows.add_widget(_board_row(ICONS["info"], app.tr._("No events today"), ""))
        for notice in self.notices[:notices]:
            rows.add_widget(_board_row(ICONS["announce"], notice, ""))

    def _rebuild(self, *_args):
        app = App.get_running_app()
        tiles = self.ids.tiles
        tiles.clear_widgets()
        for key in self.modules:
            icon, title, subtitle = MODULE_TILES[key]
            tile = Tile(icon=ICONS[icon], title=app.tr._(title), subtitle=app.tr._(subtitle))
            tile.module = key
            tile.bind(on_release=lambda widget: app.open_module(widget.module))
            tiles.add_widget(tile)
        chips = self.ids.popular
        chips.clear_widgets()
        # Large text leaves room for fewer shortcuts on a portrait screen.
        shown = self.popular[:4] if app.elder_mode else self.popular
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
