"""Queue numbers on the kiosk: choosing a service, taking a number (the server decides it), the slip, the calls
(polled, shown and spoken on any screen) and rating a served number by scanning its slip.

Every server request runs on the controller's worker thread (or its poller); both only put an event on a queue
and fire a Clock trigger, and ``_drain`` handles it on the UI thread, as kiosk/checkin does.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import datetime

from kivy.clock import Clock

from common.catalogue import Service
from common.queue_wire import QueueCall, QueueNumber, QueueRefused, QueueWindowState, SlipAnswer
from kiosk.host import KioskHost
from kiosk.i18n import N_
from kiosk.worker_events import drain
from services.checkin.online import TerminalApi
from services.devices.printer import queue_slip
from services.devices.speech import spoken_number
from services.queue.desk import Offline, QueueDesk

log = logging.getLogger(__name__)

PICK, PHONE, TICKET, RATE = "queue_pick", "queue_phone", "queue_ticket", "queue_rate"
QUEUE_SCREENS = (PICK, PHONE, TICKET, RATE)
# How often the kiosk asks for new calls: a call reaches it within this.
POLL_SECONDS = 3.0
# Taking a number waits this long for the server before saying it is offline.
REQUEST_TIMEOUT_SECONDS = 6.0
RATING_WORDS = {5: N_("Very satisfied"), 4: N_("Satisfied"), 3: N_("Basically satisfied"), 2: N_("Dissatisfied"),
                1: N_("Very dissatisfied")}
# What went wrong, to tap instead of typing (2 = 不满意, 1 = 非常不满意 need one).
REASONS = (N_("Waited too long"), N_("Unfriendly service"), N_("Not told clearly what to bring"),
           N_("Could not get it done"), N_("Sent from window to window"))
REFUSALS = {
    "unknown_service": N_("This service does not take numbers here."),
    "not_queued_here": N_("This service does not take numbers here."),
    "closed": N_("This window is not giving out numbers now."),
    "limit_reached": N_("Today's numbers for this window are all taken."),
}


def call_words(call: QueueCall, tr, lang: str, number: str | None = None) -> str:
    """请 A012 号到 3 号窗口 / Number A012, please go to window 3; a window without a number by its name.
    ``number``: the number as it is to be said (digit by digit), else as shown."""
    said = number or call.number
    if call.window_label:
        return tr._("Number %(number)s, please go to window %(window)s") % {"number": said, "window": call.window_label}
    return tr._("Number %(number)s, please go to %(place)s") % {"number": said, "place": call.window.get(lang)}


class QueueController:
    def __init__(self, host: KioskHost, speak):
        self.host = host
        self._speak = speak
        self._api = TerminalApi(host.data_dir, REQUEST_TIMEOUT_SECONDS)
        self.desk = QueueDesk(self._api)
        self._events: queue.Queue = queue.Queue()
        self._work: queue.Queue = queue.Queue()
        self._trigger = Clock.create_trigger(self._drain)
        self._stopped = threading.Event()
        self.windows: list[QueueWindowState] = []
        self.service: Service | None = None
        self.issued: QueueNumber | None = None
        self.slip_token = ""
        self.latest_call: QueueCall | None = None
        self.calls_heard = 0
        self._handlers = {"windows": self._show_windows, "taken": self._show_taken, "calls": self._announce,
                          "slip": self._show_slip, "rated": self._show_rated}

    def start(self) -> None:
        self.host.bind(lang=self._on_lang)
        threading.Thread(target=self._work_loop, name="queue-desk", daemon=True).start()
        threading.Thread(target=self._poll_loop, name="queue-calls", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        self._work.put(None)

    # -- worker threads: only a queue and a trigger ----------------------------------------------

    def _work_loop(self) -> None:
        while True:
            job = self._work.get()
            if job is None:
                return
            kind, call = job
            try:
                outcome = call()
            except Exception as exc:  # a bug in one request must not stop the next
                log.exception("queue request failed")
                outcome = Offline(f"{type(exc).__name__}: {exc}")
            self._events.put((kind, outcome))
            self._trigger()

    def _poll_loop(self) -> None:
        while not self._stopped.wait(POLL_SECONDS):
            if not self.host.kiosk_settings.modules.queue:
                continue
            try:
                fresh = self.desk.new_calls()
            except Exception as exc:  # offline: the next poll tries again
                log.debug("polling queue calls failed: %s", exc)
                continue
            if fresh:
                self._events.put(("calls", fresh))
                self._trigger()

    def _drain(self, *_args) -> None:
        drain(self._events, self._handlers, "queue")

    def _on_lang(self, *_args) -> None:
        """The lists and the last call in the visitor's new language."""
        self._fill_windows()
        if self.latest_call is not None:
            words = call_words(self.latest_call, self.host.tr, self.host.lang)
            self.host.screens[PICK].latest_call = words
            self.host.screens[TICKET].latest_call = words

    # -- choosing ----------------------------------------------------------------------------------

    def open(self, service_code: str | None = None) -> None:
        """The 取号 tile (choose a window, then a service), or 取号办理 on a service's guide (that service)."""
        host = self.host
        screen = host.screens[PICK]
        screen.reset()
        screen.phase = "loading"
        self.service = None
        if service_code is not None:
            service = next((s for s in host.catalogue.services if s.code == service_code), None)
            if service is not None:
                self.choose_service(service.code)
        else:
            host.navigator.go(PICK)
        self._work.put(("windows", self.desk.windows))

    def _show_windows(self, found) -> None:
        screen = self.host.screens[PICK]
        if isinstance(found, Offline):
            self.windows = []
            screen.phase = "offline"
            screen.offline_phones = self._catalogue_phones()
            return
        self.windows = [w for w in found if w.open]
        screen.phase = "windows" if self.windows else "none_open"
        self._fill_windows()

    def _catalogue_phones(self) -> str:
        """Each window's phone from the catalogue: what the visitor can still do offline."""
        lang = self.host.lang
        seen: dict[str, str] = {}
        for service in self.host.catalogue.services:
            seen.setdefault(service.office.window.get(lang), service.phone)
        return "\n".join(f"{name}  {phone}" for name, phone in list(seen.items())[:8])

    def _fill_windows(self) -> None:
        lang, tr = self.host.lang, self.host.tr
        screen = self.host.screens[PICK]
        screen.window_rows = [
            {"key": w.letter, "title": f"{w.letter}  {w.window.get(lang)}",
             "subtitle": tr._("%(count)d waiting · about %(minutes)d min") % {"count": w.waiting,
                                                                             "minutes": w.wait_minutes}}
            for w in self.windows]

    def choose_window(self, letter: str) -> None:
        window = next((w for w in self.windows if w.letter == letter), None)
        if window is None:
            return
        lang = self.host.lang
        by_code = {s.code: s for s in self.host.catalogue.services}
        screen = self.host.screens[PICK]
        screen.chosen_window = window.window.get(lang)
        screen.service_rows = [{"key": code, "title": by_code[code].name.get(lang), "subtitle": by_code[code].category.get(lang)}
                               for code in window.service_codes if code in by_code]
        screen.phase = "services"

    def choose_service(self, code: str) -> None:
        host = self.host
        self.service = next((s for s in host.catalogue.services if s.code == code), None)
        if self.service is None:
            return
        screen = host.screens[PHONE]
        screen.reset()
        screen.service_name = self.service.name.get(host.lang)
        screen.window_name = self.service.office.window.get(host.lang)
        host.navigator.go(PHONE)

    def take(self, phone: str) -> None:
        """Take the number (the phone is optional: 11 digits or none)."""
        host = self.host
        screen = host.screens[PHONE]
        if phone and len(phone) != 11:
            screen.error = N_("A mobile number has 11 digits.")
            return
        if self.service is None:
            return
        ticket = host.screens[TICKET]
        ticket.reset()
        ticket.phase = "taking"
        host.navigator.go(TICKET)
        code, lang = self.service.code, host.lang
        self._work.put(("taken", lambda: self.desk.take(code, phone or None, lang)))

    def _show_taken(self, result) -> None:
        host = self.host
        screen = host.screens[TICKET]
        lang = host.lang
        if isinstance(result, QueueNumber):
            from common.qr import qr_image
            from kiosk.textures import texture_from_image

            self.issued = result
            screen.number = result.number
            screen.service_name = result.service_name.get(lang)
            screen.window_name = result.window.get(lang)
            screen.people_ahead = result.people_ahead
            screen.wait_minutes = result.wait_minutes
            screen.qr_texture = texture_from_image(qr_image(result.follow_url, box_size=4, border=1))
            screen.phase = "number"
            self._speak(host.tr._("Your number is %(number)s. %(count)d people ahead of you.") % {
                "number": spoken_number(result.number, lang), "count": result.people_ahead})
            if host.printer_enabled:
                self.print_slip()
            return
        service = self.service
        screen.window_name = service.office.window.get(lang) if service else ""
        if isinstance(result, QueueRefused):
            screen.message = REFUSALS[result.reason]
            screen.window_phone = result.window_phone or (service.phone if service else "")
            screen.phase = "refused"
        else:
            screen.message = N_("Numbers need the connection to the server, which is down right now. Please ask at the window or call it.")
            screen.window_phone = service.phone if service else ""
            screen.phase = "offline"

    def print_slip(self) -> None:
        host, issued = self.host, self.issued
        if issued is None or host.printing or not host.printer_enabled:
            return
        host.print_slip(queue_slip(
            host.lang, number=issued.number, service_name=issued.service_name.get(host.lang),
            window_name=issued.window.get(host.lang), people_ahead=issued.people_ahead,
            wait_minutes=issued.wait_minutes, follow_url=issued.follow_url,
            terminal_name=host.kiosk_settings.terminal.name, printed_at=datetime.now(),
            centre_name=host.kiosk_settings.terminal.centre_name.get(host.lang)))

    # -- calls -------------------------------------------------------------------------------------

    def _announce(self, calls: list[QueueCall]) -> None:
        """Each new call on any screen, in words (a banner) and by voice; the last one stays on the queue screens."""
        host = self.host
        for call in calls:
            self.latest_call = call
            self.calls_heard += 1
            words = call_words(call, host.tr, host.lang)
            host.screens[PICK].latest_call = words
            host.screens[TICKET].latest_call = words
            if host.current_screen not in (PICK, TICKET):  # those show it in their own banner
                host.notify(words)
            self._speak(call_words(call, host.tr, host.lang, spoken_number(call.number, host.lang)))

    # -- rating by the slip --------------------------------------------------------------------------

    def rate_slip(self, token: str) -> None:
        """A slip was scanned (on any screen): look it up, then offer the rating if it was served."""
        host = self.host
        self.slip_token = token
        screen = host.screens[RATE]
        screen.reset()
        screen.phase = "checking"
        host.navigator.go(RATE)
        host.idle.activity()
        self._work.put(("slip", lambda: self.desk.slip(token)))

    def _show_slip(self, answer) -> None:
        screen = self.host.screens[RATE]
        self._fill_answer(screen, answer)
        if isinstance(answer, SlipAnswer) and answer.state == "served":
            screen.phase = "rate"
            self._speak(self.host.tr._("How was the service? Please touch one of the five ratings."))

    def _fill_answer(self, screen, answer) -> None:
        lang = self.host.lang
        if isinstance(answer, Offline):
            screen.phase = "offline"
            return
        screen.number = answer.number or ""
        screen.service_name = answer.service_name.get(lang) if answer.service_name else ""
        screen.window_name = answer.window.get(lang) if answer.window else ""
        screen.phase = {"unknown": "unknown", "rated": "rated", "no_show": "not_served", "waiting": "not_served",
                        "called": "not_served", "served": "rate"}[answer.state]

    def choose_rating(self, rating: int) -> None:
        screen = self.host.screens[RATE]
        screen.rating = rating
        if rating <= 2:
            screen.phase = "reason"  # an unhappy rating says what went wrong
            return
        self._send_rating(rating, "")

    def choose_reason(self, reason: str) -> None:
        screen = self.host.screens[RATE]
        self._send_rating(screen.rating, self.host.tr._(reason))

    def _send_rating(self, rating: int, reason: str) -> None:
        screen = self.host.screens[RATE]
        screen.phase = "checking"
        token, lang = self.slip_token, self.host.lang
        self._work.put(("rated", lambda: self.desk.rate(token, rating, reason, lang)))

    def _show_rated(self, answer) -> None:
        screen = self.host.screens[RATE]
        self._fill_answer(screen, answer)
        if screen.phase == "rated":
            self._speak(self.host.tr._("Thank you for rating the service."))

    def reset(self) -> None:
        self.service, self.issued, self.slip_token = None, None, ""
