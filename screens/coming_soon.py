"""Placeholder for a module whose issue has not landed yet."""

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen


class ComingSoonScreen(Screen):
    # gettext msgid of the module's name, translated in the .kv rule.
    module_title = StringProperty("")
    icon = StringProperty("")

    def reset(self):
        pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
