"""The volunteer screen on the kiosk: the board (fresh from the server, or the kept copy "as of HH:MM" when it
cannot be reached), sign-up QR codes, and a member's own hours by scanning their ticket.

Network calls run on a worker thread; what they bring comes back through the Kivy clock. A scan reaches this
controller only while the hours panel waits for a ticket (``claim_scan``, asked by check-in first): at any
other time a ticket scanned here checks in as everywhere else.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from kivy.clock import Clock

from common import wire
from kiosk.host import KioskHost
from kiosk.i18n import N_
from kiosk.phone_links import phone_base
from services.checkin.online import TerminalApi
from services.volunteers.board import BoardView, HoursLookup, VolunteerBoardSource, as_of, signup_url, upcoming

log = logging.getLogger(__name__)

VOLUNTEERS = "volunteers"
# A visitor waits at most this long for the server (the board, or a ticket's hours).
SERVER_TIMEOUT_SECONDS = 4.0
# The hours panel closes by itself after this long without a scan, or after showing the hours.
LOOKUP_SECONDS = 30
ACTIVITIES_SHOWN = 4
_LOOKUP_WORDS = {
    "not_volunteer": N_("This ticket's holder has no volunteer hours yet. Sign up for an activity below!"),
    "unknown": N_("This is not a ticket of the centre, or it has been cancelled."),
}


class VolunteersController:
    def __init__(self, host: KioskHost):
        self.host = host
        self.source = VolunteerBoardSource(host.store, TerminalApi(host.data_dir, SERVER_TIMEOUT_SECONDS))
        self._view = BoardView(self.source.kept(), False)
        self._answer: HoursLookup | None = None
        self._close_lookup = None
        host.bind(lang=lambda *_args: self.render())

    # -- the board -------------------------------------------------------------------------------

    def open(self) -> None:
        screen = self.host.screens[VOLUNTEERS]
        screen.on_lookup, screen.on_lookup_closed = self.start_lookup, self.close_lookup
        self.host.navigator.go(VOLUNTEERS)
        self.render()
        threading.Thread(target=self._refresh, name="volunteer-board", daemon=True).start()

    def _refresh(self) -> None:
        view = self.source.refresh()
        Clock.schedule_once(lambda _dt: self._show(view))

    def _show(self, view: BoardView) -> None:
        self._view = view
        self.render()

    def render(self) -> None:
        screen = self.host.screens.get(VOLUNTEERS)
        if screen is None:
            return
        _ = self.host.tr._
        board, lang = self._view.board, self.host.lang
        if board is None:
            screen.totals, screen.activities, screen.teams, screen.status_text = [], [], [], ""
            screen.empty_text = _("The volunteer board has not reached this terminal yet. Please ask at the service desk.")
            self._render_lookup(screen)
            return
        screen.empty_text = ""
        screen.status_text = "" if self._view.fresh else _("As of %s, offline") % as_of(board)
        totals = board.totals
        screen.totals = [(str(totals.activities), _("activities in %d") % totals.year),
                         (str(totals.volunteers), _("volunteers")), (f"{totals.hours:g}", _("hours of service"))]
        screen.activities = [self._activity_card(activity) for activity in
                             upcoming(board, datetime.now(UTC))[:ACTIVITIES_SHOWN]]
        if not screen.activities:
            screen.activities = [(_("No activities planned right now"), _("New ones are announced here and at the service desk."), "", None, "")]
        screen.teams = [(team.name.get(lang), self._team_detail(team), _("%s h") % f"{team.hours:g}")
                        for team in board.teams]
        self._render_lookup(screen)

    def _activity_card(self, activity: wire.VolunteerActivity) -> tuple:
        _ = self.host.tr._
        start, end = activity.starts_at.astimezone(), activity.ends_at.astimezone()
        when = f"{start:%m-%d %H:%M}–{end:%H:%M}" + (f"  ·  {activity.place}" if activity.place else "")
        count = (_("%(registered)d of %(capacity)d places taken") % {"registered": activity.registered,
                                                                   "capacity": activity.capacity}
                 if activity.capacity else _("%d signed up") % activity.registered)
        server_url = self._server_url()
        if not activity.signup_open:
            return activity.title.get(self.host.lang), when, count, None, _("Sign-up is closed")
        if not server_url:
            return activity.title.get(self.host.lang), when, count, None, _("Sign-up needs the network: ask at the service desk")
        from common.qr import qr_image
        from kiosk.textures import texture_from_image

        qr = texture_from_image(qr_image(signup_url(server_url, activity), box_size=6, border=2))
        words = _("Scan to sign up on your phone") if self._view.fresh else _("Scan to sign up (places as of the time above)")
        return activity.title.get(self.host.lang), when, count, qr, words

    def _team_detail(self, team: wire.VolunteerTeamCard) -> str:
        _ = self.host.tr._
        members = _("%d members") % team.members
        leader = _("Leader %s") % team.leader
        return f"{leader}  ·  {members}" if team.leader else members

    def _server_url(self) -> str:
        """Where phones open the sign-up pages (kiosk/phone_links.py)."""
        return phone_base(self.host, self.host.kiosk_settings.feedback.status_url_base)

    # -- a member's hours ------------------------------------------------------------------------

    def start_lookup(self) -> None:
        self._answer = None
        self._set_lookup("waiting")

    def close_lookup(self) -> None:
        self._answer = None
        self._set_lookup("closed")

    def claim_scan(self, text: str) -> bool:
        """Take the scan when the hours panel waits for a ticket on the volunteer screen."""
        screen = self.host.screens.get(VOLUNTEERS)
        if screen is None or self.host.current_screen != VOLUNTEERS or screen.lookup_phase != "waiting":
            return False
        self.host.idle.activity()
        self._set_lookup("checking")
        threading.Thread(target=self._lookup, args=(text,), name="volunteer-hours", daemon=True).start()
        return True

    def _lookup(self, text: str) -> None:
        answer = self.source.lookup(text)
        if answer.answer is None:
            log.info("volunteer hours not looked up: %s", answer.reason)
        Clock.schedule_once(lambda _dt: self._looked_up(answer))

    def _looked_up(self, answer: HoursLookup) -> None:
        screen = self.host.screens.get(VOLUNTEERS)
        if screen is None or screen.lookup_phase != "checking":
            return  # closed meanwhile
        self._answer = answer
        self._set_lookup("shown")

    def _set_lookup(self, phase: str) -> None:
        screen = self.host.screens.get(VOLUNTEERS)
        if screen is None:
            return
        screen.lookup_phase = phase
        if self._close_lookup is not None:
            self._close_lookup.cancel()
        self._close_lookup = (Clock.schedule_once(lambda _dt: self.close_lookup(), LOOKUP_SECONDS)
                              if phase in ("waiting", "shown") else None)
        self._render_lookup(screen)

    def _render_lookup(self, screen) -> None:
        _ = self.host.tr._
        phase = screen.lookup_phase
        if phase == "waiting":
            screen.lookup_lines = [_("Hold your ticket QR code to the scanner"),
                                   _("Your hours of this year are shown here and nowhere else.")]
        elif phase == "checking":
            screen.lookup_lines = [_("Looking up your hours…")]
        elif phase == "shown" and self._answer is not None:
            screen.lookup_lines = self._answer_lines(self._answer)
        else:
            screen.lookup_lines = []

    def _answer_lines(self, lookup: HoursLookup) -> list[str]:
        _ = self.host.tr._
        answer = lookup.answer
        if answer is None:
            return [_("Your hours need the server, which cannot be reached right now"),
                    _("Please try again later, or ask at the service desk.")]
        if answer.kind != "found":
            return [_(_LOOKUP_WORDS[answer.kind])]
        lines = [_("%(name)s: %(hours)s hours in %(year)d") % {"name": answer.name, "hours": f"{answer.hours:g}",
                                                                 "year": answer.year},
                 _("%d activities served") % answer.activities]
        if answer.team is not None:
            lines.append(answer.team.get(self.host.lang))
        for line in answer.recent[:3]:
            lines.append(f"{line.starts_at.astimezone():%m-%d}  {line.title.get(self.host.lang)}  "
                         + _("%(hours)d h %(minutes)d min") % {"hours": line.minutes // 60, "minutes": line.minutes % 60})
        return lines
