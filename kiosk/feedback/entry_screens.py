"""Feedback, what the visitor types: the text (or the reason for a negative rating) on the on-screen
pinyin keyboard (screens.keyboard), and an optional phone number on a digit pad with the consent line."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty

from kiosk.feedback.choice_screens import FeedbackStepScreen
from screens.keyboard import (
    PinyinKeyboard,  # noqa: F401  (loads its rule, used in the .kv)
    fill_digit_pad,
)

PHONE_DIGITS = 11


class FeedbackTextScreen(FeedbackStepScreen):
    # "text": required (a category without rating); "reason": required, after a negative rating;
    # "comment": optional, after a positive or neutral rating.
    mode = OptionProperty("text", options=("text", "reason", "comment"))
    text = StringProperty("")
    limit = NumericProperty(500)

    def on_text(self, *_args):
        self.error = ""
        self.ids.scroll.scroll_y = 0  # keep the end of the text, where typing goes on, in sight

    def reset(self):
        super().reset()
        self.text = ""
        self.ids.keyboard.reset()  # drops pinyin still being composed


class FeedbackPhoneScreen(FeedbackStepScreen):
    phone = StringProperty("")
    consent = BooleanProperty(False)

    def on_kv_post(self, _base_widget):
        pad = self.ids.pad
        fill_digit_pad(pad, self.press)

    def press(self, key: str) -> None:
        if key == "backspace":
            self.phone = self.phone[:-1]
        elif key == "clear":
            self.phone = ""
        elif len(self.phone) < PHONE_DIGITS:
            self.phone += key
        self.error = ""

    def reset(self):
        super().reset()
        self.phone, self.consent = "", False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
