"""The micro-wish wall: this year's counts, then the wishes as large cards (open ones first, then claimed ones
with their team, then fulfilled ones with a thank-you line), each with a QR to its phone page; "as of HH:MM"
when the kiosk is offline and shows the wall it kept. A button starts a wish of the visitor's own.

The screen only shows: ``kiosk.wishes.controller`` hands over the words and the QR textures."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from kiosk.i18n import N_
from screens.icons import ICONS

# status -> (icon, words msgid, theme colour name): the icon and the words say what the colour says.
STATUS_LOOKS = {
    "open": ("heart", N_("Open"), "primary"),
    "claimed": ("people", N_("Claimed"), "warning"),
    "fulfilled": ("ok", N_("Fulfilled"), "success"),
}


class WishCard(BoxLayout):
    status = StringProperty("open")
    title = StringProperty("")
    for_whom = StringProperty("")
    status_line = StringProperty("")
    posted = StringProperty("")
    qr = ObjectProperty(None, allownone=True)

    def status_icon(self, status: str) -> str:
        return ICONS[STATUS_LOOKS[status][0]]

    def status_words(self, status: str) -> str:
        return STATUS_LOOKS[status][1]

    def status_colour(self, status: str) -> str:
        return STATUS_LOOKS[status][2]


class WishWallScreen(Screen):
    # [(label msgid, number)]: posted, claimed, fulfilled this year.
    counts = ListProperty()
    # [dict(status, title, for_whom, status_line, posted, qr)], already translated.
    cards = ListProperty()
    # "As of 14:05" while offline; "" when the wall is current.
    as_of = StringProperty("")
    # Called by the "post a wish" button.
    on_post_wish = ObjectProperty(None, allownone=True)

    def on_kv_post(self, _base_widget):
        self.bind(cards=self._fill_cards)

    def _fill_cards(self, *_args):
        grid = self.ids.cards
        grid.clear_widgets()
        for card in self.cards:
            grid.add_widget(WishCard(**card))

    def post_wish(self):
        if self.on_post_wish is not None:
            self.on_post_wish()

    def reset(self):
        """The next visitor starts at the top of the wall."""
        self.ids.scroller.scroll_y = 1


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
