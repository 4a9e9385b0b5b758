"""The services of one department or one life event."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ListProperty, StringProperty
from kivy.uix.screenmanager import Screen


class ServiceListScreen(Screen):
    heading = StringProperty("")
    rows = ListProperty()

    def reset(self):
        self.ids.list.scroll_y = 1


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
