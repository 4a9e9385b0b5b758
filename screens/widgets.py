"""Widgets shared by the screens: buttons with instant press feedback, tiles, the top bar,
list rows, and the hidden maintenance corner (the keyboard is screens.keyboard)."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.uix.widget import Widget


class KioskButton(ButtonBehavior, Label):
    """A label-button: an optional icon before the text, colours that change the instant it is pressed."""

    icon = StringProperty("")
    label = StringProperty("")
    bg = ColorProperty((0, 0, 0, 0))
    bg_down = ColorProperty((0, 0, 0, 0))
    fg = ColorProperty((0, 0, 0, 1))
    outline = ColorProperty((0, 0, 0, 0))
    # False for buttons sized by their text, which must then not wrap to their width.
    wrap = BooleanProperty(True)


class FitLabel(Label):
    """One line of large text that shrinks to fit its width (down to ``min_font_size``, then wraps):
    a long centre name must neither wrap on a portrait screen nor be cut off."""

    max_font_size = NumericProperty(30)
    min_font_size = NumericProperty(18)

    def __init__(self, **kwargs):
        self._fit_trigger = Clock.create_trigger(self._fit)
        super().__init__(**kwargs)
        self.bind(text=self._fit_trigger, width=self._fit_trigger, max_font_size=self._fit_trigger,
                  min_font_size=self._fit_trigger, bold=self._fit_trigger)

    def _fit(self, *_args):
        from kivy.core.text import Label as CoreLabel

        if not self.text or self.width <= 1:
            self.font_size = self.max_font_size
            return
        measure = CoreLabel(text=self.text, font_size=self.max_font_size, bold=self.bold, font_name=self.font_name)
        needed, _height = measure.get_extents(self.text)
        scale = min(1.0, (self.width - 2) / needed) if needed else 1.0
        self.font_size = max(self.min_font_size, self.max_font_size * scale)


class TileBase(ButtonBehavior, BoxLayout):
    icon = StringProperty("")
    title = StringProperty("")
    subtitle = StringProperty("")


class Tile(TileBase):
    """A wide tile: icon, title and subtitle side by side (home screen modules)."""


class GridTile(TileBase):
    """A compact tile for browse grids (departments, life events, feedback categories)."""

    key = StringProperty("")
    # Icon size in display-text units: larger where few tiles share the screen (feedback categories).
    icon_scale = NumericProperty(1.2)


class TopBar(BoxLayout):
    title = StringProperty("")
    show_back = BooleanProperty(True)


class ServiceRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """One service in a list: name, and a line of what matters before going (time limit, window)."""

    code = StringProperty("")
    title = StringProperty("")
    subtitle = StringProperty("")
    tag = StringProperty("")

    def on_release(self):
        from kivy.app import App

        App.get_running_app().guide.open_service(self.code)


def translate_label(app, button, message: str) -> None:
    """Keep a button built in Python translated, as a .kv rule with tr._ would be."""
    button.label = app.tr._(message)
    app.tr.fbind("_", lambda *_: setattr(button, "label", app.tr._(message)))


class MaintenanceCorner(Widget):
    """Invisible corner zone: a long press here (staff only) opens the maintenance screen.

    Touches are watched, never consumed, so whatever lies beneath still works.
    """

    hold_seconds = NumericProperty(3.0)
    on_long_press = ObjectProperty(None)
    _slop = dp(24)

    def on_touch_down(self, touch):
        if self.collide_point(*touch.pos):
            touch.grab(self)
            touch.ud["maintenance_event"] = Clock.schedule_once(lambda _dt: self._fire(touch), self.hold_seconds)
        return False

    def on_touch_move(self, touch):
        moved = max(abs(touch.x - touch.ox), abs(touch.y - touch.oy)) > self._slop
        if touch.grab_current is self and (moved or not self.collide_point(*touch.pos)):
            self._cancel(touch)
        return False

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            self._cancel(touch)
            touch.ungrab(self)
        return False

    def _cancel(self, touch):
        event = touch.ud.pop("maintenance_event", None)
        if event is not None:
            event.cancel()

    def _fire(self, touch):
        touch.ud.pop("maintenance_event", None)
        if self.on_long_press is not None:
            self.on_long_press()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
