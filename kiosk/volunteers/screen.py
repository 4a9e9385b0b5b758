"""The volunteer screen: the year's totals, activities still to come with a sign-up QR each, the teams, and a
panel for a member's own hours (scan the ticket). It only shows: ``kiosk.volunteers.controller`` fills it."""

from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import ListProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.screenmanager import Screen

# The hours panel: closed, waiting for a ticket, asking the server, or showing what it said.
LOOKUP_PHASES = ("closed", "waiting", "checking", "shown")


class VolunteersScreen(Screen):
    # "As of 14:05 · offline" when the board is the kept copy; "" when fresh.
    status_text = StringProperty("")
    # [(number, label)] of the year's totals, already translated.
    totals = ListProperty()
    # [(title, "06-12 08:00–10:00 · place", "12 signed up", qr texture or None, "scan to sign up" or why not)].
    activities = ListProperty()
    # [(name, "leader 王*明 · 12 members", "36.5 h")].
    teams = ListProperty()
    # Shown when there is nothing to show (never fetched, and the server cannot be reached).
    empty_text = StringProperty("")
    lookup_phase = OptionProperty("closed", options=LOOKUP_PHASES)
    # The hours panel's lines, the first one large.
    lookup_lines = ListProperty()
    on_lookup = ObjectProperty(None, allownone=True)  # the "my hours" button
    on_lookup_closed = ObjectProperty(None, allownone=True)

    def on_kv_post(self, _base_widget):
        self.bind(activities=self._fill_activities, teams=self._fill_teams, totals=self._fill_totals,
                  lookup_lines=self._fill_lookup)

    def _fill_totals(self, *_args):
        box = self.ids.totals
        box.clear_widgets()
        for number, label in self.totals:
            cell = Factory.VolunteerTotal()
            cell.number, cell.label = number, label
            box.add_widget(cell)

    def _fill_activities(self, *_args):
        rows = self.ids.activity_rows
        rows.clear_widgets()
        for title, when, count, qr, qr_words in self.activities:
            card = Factory.VolunteerActivityCard()  # kv-declared properties cannot be passed to the constructor
            card.title, card.when, card.count, card.qr, card.qr_words = title, when, count, qr, qr_words
            rows.add_widget(card)

    def _fill_teams(self, *_args):
        rows = self.ids.team_rows
        rows.clear_widgets()
        for name, detail, hours in self.teams:
            row = Factory.VolunteerTeamRow()
            row.name, row.detail, row.hours = name, detail, hours
            rows.add_widget(row)

    def _fill_lookup(self, *_args):
        box = self.ids.lookup_lines
        box.clear_widgets()
        for index, text in enumerate(self.lookup_lines):
            line = Factory.KLabel(text=text, halign="center")
            if index == 0:
                line.bold, line.font_size = True, line.font_size * 1.4
            box.add_widget(line)

    def reset(self):
        """A member's hours go when the visitor leaves."""
        if self.on_lookup_closed is not None:
            self.on_lookup_closed()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
