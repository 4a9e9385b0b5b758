"""Home: the centre's name, date and clock, the announcement ticker, module tiles, popular services."""

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
}


def _shortened(name: str) -> str:
    """Chips never wrap, so long (English) names are cut to fit a portrait screen in large text."""
    limit = 16 if any("\u4e00" <= char <= "\u9fff" for char in name) else 34
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


class HomeScreen(Screen):
    # [(code, name)] of the most popular services, shown as shortcuts under the tiles.
    popular = ListProperty()
    # Keys of the enabled modules, in MODULE_TILES order.
    modules = ListProperty()

    def on_kv_post(self, _base_widget):
        self.bind(popular=self._rebuild, modules=self._rebuild)
        App.get_running_app().bind(lang=self._rebuild, elder_mode=self._rebuild)

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
            chip.bind(on_release=lambda widget: app.open_service(widget.code))
            chips.add_widget(chip)

    def reset(self):
        """Nothing a visitor enters lives here."""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
