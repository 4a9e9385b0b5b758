"""Event check-in: waiting for a ticket (where the scanner is, the events open now, the rotating phone
check-in QR), reading, checking, the verdict, and out of order when the scanner is gone.

The screen only shows: ``kiosk.checkin.controller`` decides the phase and hands over the words.
"""

from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import ColorProperty, ListProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from kiosk.i18n import N_
from screens.icons import ICONS

PHASES = ("waiting", "reading", "checking", "verdict", "out_of_order")

# verdict kind -> (tone, icon, headline msgid, advice msgid or ""). Tone picks the colour; the icon
# and the words say the same, so colour is never the only cue.
VERDICTS = {
    "welcome": ("ok", "ok", N_("Checked in. Welcome!"), ""),
    "checked_out": ("ok", "ok", N_("Checked out. Thank you for volunteering!"), ""),
    "already": ("warn", "already", N_("You have already checked in"), N_("No need to scan again. Enjoy the event!")),
    "wrong_event": ("stop", "wrong_event", N_("This ticket is not for an event here"), N_("Please check the event, date and place on your ticket.")),
    "not_open": ("warn", "clock", N_("Check-in is not open yet"), ""),
    "closed": ("stop", "clock", N_("Check-in has closed"), N_("Please ask the organiser at the event for help.")),
    "cancelled": ("stop", "clear", N_("This ticket has been cancelled"), N_("Please contact the organiser of the event.")),
    "event_cancelled": ("stop", "wrong_event", N_("This event has been cancelled"), N_("Please contact the organiser of the event.")),
    "unreadable": ("stop", "unreadable", N_("The code could not be read"), N_("Hold the ticket QR code still, about a hand's width from the scanner, and try again.")),
    "forged": ("stop", "out_of_service", N_("This code is not a valid ticket"), N_("Please ask staff at the service desk for help.")),
    "failed": ("stop", "alert", N_("Check-in is not working right now"), N_("Please ask staff at the service desk for help.")),
    "enrolled": ("ok", "link", N_("This terminal is now enrolled"), ""),
    # Booking passes (kiosk.checkin.controller asks the server: booking is decided there).
    "pass_welcome": ("ok", "ok", N_("Checked in. Enjoy the space!"), ""),
    "pass_already": ("warn", "already", N_("This booking is checked in already"), N_("No need to scan again.")),
    "pass_too_early": ("warn", "clock", N_("Too early to check in"), N_("Please come back when check-in opens.")),
    "pass_released": ("stop", "clock", N_("This booking was released"), N_("It was not checked in within the time allowed. Book again if a time is free.")),
    "pass_cancelled": ("stop", "clear", N_("This booking has been cancelled"), N_("Book again if a time is free.")),
    "pass_wrong_space": ("stop", "place", N_("This pass is for another space"), N_("Please check in at the kiosk of the space you booked.")),
    "pass_expired": ("stop", "clock", N_("This booking is over"), N_("The time booked has ended.")),
    "pass_forged": ("stop", "out_of_service", N_("This code is not a valid booking pass"), N_("Please ask staff at the service desk for help.")),
    "pass_unreadable": ("stop", "unreadable", N_("The code could not be read"), N_("Hold the pass QR code still, about a hand's width from the scanner, and try again.")),
    "pass_not_a_pass": ("stop", "wrong_event", N_("This is not a booking pass"), N_("Please scan the pass of your booking.")),
    "pass_offline": ("stop", "cloud_off", N_("Booking check-in needs the server"), N_("The terminal cannot reach it now. Please ask staff at the service desk.")),
    "enrol_failed": ("stop", "link", N_("Enrolment did not work"), ""),
}
# Tones -> theme colour names.
TONE_COLOURS = {"ok": "success", "warn": "warning", "stop": "accent"}


