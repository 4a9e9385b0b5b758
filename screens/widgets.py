"""Widgets shared by the screens: buttons with instant press feedback, tiles, the top bar,
the on-screen keyboard, list rows, and the hidden maintenance corner."""

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

from screens.icons import ICONS


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


class TileBase(ButtonBehavior, BoxLayout):
    icon = StringProperty("")
    title = StringProperty("")
    subtitle = StringProperty("")


class Tile(TileBase):
    """A wide tile: icon, title and subtitle side by side (home screen modules)."""


class GridTile(TileBase):
    """A compact tile for browse grids (departments, life events)."""

    key = StringProperty("")


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

        App.get_running_app().open_service(self.code)


class OnScreenKeyboard(BoxLayout):
    """Letters, digits, backspace and clear; dispatches what was typed, owns no text itself."""

    __events__ = ("on_text", "on_backspace", "on_clear")
    letter_rows = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")

    def on_kv_post(self, _base_widget):
        from kivy.app import App
        from kivy.factory import Factory

        app = App.get_running_app()
        for row in self.letter_rows:
            line = BoxLayout(spacing=dp(8), size_hint_y=None)
            app.theme.bind(target=lambda _theme, value, line=line: setattr(line, "height", value))
            line.height = app.theme.target
            for char in row:
                key = Factory.KeyButton(label=char)
                key.bind(on_release=lambda _key, char=char: self.dispatch("on_text", char))
                line.add_widget(key)
            if row == self.letter_rows[-1]:
                backspace = Factory.KeyButton(icon=ICONS["backspace"], size_hint_x=2.4)
                translate_label(app, backspace, "Delete")
                backspace.bind(on_release=lambda _key: self.dispatch("on_backspace"))
                line.add_widget(backspace)
            self.add_widget(line)
        last = BoxLayout(spacing=dp(8), size_hint_y=None, height=app.theme.target)
        app.theme.bind(target=lambda _theme, value: setattr(last, "height", value))
        clear = Factory.KeyButton(icon=ICONS["clear"], size_hint_x=2)
        translate_label(app, clear, "Clear")
        clear.bind(on_release=lambda _key: self.dispatch("on_clear"))
        space = Factory.KeyButton(size_hint_x=5)
        translate_label(app, space, "Space")
        space.bind(on_release=lambda _key: self.dispatch("on_text", " "))
        last.add_widget(clear)
        last.add_widget(space)
        self.add_widget(last)
        # Backspace and clear are named for screen readers and testers, not only drawn as icons.
        self.backspace_key, self.clear_key = backspace, clear

    def on_text(self, text):
        pass

    def on_backspace(self):
        pass

    def on_clear(self):
        pass


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
