"""The queue's screens: choose a window and a service, an optional mobile number, the number taken (or why
not), and the rating of a served number by its slip. Widgets only: the controller (app.queue) does the rest."""

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.uix.screenmanager import Screen

from screens.keyboard import fill_digit_pad

PHONE_DIGITS = 11


class PhasedScreen(Screen):
    """One panel of the screen's body attached at a time, by phase (a hidden one would still take touches)."""

    # phase -> id of its panel; phases not named show the "message" panel.
    PANELS: dict[str, str] = {}

    def on_kv_post(self, _base_widget):
        # ids are weak proxies; keep the widgets themselves alive while detached.
        self._panels = {name: self.ids[name].__self__ for name in {*self.PANELS.values(), "message"}}
        self.bind(phase=self._attach)
        self._attach()

    def _attach(self, *_args):
        panel = self._panels[self.PANELS.get(self.phase, "message")]
        body = self.ids.body
        if body.children != [panel]:
            body.clear_widgets()
            body.add_widget(panel)


class QueueRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """A window or a service to choose."""

    key = StringProperty("")
    title = StringProperty("")
    subtitle = StringProperty("")
    kind = StringProperty("window")

    def on_release(self):
        queue = App.get_running_app().queue
        if self.kind == "window":
            queue.choose_window(self.key)
        else:
            queue.choose_service(self.key)


class QueuePickScreen(PhasedScreen):
    PANELS = {"windows": "windows_panel", "services": "services_panel"}
    # loading | windows | services | offline | none_open
    phase = StringProperty("loading")
    window_rows = ListProperty()
    service_rows = ListProperty()
    chosen_window = StringProperty("")
    offline_phones = StringProperty("")
    latest_call = StringProperty("")

    def on_window_rows(self, *_args):
        self.ids.windows.data = [{**row, "kind": "window"} for row in self.window_rows]

    def on_service_rows(self, *_args):
        self.ids.services.data = [{**row, "kind": "service"} for row in self.service_rows]

    def reset(self):
        self.phase, self.window_rows, self.service_rows, self.chosen_window = "loading", [], [], ""


class QueuePhoneScreen(Screen):
    service_name = StringProperty("")
    window_name = StringProperty("")
    phone = StringProperty("")
    error = StringProperty("")

    def on_kv_post(self, _base_widget):
        fill_digit_pad(self.ids.pad, self.press)

    def press(self, key: str) -> None:
        if key == "backspace":
            self.phone = self.phone[:-1]
        elif key == "clear":
            self.phone = ""
        elif len(self.phone) < PHONE_DIGITS:
            self.phone += key
        self.error = ""

    def reset(self):
        self.phone, self.error = "", ""


class QueueTicketScreen(PhasedScreen):
    PANELS = {"number": "number_panel"}
    # taking | number | refused | offline
    phase = StringProperty("taking")
    number = StringProperty("")
    service_name = StringProperty("")
    window_name = StringProperty("")
    window_phone = StringProperty("")
    people_ahead = NumericProperty(0)
    wait_minutes = NumericProperty(0)
    qr_texture = ObjectProperty(None, allownone=True)
    message = StringProperty("")
    latest_call = StringProperty("")

    def reset(self):
        self.phase, self.number, self.message, self.qr_texture = "taking", "", "", None


class QueueRateScreen(PhasedScreen):
    PANELS = {"rate": "rate_panel", "reason": "reason_panel"}
    # checking | rate | reason | rated | not_served | unknown | offline
    phase = StringProperty("checking")
    number = StringProperty("")
    service_name = StringProperty("")
    window_name = StringProperty("")
    rating = NumericProperty(0)

    def reset(self):
        self.phase, self.number, self.service_name, self.window_name, self.rating = "checking", "", "", "", 0


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
