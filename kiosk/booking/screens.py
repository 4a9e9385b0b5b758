"""Space booking screens: the week's slots as a large grid (days across, times down), the form (name and
company on the pinyin keyboard, the mobile number on a digit pad) and the pass with its QR.
The screens only show: ``kiosk.booking.controller`` fills them and is called back."""

from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from screens.keyboard import (
    PinyinKeyboard,  # noqa: F401  (loads its rule, used in the .kv)
    fill_digit_pad,
)

# Slot states a visitor can book.
TAPPABLE = ("free",)


class SlotCell(ButtonBehavior, Label):
    """One slot of the grid: its state ("free", "full", "past", "closed", "none") and its word."""

    state_name = StringProperty("free")
    slot_key = StringProperty("")  # the slot's start (ISO 8601), as the controller's choose_slot takes it


class BookingScreen(Screen):
    phase = OptionProperty("loading", options=("loading", "offline", "empty", "grid"))
    # [(space id, name)], the chosen space, the days' column heads and [(time, [(state, words, slot key)])].
    spaces = ListProperty()
    space_id = NumericProperty(0)
    days = ListProperty()
    rows = ListProperty()
    note = StringProperty("")

    def on_kv_post(self, _base_widget):
        self.bind(spaces=self._fill_tabs, space_id=self._fill_tabs, rows=self._fill_grid, days=self._fill_grid)

    def _fill_tabs(self, *_args):
        tabs = self.ids.tabs
        tabs.clear_widgets()
        app = App.get_running_app()
        for space_id, name in self.spaces:
            kind = "PrimaryButton" if space_id == self.space_id else "SecondaryButton"
            button = getattr(Factory, kind)(label=name, wrap=True)
            button.bind(on_release=lambda _b, space_id=space_id: app.booking.choose_space(space_id))
            tabs.add_widget(button)

    def _fill_grid(self, *_args):
        grid, heads = self.ids.grid, self.ids.grid_head
        grid.clear_widgets()
        heads.clear_widgets()
        grid.cols = len(self.days) + 1
        app = App.get_running_app()
        heads.add_widget(Factory.SlotHead(text=""))
        for day in self.days:
            heads.add_widget(Factory.SlotHead(text=day))
        first_open_row = None
        for time, cells in self.rows:
            head = Factory.SlotHead(text=time)
            grid.add_widget(head)
            if first_open_row is None and cells and cells[0][0] != "past":
                first_open_row = head
            for state, words, key in cells:
                cell = SlotCell(text=words, state_name=state, slot_key=key)
                if state in TAPPABLE:
                    cell.bind(on_release=lambda _c, key=key: app.booking.choose_slot(key))
                grid.add_widget(cell)
        # Today's rows that are over lead the grid: open it at the first that is not (late in the day, the top).
        self._scroll_to_row(first_open_row)

    def _scroll_to_row(self, head, *_args):
        grid, scroll = self.ids.grid, self.ids.grid_scroll
        if grid._trigger_layout.is_triggered:  # positions are known once the grid is laid out
            Clock.schedule_once(lambda _dt: self._scroll_to_row(head))
            return
        hidden = grid.height - scroll.height
        above = grid.top - head.top if head is not None else 0
        scroll.scroll_y = 1 if hidden <= 0 else min(1, max(0, 1 - above / hidden))

    def reset(self):
        self.phase = "loading"


class BookingFormScreen(Screen):
    slot_text = StringProperty("")
    name_value = StringProperty("")
    company = StringProperty("")
    phone = StringProperty("")
    # Which field the keyboard (or, for the phone, the digit pad) types into.
    field = OptionProperty("name", options=("name", "company", "phone"))
    error = StringProperty("")  # a gettext msgid
    offer = StringProperty("")  # "Book 11:00–12:00 instead", translated; "" when nothing is offered
    submitting = BooleanProperty(False)

    def on_kv_post(self, _base_widget):
        pad = self.ids.pad
        fill_digit_pad(pad, self.press)
        # ids are weak proxies; keep both input panels alive while one is detached.
        self._inputs = {"keyboard": self.ids.keyboard.__self__, "pad": self.ids.pad_box.__self__}
        self.on_field(self, self.field)

    def on_field(self, _screen, field):
        if not hasattr(self, "_inputs"):
            return
        keyboard = self.ids.keyboard
        keyboard.reset()
        keyboard.target_property = "name_value" if field == "name" else "company"
        keyboard.max_length = 40 if field == "name" else 120
        panel = self._inputs["pad" if field == "phone" else "keyboard"]
        box = self.ids.input_box
        if box.children != [panel]:
            box.clear_widgets()
            box.add_widget(panel)

    @property
    def phone_grouped(self) -> str:
        """138 1234 1234, as people read a mobile number back."""
        return " ".join(part for part in (self.phone[:3], self.phone[3:7], self.phone[7:]) if part)

    def on_name_value(self, *_args):
        self.error = ""

    def on_company(self, *_args):
        self.error = ""

    def press(self, key: str) -> None:
        if key == "backspace":
            self.phone = self.phone[:-1]
        elif key == "clear":
            self.phone = ""
        elif len(self.phone) < 11:
            self.phone += key
        self.error = ""

    def reset(self):
        self.name_value, self.company, self.phone, self.field = "", "", "", "name"
        self.error, self.offer, self.submitting = "", "", False
        if hasattr(self, "_inputs"):
            self.ids.keyboard.reset()


class BookingPassScreen(Screen):
    space_text = StringProperty("")
    place_text = StringProperty("")
    when_text = StringProperty("")
    person_text = StringProperty("")
    pass_text = StringProperty("")
    release_minutes = NumericProperty(15)
    qr_texture = ObjectProperty(None, allownone=True)

    def reset(self):
        self.space_text = self.place_text = self.when_text = self.person_text = self.pass_text = ""
        self.qr_texture = None


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
