"""Hidden staff screen (long press on the bottom-left corner): PIN, then terminal status and quit."""

from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.i18n import N_
from screens.icons import ICONS
from screens.widgets import translate_label

PIN_MAX_LENGTH = 8


class MaintenanceScreen(Screen):
    pin = StringProperty("")
    message = StringProperty("")
    unlocked = BooleanProperty(False)
    # [(label, value)] filled by the maintenance controller once the PIN is accepted.
    report = ListProperty()

    def on_kv_post(self, _base_widget):
        app = App.get_running_app()
        pad = self.ids.pin_pad
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"):
            if key == "clear":
                button = Factory.KeyButton(icon=ICONS["backspace"])
                translate_label(app, button, N_("Delete"))
            elif key == "ok":
                button = Factory.PrimaryButton(icon=ICONS["ok"])
                translate_label(app, button, N_("Enter"))
            else:
                button = Factory.KeyButton(label=key)
            button.bind(on_release=lambda _button, key=key: self.press(key))
            pad.add_widget(button)
        self.bind(report=self._fill_report)

    def press(self, key):
        if key == "clear":
            self.pin = self.pin[:-1]
        elif key == "ok":
            self.message = App.get_running_app().maintenance.submit_pin(self.pin)
            self.pin = ""
        elif len(self.pin) < PIN_MAX_LENGTH:
            self.pin += key

    def _fill_report(self, *_args):
        grid = self.ids.report
        grid.clear_widgets()
        for label, value in self.report:
            grid.add_widget(Factory.KLabel(text=label, bold=True, size_hint_x=0.34))
            grid.add_widget(Factory.KLabel(text=value, size_hint_x=0.66))

    def reset(self):
        self.pin, self.message, self.unlocked, self.report = "", "", False, []


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
