"""The building convention (富力共识): its title, preamble and numbered items, the version in force. Widgets only."""

from __future__ import annotations

from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen


class ConventionScreen(Screen):
    heading = StringProperty("")
    preamble = StringProperty("")
    # "第 3 版 · 2026-03-12" and, offline, "as of HH:MM"; already translated.
    version_line = StringProperty("")

    def show_items(self, items: list[tuple[str, str]], empty_text: str) -> None:
        rows = self.ids.item_rows
        rows.clear_widgets()
        for number, (title, text) in enumerate(items, start=1):
            row = Factory.ConventionItem()
            row.number, row.title, row.text = str(number), title, text
            rows.add_widget(row)
        if not items:
            rows.add_widget(Factory.MattersEmpty(text=empty_text))
        self.ids.scroll.scroll_y = 1

    def reset(self):
        """Nothing a visitor enters lives here."""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
