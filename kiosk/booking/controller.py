"""Space booking on the kiosk: the week's free slots, the visitor's name, company and mobile number, the pass.

Every step asks the server (``services.booking.desk``) on a worker thread and comes back to the UI thread with
``mainthread``; offline, the screens say that booking needs the server. The server decides who gets a slot:
a refusal comes back with the nearest free slot, which the visitor can take with one tap.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import datetime

from kivy.clock import mainthread

from common.wire import MAINLAND_MOBILE_PATTERN, BookingGrid, BookingOutcome, BookingSlot
from kiosk.host import KioskHost
from kiosk.i18n import N_
from services.booking.desk import BookingDesk, BookingDraft
from services.checkin.online import TerminalApi
from services.devices.printer import booking_slip

log = logging.getLogger(__name__)

GRID, FORM, PASS = "booking", "booking_form", "booking_pass"
# A booking waits longer for the server than a check-in: the visitor has just pressed "Book" and watches.
BOOKING_TIMEOUT_SECONDS = 8.0
FIELDS = ("name", "company", "phone")
FIELD_LIMITS = {"name": 40, "company": 120, "phone": 11}
REFUSALS = {
    "taken": N_("Someone booked this time a moment ago."),
    "daily_limit": N_("This would take you over the space's daily limit per person."),
    "too_far_ahead": N_("This day cannot be booked yet."),
    "past": N_("This time has passed."),
    "closed": N_("The space is closed on this day."),
    "not_a_slot": N_("This time cannot be booked."),
    "no_space": N_("This space cannot be booked now."),
}
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
_PHONE = re.compile(MAINLAND_MOBILE_PATTERN)


class BookingController:
    def __init__(self, host: KioskHost):
        self.host = host
        self.desk = BookingDesk(TerminalApi(host.data_dir, BOOKING_TIMEOUT_SECONDS))
        self.grid: BookingGrid | None = None
        self.space_id: int | None = None
        self.draft: BookingDraft | None = None
        self.outcome: BookingOutcome | None = None
        self._nearest: BookingSlot | None = None
        # Counts wiped sessions: an answer arriving after the visitor left shows nothing.
        self._session = 0

    # -- the grid --------------------------------------------------------------------------------

    def open(self) -> None:
        screen = self.host.screens[GRID]
        screen.phase = "loading"
        self.host.navigator.go(GRID)
        self._in_background(self.desk.grid, self._grid_arrived)

    def _grid_arrived(self, grid: BookingGrid | None) -> None:
        screen = self.host.screens[GRID]
        self.grid = grid
        if grid is None:
            screen.phase = "offline"
            return
        if not grid.spaces:
            screen.phase = "empty"
            return
        if self.space_id not in [space.id for space in grid.spaces]:
            self.space_id = grid.spaces[0].id
        screen.phase = "grid"
        self.fill_grid()

    def choose_space(self, space_id: int) -> None:
        self.space_id = space_id
        self.fill_grid()

    def fill_grid(self, *_args) -> None:
        """The chosen space's days as columns and its slot times as rows, in the current language."""
        screen = self.host.screens.get(GRID)
        if screen is None or self.grid is None or screen.phase != "grid":
            return
        _ = self.host.tr._
        lang = self.host.lang
        space = next(s for s in self.grid.spaces if s.id == self.space_id)
        screen.spaces = [(s.id, s.name.get(lang)) for s in self.grid.spaces]
        screen.space_id = space.id
        screen.note = (_("%(place)s · up to %(people)d people · at most %(minutes)d minutes a day per person")
                       % {"place": space.place, "people": space.capacity, "minutes": space.max_minutes_per_day})
        today = _("Today")
        screen.days = [f"{day.day.month}/{day.day.day}\n{today if n == 0 else _(WEEKDAYS[day.day.weekday()])}"
                       for n, day in enumerate(space.days)]
        times = sorted({_clock(slot.starts_at) for day in space.days for slot in day.slots})
        rows = []
        for time in times:
            cells = []
            for day in space.days:
                slot = next((s for s in day.slots if _clock(s.starts_at) == time), None)
                cells.append(("none", "", "") if slot is None else (slot.state, self._cell_words(slot),
                                                                    slot.starts_at.isoformat()))
            rows.append((time, cells))
        screen.rows = rows

    def _cell_words(self, slot: BookingSlot) -> str:
        _ = self.host.tr._
        if slot.state == "free":  # a space whose places are booked one by one says how many are left
            return _("Available") if slot.free <= 1 else _("%d left") % slot.free
        return {"full": _("Booked"), "past": _("Past"), "closed": _("Not open")}[slot.state]

    # -- the form --------------------------------------------------------------------------------

    def choose_slot(self, starts_at: str) -> None:
        if self.space_id is None:
            return
        self.draft = BookingDraft(space_id=self.space_id, starts_at=datetime.fromisoformat(starts_at))
        form = self.host.screens[FORM]
        form.reset()
        self._fill_form()
        self.host.navigator.go(FORM)

    def _fill_form(self, *_args) -> None:
        form = self.host.screens.get(FORM)
        if form is None or self.draft is None or self.grid is None:
            return
        space = next(s for s in self.grid.spaces if s.id == self.draft.space_id)
        form.slot_text = f"{space.name.get(self.host.lang)}  ·  {self._when(self.draft.starts_at, space.slot_minutes)}"

    def submit(self) -> None:
        form = self.host.screens[FORM]
        if self.draft is None or form.submitting:
            return
        problem, field = self._problem(form)
        if problem:
            form.error, form.field = problem, field
            return
        self.draft.name, self.draft.company, self.draft.phone = form.name_value.strip(), form.company.strip(), form.phone
        form.submitting, form.error, form.offer = True, "", ""
        draft = self.draft
        self._in_background(lambda: self.desk.book(draft), self._booked)

    @staticmethod
    def _problem(form) -> tuple[str, str]:
        if not form.name_value.strip():
            return N_("Please enter your name."), "name"
        if not _PHONE.fullmatch(form.phone):
            return N_("Please enter an 11-digit mainland mobile number."), "phone"
        return "", form.field

    def _booked(self, outcome: BookingOutcome | None) -> None:
        form = self.host.screens[FORM]
        form.submitting = False
        if outcome is None:
            form.error = N_("Booking needs the server, and it cannot be reached now. Please try again in a moment.")
            return
        if outcome.booking is None:
            self._nearest = outcome.nearest
            form.error = REFUSALS.get(outcome.refused or "", REFUSALS["not_a_slot"])
            form.offer = self._offer_words(outcome.nearest)
            return
        self.outcome = outcome
        self.host.screens[PASS]  # built now if it was not yet, so that it can be filled before it shows
        self._fill_pass()
        self.host.navigator.go(PASS)

    def _offer_words(self, nearest: BookingSlot | None) -> str:
        if nearest is None or self.grid is None or self.draft is None:
            return ""
        space = next(s for s in self.grid.spaces if s.id == self.draft.space_id)
        return self.host.tr._("Book %s instead") % self._when(nearest.starts_at, space.slot_minutes)

    def take_offer(self) -> None:
        """Book the nearest free slot the server offered, with what the visitor already entered."""
        if self._nearest is None or self.draft is None:
            return
        self.draft = BookingDraft(space_id=self.draft.space_id, starts_at=self._nearest.starts_at)
        self._nearest = None
        self._fill_form()
        self.submit()

    # -- the pass --------------------------------------------------------------------------------

    def _fill_pass(self, *_args) -> None:
        screen = self.host.screens.get(PASS)
        if screen is None or self.outcome is None or self.outcome.booking is None:
            return
        from common.qr import qr_image
        from kiosk.textures import texture_from_image

        booking = self.outcome.booking
        minutes = int((booking.ends_at - booking.starts_at).total_seconds() // 60)
        screen.space_text = booking.space.get(self.host.lang)
        screen.place_text = booking.place
        screen.when_text = self._when(booking.starts_at, minutes)
        screen.person_text = f"{booking.masked_name}  ·  {booking.masked_phone}"
        screen.pass_text = booking.pass_text
        space = next((s for s in self.grid.spaces if s.id == booking.space_id), None) if self.grid else None
        screen.release_minutes = space.release_minutes if space is not None else 15
        screen.qr_texture = texture_from_image(qr_image(booking.pass_text, box_size=8, border=2))

    def print_pass(self) -> None:
        host = self.host
        if self.outcome is None or self.outcome.booking is None or host.printing or not host.printer_enabled:
            return
        booking = self.outcome.booking
        minutes = int((booking.ends_at - booking.starts_at).total_seconds() // 60)
        host.print_slip(booking_slip(
            host.lang, space=booking.space.get(host.lang), place=booking.place,
            when=self._when(booking.starts_at, minutes), masked_name=booking.masked_name,
            pass_text=booking.pass_text, terminal_name=host.kiosk_settings.terminal.name, printed_at=datetime.now(),
            centre_name=host.kiosk_settings.terminal.centre_name.get(host.lang)))

    # -- language and session --------------------------------------------------------------------

    def relabel(self) -> None:
        """The visitor switched language: every booking screen's words again."""
        self.fill_grid()
        self._fill_form()
        self._fill_pass()

    def reset(self) -> None:
        self._session += 1
        self.draft, self.outcome, self._nearest = None, None, None

    def _when(self, starts_at: datetime, minutes: int) -> str:
        local = starts_at.astimezone()
        day = f"{local.month}/{local.day} {self.host.tr._(WEEKDAYS[local.weekday()])}"
        end = local.timestamp() + minutes * 60
        return f"{day} {local:%H:%M}–{datetime.fromtimestamp(end).astimezone():%H:%M}"

    def _in_background(self, work, then) -> None:
        session = self._session

        @mainthread
        def arrived(result) -> None:
            if session == self._session:
                then(result)

        def run() -> None:
            try:
                result = work()
            except Exception:  # a bug in one request must not leave the screen waiting forever
                log.exception("booking request failed")
                result = None
            arrived(result)

        threading.Thread(target=run, name="booking", daemon=True).start()


def _clock(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")
