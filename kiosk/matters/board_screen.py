"""The 楼事楼办 board: the year's counts, resolved matters (what was raised, what was done, by whom, when) and open
ones with their status; "as of HH:MM" when the terminal shows what it kept offline. Widgets only: the controller
hands over every text already translated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen


@dataclass(frozen=True)
class MatterCardText:
    """One card, every line already in the visitor's language."""

    title: str
    raised: str  # "提出 2026-03-02 · 张**"
    description: str
    status: str  # "✔ 已办结" / "办理中"; words, never colour alone
    outcome: str  # what was done, or the latest progress
    handler: str  # "承办：富力物业（物业方） · 办结 2026-03-20"
    overdue: bool = False


class MatterCard(BoxLayout):
    title = StringProperty("")
    raised = StringProperty("")
    description = StringProperty("")
    status = StringProperty("")
    outcome = StringProperty("")
    handler = StringProperty("")
    tone = StringProperty("open")  # open | resolved | overdue


class MattersBoardScreen(Screen):
    # Already translated: the counts' captions and numbers [(number, caption)], the "as of" line, tab words.
    counts = ListProperty()
    as_of = StringProperty("")
    empty_text = StringProperty("")
    resolved_tab = StringProperty("")
    open_tab = StringProperty("")
    # "resolved" | "open": which list shows.
    showing = StringProperty("resolved")

    def show_cards(self, cards: list[MatterCardText]) -> None:
        rows = self.ids.cards
        rows.clear_widgets()
        for text in cards:
            card = MatterCard(title=text.title, raised=text.raised, description=text.description, status=text.status,
                              outcome=text.outcome, handler=text.handler)
            card.tone = "overdue" if text.overdue else ("resolved" if self.showing == "resolved" else "open")
            rows.add_widget(card)
        if not cards:
            rows.add_widget(Factory.MattersEmpty(text=self.empty_text))
        self.ids.scroll.scroll_y = 1

    def reset(self):
        """Nothing a visitor enters lives here; the next visitor starts with the resolved matters."""
        self.showing = "resolved"


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