def readable_on(rgba) -> tuple:
    """Near-black or white, whichever reads better on ``rgba`` (the verdict card's colour)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgba[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (0.04, 0.05, 0.07, 1) if luminance > 0.18 else (1, 1, 1, 1)


class VerdictCard(ButtonBehavior, BoxLayout):
    """The verdict, big; a touch on it goes back to waiting at once."""

    tone_colour = ColorProperty((0, 0, 0, 1))
    # The text colour on tone_colour.
    ink = ColorProperty((1, 1, 1, 1))

    def on_tone_colour(self, _card, colour):
        self.ink = readable_on(colour)


class CheckinScreen(Screen):
    phase = OptionProperty("waiting", options=PHASES)
    # The verdict shown: its kind (a VERDICTS key), and lines under the headline, already translated.
    verdict_kind = OptionProperty("welcome", options=tuple(VERDICTS))
    verdict_lines = ListProperty()
    # From verdict_kind (VERDICTS): the theme colour's name, the icon, the headline and advice msgids.
    verdict_colour = StringProperty("success")
    verdict_icon = StringProperty(ICONS["ok"])
    verdict_headline = StringProperty(VERDICTS["welcome"][2])
    verdict_advice = StringProperty("")
    # Events open for check-in now: [(title, "check-in 09:00-11:30 · place")].
    events = ListProperty()
    # The rotating phone check-in QR (a texture) and the event it is for; None: not offered.
    phone_qr = ObjectProperty(None, allownone=True)
    phone_event = StringProperty("")
    # Called when the visitor touches the verdict (back to waiting).
    on_verdict_touched = ObjectProperty(None, allownone=True)

    def on_verdict_kind(self, _screen, kind):
        tone, icon, self.verdict_headline, self.verdict_advice = VERDICTS[kind]
        self.verdict_colour, self.verdict_icon = TONE_COLOURS[tone], ICONS[icon]

    def on_kv_post(self, _base_widget):
        self.bind(events=self._fill_events, verdict_lines=self._fill_verdict_lines)
        self.ids.verdict.bind(ink=self._ink_verdict_lines)
        # One panel is attached at a time: a hidden one would still be drawn and take touches.
        # ids are weak proxies; keep the widgets themselves alive while detached.
        self._panels = {
            "waiting": self.ids.waiting.__self__,
            "verdict": self.ids.verdict_panel.__self__,
            "out_of_order": self.ids.out_of_order.__self__,
        }
        self.on_phase(self, self.phase)

    def on_phase(self, _screen, phase):
        if not hasattr(self, "_panels"):
            return
        panel = self._panels["waiting" if phase in ("reading", "checking") else phase]
        body = self.ids.body
        if body.children != [panel]:
            body.clear_widgets()
            body.add_widget(panel)

    def _fill_events(self, *_args):
        rows = self.ids.event_rows
        rows.clear_widgets()
        for title, detail in self.events:
            row = Factory.CheckinEventRow()  # kv-declared properties cannot be passed to the constructor
            row.title, row.detail = title, detail
            rows.add_widget(row)

    def _fill_verdict_lines(self, *_args):
        box, card = self.ids.verdict_lines, self.ids.verdict
        box.clear_widgets()
        for index, text in enumerate(self.verdict_lines):
            line = Factory.VerdictLine(text=text)
            # The first line (the visitor's masked name, the time...) is the one to read from afar.
            if index == 0:
                line.bold, line.font_size = True, self.ids.headline.font_size * 0.8
            line.color = card.ink  # after the rule, which sets the body text colour
            box.add_widget(line)

    def _ink_verdict_lines(self, _card, ink):
        # Through the box, not a binding per line: the card lives as long as the screen, and a binding of its
        # ink to each line kept every line of every verdict alive, with its texture.
        for line in self.ids.verdict_lines.children:
            line.color = ink

    def reset(self):
        """Nothing a visitor entered lives here; a verdict on screen goes."""
        if self.phase == "verdict" and self.on_verdict_touched is not None:
            self.on_verdict_touched()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
