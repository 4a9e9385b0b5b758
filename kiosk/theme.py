"""The live theme: colours and sizes as Kivy properties, so .kv rules re-render when they change."""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import dp
from kivy.properties import ColorProperty, NumericProperty, StringProperty

from kiosk.palettes import ELDER_SCALE, PALETTES, TOUCH_TARGET, TYPE_SCALE, hex_to_rgba


class Theme(EventDispatcher):
    name = StringProperty("light")
    background = ColorProperty()
    surface = ColorProperty()
    surface_pressed = ColorProperty()
    border = ColorProperty()
    text = ColorProperty()
    text_muted = ColorProperty()
    header = ColorProperty()
    header_text = ColorProperty()
    primary = ColorProperty()
    primary_pressed = ColorProperty()
    primary_text = ColorProperty()
    accent = ColorProperty()
    accent_pressed = ColorProperty()
    accent_text = ColorProperty()
    ticker = ColorProperty()
    ticker_text = ColorProperty()
    success = ColorProperty()
    warning = ColorProperty()

    small = NumericProperty()
    body = NumericProperty()
    large = NumericProperty()
    title = NumericProperty()
    display = NumericProperty()
    target = NumericProperty()
    # Spacing scales with text so large text never gets cramped.
    gap = NumericProperty()

    def apply(self, name: str, elder_mode: bool) -> None:
        self.name = name
        for key, value in PALETTES[name].items():
            setattr(self, key, hex_to_rgba(value))
        scale = ELDER_SCALE if elder_mode else 1.0
        for key, size in TYPE_SCALE.items():
            setattr(self, key, dp(size * scale))
        self.target = dp(TOUCH_TARGET["elder" if elder_mode else "normal"])
        self.gap = dp(16 * scale)
