"""A full-window notice over the screens while visitors cannot use the kiosk: enrolment pairing (with
the code an administrator approves), outside opening hours, out of service.

The App decides whether it shows and what it says; the footer and the hidden maintenance corner stay
usable below it, and the language button on it still works."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.floatlayout import FloatLayout


class NoticeOverlay(FloatLayout):
    icon = StringProperty("")
    title = StringProperty("")
    message = StringProperty("")
    # The pairing code, shown large in a card.
    code = StringProperty("")
    # More lines under the message (the opening hours).
    detail = StringProperty("")

    # Hidden (opacity 0) it takes no part in touches; shown, its own buttons work and nothing underneath does.
    def on_touch_down(self, touch):
        return self._covers(touch) and (super().on_touch_down(touch) or True)

    def on_touch_move(self, touch):
        return self._covers(touch) and (super().on_touch_move(touch) or True)

    def on_touch_up(self, touch):
        return self._covers(touch) and (super().on_touch_up(touch) or True)

    def _covers(self, touch) -> bool:
        return self.opacity > 0 and self.collide_point(*touch.pos)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
