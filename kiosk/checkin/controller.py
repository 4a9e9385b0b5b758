"""Event check-in on the kiosk: the scanner, the desk, and the check-in screen's phases.

Scans arrive on the scanner's threads and desk answers on the desk's worker thread; both only put an
event on a queue and fire a Clock trigger, and ``_drain`` handles them on the UI thread (as
``kiosk.sync.bridge`` does). ``desk.check`` (a network request, an SQLite commit) never runs on the UI
thread. A scan on any screen jumps to the check-in screen; while the kiosk is out of service, closed,
in maintenance or not enrolled yet, tickets are not checked (the notice stays, a refusal tone sounds),
but an enrolment QR enrols a kiosk that is waiting for enrolment.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window

from common.booking_pass import looks_like_pass
from common.checkin_rules import credited_minutes
from common.paths import ASSETS_DIR
from kiosk import __version__
from kiosk.host import KioskHost
from kiosk.i18n import N_
from kiosk.worker_events import drain
from services.checkin.enrolment_qr import ENROLMENT_QR_PREFIX, enrol_by_qr, parse_enrolment_qr
from services.checkin.link_health import LinkHealth
from services.devices.scanner import Scan, ScannerConfig, open_scanner
from services.sync.api import SyncError

log = logging.getLogger(__name__)

SOUNDS_DIR = ASSETS_DIR / "sounds"
CHECKIN = "checkin"
PHONE_CODE_STEP_SECONDS = 30
# Reading (keys of a keyboard-wedge burst arriving) falls back to waiting if no scan follows.
READING_TIMEOUT_SECONDS = 1.0
# "Checking" shows only when the desk takes longer than this (an online check waiting for the server):
# a verdict that comes at once takes one redraw instead of two, and nothing flickers.
CHECKING_AFTER_SECONDS = 0.15
# A booking pass is checked by the server alone; the visitor waits for it a little longer than for a ticket.
PASS_TIMEOUT_SECONDS = 3.0
# Keys of a keyboard-wedge scanner's Enter: Return and keypad Enter.
ENTER_KEYS = (13, 271)


def scanner_config(settings, kind_override: str | None = None) -> ScannerConfig:
    """The scanner settings as the scanner package takes them; "auto": the serial port when it exists,
    else keyboard-wedge input."""
    scanner = settings.checkin.scanner
    kind = kind_override or scanner.kind
    if kind == "auto":
        kind = "serial" if Path(scanner.port).exists() else "hid"
    return ScannerConfig(
        kind=kind,
        port=scanner.port,
        baudrate=scanner.baudrate,
        encoding=scanner.encoding,
        repeat_window_seconds=scanner.repeat_window_seconds,
        camera_repeat_window_seconds=scanner.camera_repeat_window_seconds,
    )


class CheckinController:
    def __init__(self, host: KioskHost):
        self.host = host
        self._events: queue.Queue = queue.Queue()
        self._work: queue.Queue = queue.Queue()
        self._trigger = Clock.create_trigger(self._drain)
        # What the UI thread does with each kind of event the scanner threads and the desk's worker put on the queue.
        self._handlers = {"scan": self._handle_scan, "verdict": self._handle_verdict, "failed": self._handle_failed,
                          "enrolled": self._handle_enrolled, "enrol_failed": self._handle_enrol_failed,
                          "scanner": self._handle_scanner, "pass": self._handle_pass}
        self.scanner = None
        self.scanner_state = "off"
        self.desk = None
        self._last_verdict = None  # (kind, result or reason) of the verdict on screen, for a language switch
        self._back_to_waiting = None
        self._reading_timeout = None
        self._checking = None
        self._phone_key = None
        self._sounds = self._load_sounds()
        self._scanner_settings = None
        # Verdicts shown so far: a new one is a new number even when it looks the same (tests, benchmarks).
        self.verdicts_shown = 0
        # Shared with the sync engine: its heartbeats tell the desk whether the server answers.
        self.link = LinkHealth(host.kiosk_settings.checkin.link)

    # -- lifecycle (UI thread) --------------------------------------------------------------------

    def start(self) -> None:
        self.desk = self._make_desk()
        threading.Thread(target=self._work_loop, name="checkin-desk", daemon=True).start()
        Window.bind(on_key_down=self._on_key_down, on_textinput=self._on_textinput)
        self.host.bind(lang=self._on_lang)
        Clock.schedule_interval(self._refresh_waiting, 1.0)
        self.configure(self.host.kiosk_settings)

    def stop(self) -> None:
        self._stop_scanner()
        self._work.put(None)

    def configure(self, settings) -> None:
        """(Re)start the scanner when its settings or the module switch changed."""
        self.link.configure(settings.checkin.link)
        if self.desk is not None:
            self.desk.terminal_name = settings.terminal.name
            self._api.timeout_seconds = settings.checkin.online_timeout_seconds
        wanted = scanner_config(settings, self.host.scanner_kind) if settings.modules.checkin else None
        if wanted == self._scanner_settings:
            return
        self._stop_scanner()
        self._scanner_settings = wanted
        if wanted is None:
            return
        self.scanner = open_scanner(wanted, self._on_scan, self._on_scanner_state)
        self.scanner.start()
        self.scanner_state = self.scanner.state
        log.info("scanner %s: %s", wanted.kind, self.scanner.describe())
        if wanted.kind == "simulator":
            # For whoever runs the demo: how to "scan" a ticket from another shell.
            print(f"Scanner simulator: echo '<ticket>' > {self.scanner.describe()}", flush=True)

    def _stop_scanner(self) -> None:
        if self.scanner is not None:
            scanner, self.scanner = self.scanner, None
            scanner.stop()

    def enter(self) -> None:
        """The visitor opened the check-in screen: fresh events and phone code, unless a verdict shows."""
        screen = self.host.screens[CHECKIN]
        if screen.phase != "verdict":
            screen.phase = self._resting_phase()
        self._refresh_waiting(force=True)

    def peripheral_state(self) -> str:
        """The scanner as a heartbeat reports it."""
        if self._scanner_settings is None or self._scanner_settings.kind == "none":
            return "disabled"
        return {"ready": "ok", "disconnected": "absent"}.get(self.scanner_state, "error")

    def describe_scanner(self) -> str:
        return self.scanner.describe() if self.scanner is not None else ""

    def _make_desk(self):
        from services.booking.desk import BookingDesk
        from services.checkin.desk import CheckinDesk
        from services.checkin.online import TerminalApi
        from services.storage.outbox import Outbox

        settings = self.host.kiosk_settings
        self._api = TerminalApi(self.host.data_dir, settings.checkin.online_timeout_seconds)
        self._passes = BookingDesk(TerminalApi(self.host.data_dir, PASS_TIMEOUT_SECONDS))
        return CheckinDesk(self.host.store, Outbox(self.host.store), api=self._api, link=self.link,
                           terminal_name=settings.terminal.name)

    # -- from other threads: only a queue and a trigger ----------------------------------------------

    def _on_scan(self, scan: Scan) -> None:
        self._events.put(("scan", scan))
        self._trigger()

    def _on_scanner_state(self, state: str, detail: str) -> None:
        self._events.put(("scanner", state))
        self._trigger()

    def _work_loop(self) -> None:
        while True:
            job = self._work.get()
            if job is None:
                return
            kind, payload = job
            try:
                outcome = self._check(payload) if kind == "check" else self._enrol(payload)
            except Exception as exc:  # a bug in one scan must not stop check-in for the next
                log.exception("check-in of a scan failed")
                outcome = ("failed", f"{type(exc).__name__}: {exc}")
            self._events.put(outcome)
            self._trigger()

    def _check(self, scan: Scan):
        if looks_like_pass(scan.text):  # a booking pass: only the server knows the booking's state
            space_ids = self.host.kiosk_settings.checkin.booking_space_ids()
            return ("pass", self._passes.check_pass(scan.text, space_ids))
        return ("verdict", self.desk.check(scan.text, scan.received_at))

    def _enrol(self, text: str):
        try:
            identity = enrol_by_qr(text, self.host.data_dir, __version__)
        except SyncError as exc:
            log.warning("enrolment by QR failed: %s", exc)
            return ("enrol_failed", N_("The server did not accept this enrolment code. Please ask the administrator for a new one."))
        log.info("enrolled by QR as terminal %s (%s) with %s", identity.terminal_id, identity.name, identity.server_url)
        # The pairing engine would go on asking for its pairing code: stop it here (it may take a request's
        # timeout); the UI thread starts a new one that finds the credential.
        self.host.stop_sync()
        return ("enrolled", identity.name)

    # -- on the UI thread ------------------------------------------------------------------------

    def _drain(self, *_args) -> None:
        drain(self._events, self._handlers, "check-in")

    def _handle_scan(self, scan: Scan) -> None:
        host = self.host
        if scan.text.startswith(ENROLMENT_QR_PREFIX):
            self._route_enrolment(scan.text)
            return
        refusal = self._not_checking_why()
        if refusal:
            log.info("scan ignored: %s", refusal)
            self._play(False)
            return
        if host.claim_scan(scan.text):  # e.g. the volunteer screen looking up a ticket's hours
            return
        if host.handle_queue_slip(scan.text):  # a queue slip: rated, not checked in
            return
        screen = host.screens[CHECKIN]
        if host.current_screen != CHECKIN:
            host.navigator.go(CHECKIN)
        self._cancel_timers()
        if screen.phase == "verdict":  # the last visitor's verdict goes at once: the next one must be seen to arrive
            screen.phase = self._resting_phase()
        self._checking = Clock.schedule_once(lambda _dt: setattr(screen, "phase", "checking"), CHECKING_AFTER_SECONDS)
        host.idle.activity()
        self._work.put(("check", scan))

    def _not_checking_why(self) -> str:
        """Why a ticket is not checked right now ("" when it is)."""
        host = self.host
        status = host.sync_status
        if status is not None and status.state == "pairing":
            return "terminal not enrolled yet"
        if not host.in_service:
            return "terminal out of service"
        if host.notice_title:
            return "terminal closed outside opening hours"
        if host.current_screen == "maintenance":
            return "maintenance screen open"
        return ""

    def _route_enrolment(self, text: str) -> None:
        status = self.host.sync_status
        if status is None or status.state not in ("pairing", "standalone"):
            log.info("enrolment QR scanned on an enrolled terminal: ignored")
            self._show("enrol_failed", N_("This terminal is already enrolled."))
            return
        if parse_enrolment_qr(text) is None:
            self._show("enrol_failed", N_("This enrolment code is not valid."))
            return
        self._work.put(("enrol", text))

    def _handle_verdict(self, result) -> None:
        log.info("check-in %s (%s): %s", result.kind, result.mode, result.verdict.detail)
        if result.kind == "welcome":
            self.host.usage.counted("checkin")
        self._show(result.kind, result)

    def _handle_pass(self, verdict) -> None:
        kind = f"pass_{verdict.kind}" if verdict is not None else "pass_offline"
        log.info("booking pass check-in: %s", kind)
        self._show(kind, verdict)

    def _handle_failed(self, reason: str) -> None:
        # The desk could not even record the scan: say so rather than show nothing.
        self._show("failed", None)

    def _handle_enrolled(self, name: str) -> None:
        self._show("enrolled", name)
        self.host.restart_sync()

    def _handle_enrol_failed(self, reason: str) -> None:
        self._show("enrol_failed", reason)

    def _handle_scanner(self, state: str) -> None:
        self.scanner_state = state
        self.host.peripherals_changed()
        screen = self.host.screens.get(CHECKIN)
        if screen is not None and screen.phase != "verdict":
            screen.phase = self._resting_phase()

    def _resting_phase(self) -> str:
        return "waiting" if self.scanner_state == "ready" else "out_of_order"

    # -- showing ---------------------------------------------------------------------------------

    def _show(self, kind: str, result) -> None:
        host = self.host
        screen = host.screens[CHECKIN]
        if host.current_screen != CHECKIN:
            host.navigator.go(CHECKIN)
        self._last_verdict = (kind, result)
        screen.verdict_kind = kind
        screen.verdict_lines = self._lines(kind, result)
        screen.on_verdict_touched = self.back_to_waiting
        screen.phase = "verdict"
        self.verdicts_shown += 1
        self._say_verdict(kind, screen.verdict_lines)
        self._play(kind in ("welcome", "checked_out", "enrolled"))
        self._cancel_timers()
        self._back_to_waiting = Clock.schedule_once(
            lambda _dt: self.back_to_waiting(), host.kiosk_settings.checkin.verdict_seconds)

    def _say_verdict(self, kind: str, lines: list[str]) -> None:
        """The verdict's headline and lines aloud; a welcome's masked name (张*明) is not said."""
        from kiosk.checkin.screen import VERDICTS

        headline = self.host.tr._(VERDICTS[kind][2]) if kind in VERDICTS else ""
        spoken = lines[1:] if kind == "welcome" else lines
        self.host.speak(" ".join([headline, *spoken]).strip())

    def back_to_waiting(self) -> None:
        self._cancel_timers()
        self._last_verdict = None
        screen = self.host.screens.get(CHECKIN)
        if screen is not None:
            screen.phase = self._resting_phase()
            self._refresh_waiting(force=True)

    def _cancel_timers(self) -> None:
        for event in (self._back_to_waiting, self._reading_timeout, self._checking):
            if event is not None:
                event.cancel()
        self._back_to_waiting = self._reading_timeout = self._checking = None

    def _on_lang(self, *_args) -> None:
        screen = self.host.screens.get(CHECKIN)
        if screen is not None and self._last_verdict is not None:
            screen.verdict_lines = self._lines(*self._last_verdict)
        self._refresh_waiting(force=True)

    def _lines(self, kind: str, result) -> list[str]:
        """The lines under the verdict's headline, in the current language."""
        host = self.host
        _ = host.tr._
        if kind == "enrolled":
            return [result, _("The terminal starts by itself in a moment.")]
        if kind == "enrol_failed":
            return [_(result)]
        if result is None:
            return []
        if kind.startswith("pass_"):
            return self._pass_lines(kind, result)
        title = result.event_title.get(host.lang) if result.event_title is not None else ""
        event = result.event
        if kind == "welcome":
            return [line for line in (result.masked_name, title) if line]
        if kind == "checked_out" and result.prior is not None:
            ends_at = event.ends_at if event is not None else result.scanned_at
            minutes = credited_minutes(result.prior.scanned_at, result.scanned_at, ends_at)
            spans = {"in": _when(result.prior.scanned_at), "out": _when(result.scanned_at),
                     "hours": minutes // 60, "minutes": minutes % 60}
            return [line for line in (result.masked_name, _("%(in)s–%(out)s: %(hours)d h %(minutes)d min of service") % spans,
                                      title) if line]
        if kind == "already" and result.prior is not None and result.prior.checked_out_at is not None:
            return [_("Checked out at %s") % _when(result.prior.checked_out_at), title]
        if kind == "already" and result.prior is not None:
            when = {"time": _when(result.prior.scanned_at), "terminal": result.prior.terminal_name}
            return [_("Checked in at %(time)s, %(terminal)s") % when, title]
        if kind == "not_open" and event is not None:
            return [_("Check-in opens at %s") % _when(event.opens_at), title]
        if kind == "closed" and event is not None:
            return [_("Check-in closed at %s") % _when(event.closes_at), title]
        return [title] if title else []

    def _pass_lines(self, kind: str, verdict) -> list[str]:
        """A booking pass's verdict: who (masked), which space and when; when check-in opens or happened."""
        _ = self.host.tr._
        if verdict.space is None or verdict.starts_at is None or verdict.ends_at is None:
            return []
        booked = f"{verdict.space.get(self.host.lang)}  ·  {_when(verdict.starts_at)}–{_when(verdict.ends_at)}"
        if kind == "pass_too_early" and verdict.opens_at is not None:
            return [_("Check-in opens at %s") % _when(verdict.opens_at), booked]
        if kind == "pass_already" and verdict.checked_in_at is not None:
            return [_("Checked in at %s") % _when(verdict.checked_in_at), booked]
        return [line for line in (verdict.masked_name, booked) if line]

    # -- waiting: events open now and the phone check-in QR --------------------------------------

    def _refresh_waiting(self, _dt=None, force: bool = False) -> None:
        screen = self.host.screens.get(CHECKIN)
        if screen is None or self.desk is None or (self.host.current_screen != CHECKIN and not force):
            return
        now = datetime.now(UTC)
        step = int(now.timestamp()) // PHONE_CODE_STEP_SECONDS
        events = [e for e in self.desk.events() if e.status == "published" and e.opens_at <= now < e.closes_at]
        key = (self.host.lang, step, now.astimezone().strftime("%H:%M"), tuple(e.id for e in events), self._server_url())
        if key == self._phone_key and not force:
            return
        self._phone_key = key
        _ = self.host.tr._
        screen.events = [
            (e.title.get(self.host.lang),
             _at_place(_("Check-in %(opens)s–%(closes)s") % {"opens": _when(e.opens_at), "closes": _when(e.closes_at)}, e))
            for e in events
        ]
        self._show_phone_code(screen, events[0] if events else None, now)

    def todays_events(self) -> list[tuple[str, str]]:
        """Published events of today not over yet, soonest first, for the home screen's board:
        [(title, "14:30–16:00 · place")] in the current language."""
        if self.desk is None:
            return []
        now = datetime.now(UTC)
        today = now.astimezone().date()
        events = [e for e in self.desk.events()
                  if e.status == "published" and e.ends_at > now and e.starts_at.astimezone().date() <= today]
        return [(e.title.get(self.host.lang), _at_place(f"{_when(e.starts_at)}–{_when(e.ends_at)}", e)) for e in events]

    def _show_phone_code(self, screen, event, now: datetime) -> None:
        server_url = self._server_url()
        if event is None or not server_url:
            screen.phone_qr, screen.phone_event = None, ""
            return
        from common.qr import qr_image
        from kiosk.textures import texture_from_image
        from services.checkin.phone_code import phone_checkin_url

        screen.phone_qr = texture_from_image(qr_image(phone_checkin_url(server_url, event, now), box_size=6, border=2))
        screen.phone_event = event.title.get(self.host.lang)

    def _server_url(self) -> str:
        status = self.host.sync_status
        return status.server_url if status is not None and status.state not in ("standalone", "pairing") else ""

    # -- keyboard-wedge scanners -----------------------------------------------------------------

    def _on_textinput(self, _window, text: str) -> None:
        if not self._is_hid():
            return
        now = time.monotonic()
        for char in text:
            self.scanner.feed_key(char, now)
        screen = self.host.screens.get(CHECKIN)
        if screen is not None and self.host.current_screen == CHECKIN and screen.phase == "waiting":
            screen.phase = "reading"
            self._reading_timeout = Clock.schedule_once(self._reading_gave_up, READING_TIMEOUT_SECONDS)

    def _on_key_down(self, _window, key, *_args) -> None:
        if key in ENTER_KEYS and self._is_hid():
            self.scanner.feed_key("enter", time.monotonic())

    def _reading_gave_up(self, _dt) -> None:
        screen = self.host.screens.get(CHECKIN)
        if screen is not None and screen.phase == "reading":
            screen.phase = self._resting_phase()

    def _is_hid(self) -> bool:
        return self.scanner is not None and hasattr(self.scanner, "feed_key")

    # -- sound -----------------------------------------------------------------------------------

    @staticmethod
    def _load_sounds() -> dict:
        """Missing audio (no sound card, as under Xvfb) leaves the kiosk silent, never broken."""
        try:
            from kivy.core.audio import SoundLoader

            sounds = {ok: SoundLoader.load(str(SOUNDS_DIR / name)) for ok, name in ((True, "accept.wav"), (False, "refuse.wav"))}
        except Exception as exc:
            log.info("no verdict sounds: %s", exc)
            return {}
        return {ok: sound for ok, sound in sounds.items() if sound is not None}

    def _play(self, accepted: bool) -> None:
        sound = self._sounds.get(accepted)
        if sound is None:
            return
        try:
            sound.stop()
            sound.play()
        except Exception as exc:
            log.info("verdict sound failed: %s", exc)


def _at_place(times: str, event) -> str:
    """An event's times, and its place when it has one."""
    return times + (f"  ·  {event.place}" if event.place else "")


def _when(moment: datetime) -> str:
    """Local time; with the date when it is not today."""
    local = moment.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")
