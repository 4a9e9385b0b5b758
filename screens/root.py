"""The window's root: the screens, a footer with the terminal's place and its connection, the
full-window notice (pairing, closed, out of service), the hidden maintenance corner, the idle warning
and a toast for short notices."""

from pathlib import Path

from kivy.animation import Animation
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.modalview import ModalView

from screens import notice  # noqa: F401  (loads the NoticeOverlay rule used in root.kv)


class IdleWarning(ModalView):
    """'Are you still there?': any touch on it carries on; the App counts down and wipes."""


class RootLayout(FloatLayout):
    toast_text = StringProperty("")

    def show_toast(self, text, seconds=5.0):
        self.toast_text = text
        toast = self.ids.toast
        Animation.cancel_all(toast)
        toast.opacity = 1
        (Animation(opacity=1, duration=seconds) + Animation(opacity=0, duration=0.4)).start(toast)

    def hide_toast(self):
        Animation.cancel_all(self.ids.toast)
        self.ids.toast.opacity = 0
        self.toast_text = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
