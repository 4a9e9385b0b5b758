"""The Kivy App: the window, the lifecycle, the state the shared screens show, and the wiring of the
feature controllers (kiosk/<feature>/controller.py), which see it as a ``kiosk.host.KioskHost``.

Import only after ``kiosk.bootstrap.configure_kivy``. Work that may block (printing, syncing with
the server) runs on worker threads and comes back through the Kivy clock; widgets are touched
only on the UI thread.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.app import App
from kivy.clock import Clock, mainthread
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.core.window import Window
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import SlideTransition

from common.catalogue import Catalogue, Text
from common.queue_wire import slip_token
from common.settings import WEEKDAYS as DAY_KEYS
from common.settings import KioskSettings
from kiosk import __version__, lockdown
from kiosk.allocator import give_back_free_memory
from kiosk.display_keeper import DisplayKeeper
from kiosk.font_faces import close_font_faces, share_faces_per_pixel_size
from kiosk.guide.controller import GUIDE_SCREENS, GuideController
from kiosk.i18n import N_, Translator
from kiosk.idle import IdleMonitor, IdlePhase
from kiosk.ime_loader import load_input_method
from kiosk.maintenance.controller import MaintenanceController
from kiosk.navigation import HOME, Navigator
from kiosk.screen_set import ScreenSet
from kiosk.service_manager import ServiceManagerLink
from kiosk.sync.states import SYNC_STATES
from kiosk.theme import Theme
from kiosk.ticker import TickerItem, ticker_items
from kiosk.usage.controller import UsageController
from screens.home import MODULE_TILES
from screens.root import IdleWarning, RootLayout
from services.devices import health
from services.devices.display.fit import WindowPlan
from services.devices.display.fonts import ICON_FONT, resolve_cjk_font
from services.devices.ime.vocabulary import kiosk_words, lobby_words
from services.devices.printer import PrinterError, Slip, make_printer
from services.devices.speech import EspeakSpeaker, SilentSpeaker, make_speaker
from services.storage.store import LocalStore
from services.usage.visit import VisitRecorder

if TYPE_CHECKING:  # the sync engine is imported after the first frame (_start_sync)
    from services.sync.engine import SyncStatus

log = logging.getLogger(__name__)

# Store key of the out-of-service message ("{}": none) while the kiosk is out of service.
OUT_OF_SERVICE_KEY = "out_of_service_message"

ANNOUNCEMENT_SECONDS = 8
# Weekday names as gettext msgids, Monday first like datetime.weekday().
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))


class KioskApp(App):
    kiosk_settings = ObjectProperty()
    theme = ObjectProperty()
    tr = ObjectProperty()
    lang = StringProperty("zh_CN")
    elder_mode = BooleanProperty(False)
    # The visitor's voice switch (the top bar's button); back on for the next visitor.
    voice_on = BooleanProperty(True)
    portrait = BooleanProperty(False)
    date_text = StringProperty("")
    clock_text = StringProperty("")
    announcement = StringProperty("")
    announcement_icon = StringProperty("announce")
    idle_remaining = NumericProperty(0)
    printing = BooleanProperty(False)
    printer_enabled = BooleanProperty(True)
    # Name of the visible screen, for staff and heartbeats.
    current_screen = StringProperty(HOME)
    # The footer's connection indicator.
    sync_icon = StringProperty("cloud_off")
    sync_text = StringProperty("")
    # The full-window notice (pairing, closed, out of service); no title: not shown.
    notice_icon = StringProperty("")
    notice_title = StringProperty("")
    notice_message = StringProperty("")
    notice_code = StringProperty("")
    notice_detail = StringProperty("")
    in_service = BooleanProperty(True)
    # Set by a remote restart command; the command line starts the kiosk again after run() returns.
    restart_requested = BooleanProperty(False)
    # The pinyin input method for the on-screen keyboards (kiosk.ime_loader); None until loaded.
    input_method = ObjectProperty(None, allownone=True)

    def __init__(
        self, settings: KioskSettings, store: LocalStore, data_dir: Path, server_url: str | None = None,
        scanner_kind: str | None = None, window_plan: WindowPlan | None = None, **kwargs
    ):
        super().__init__(**kwargs)
        # How the window covers the display in kiosk mode (kiosk.bootstrap); None for a plain window.
        self._display_keeper = DisplayKeeper(window_plan)
        # `kiosk run --scanner simulator` (the demo): this scanner whatever the settings say.
        self.scanner_kind = scanner_kind
        self.kiosk_settings = settings
        self.store = store
        self.data_dir = data_dir
        self.started_at = time.monotonic()
        self.last_touch = self.started_at  # the last touch or key press (the maintenance window for updates)
        self.catalogue: Catalogue = store.catalogue()
        self.idle = IdleMonitor(settings.idle.timeout_seconds, settings.idle.warning_seconds)
        self.theme = Theme()
        self.tr = Translator(settings.display.languages)
        self.lang = settings.display.default_language
        self._announcement_index = 0
        self._idle_warning: IdleWarning | None = None
        # The sync engine's last status; None until it first reports.
        self.sync_status: SyncStatus | None = None
        self._out_of_service_message: Text | None = None
        self._printer_error = False
        self._log_level = ""
        self._server_url = server_url
        # The feature controllers: the guide's and maintenance's now; check-in's after the first frame
        # (_start_checkin); feedback's and booking's when a visitor first opens them (the properties).
        self.guide = GuideController(self, on_index_ready=self._build_other_screens)
        self.maintenance = MaintenanceController(self)
        self.service_manager = ServiceManagerLink(self)
        # What ``kiosk run`` exits with: EXIT_SWITCH when stopping for a software update.
        self.exit_code = 0
        self._feedback = None
        self._matters = None
        self._volunteers = None
        self._wishes = None
        self._booking = None
        # The voice (services/devices/speech.py): made in apply_settings, silent until then.
        self.speaker = SilentSpeaker("disabled")
        self._voice_settings = None
        # The visit in progress, which the controllers tell what the visitor does; sent when it ends.
        self.usage = VisitRecorder()
        self.usage_controller = UsageController(self, self.usage)
        self.use_kivy_settings = False
        self.title = "Lobby Kiosk"

    # -- building --------------------------------------------------------------------------------

    def build(self):
        font = resolve_cjk_font()
        share_faces_per_pixel_size()
        LabelBase.register(DEFAULT_FONT, str(font.regular), fn_bold=str(font.bold))
        LabelBase.register("Icons", str(ICON_FONT))
        lockdown.lock_window(Window)
        self._display_keeper.start()
        # SDL turns SIGTERM into a close request, which the lock-down refuses; a service manager
        # stopping the kiosk must still get a clean exit.
        signal.signal(signal.SIGTERM, self._on_terminate)
        Window.bind(on_touch_down=self._on_activity, on_key_down=self._on_activity, size=self._on_window_size)
        self._on_window_size(Window, Window.size)

        root = RootLayout()
        manager = root.ids.manager
        manager.transition = SlideTransition(duration=0.18)
        # Home only before the first frame; the others follow it (see _on_first_frame).
        self.screens = ScreenSet(manager, on_built=self._fill_screen)
        self.screens[HOME]
        manager.current = HOME
        manager.bind(current=lambda _manager, name: setattr(self, "current_screen", name))
        self.navigator = Navigator(manager, ensure_screen=self.screens.__getitem__)
        root.ids.corner.on_long_press = self.maintenance.open
        self.root_layout = root

        self._restore_out_of_service()
        self.apply_settings(self.kiosk_settings)
        self.bind(lang=self._on_lang, elder_mode=self._apply_theme)
        self._tick(0)
        Clock.schedule_interval(self._tick, 0.5)
        Clock.schedule_interval(self._next_announcement, ANNOUNCEMENT_SECONDS)
        Window.bind(on_flip=self._on_first_frame)
        return root

    def on_stop(self):
        self._display_keeper.stop()
        self.service_manager.stop()
        if hasattr(self, "sync"):  # not started yet when stopped before the first frame
            self.sync.stop()
        if hasattr(self, "checkin"):
            self.checkin.stop()
        if hasattr(self, "queue"):
            self.queue.stop()
        self.speaker.stop()

    def _on_first_frame(self, *_args):
        Window.unbind(on_flip=self._on_first_frame)
        log.info("first frame of home screen shown")
        # Importing the sync engine (HTTP stack, wire models) and pypinyin takes longer than the whole
        # home screen: they start right after it; the other screens once the search index is built.
        Clock.schedule_once(self._after_first_frame)

    def _after_first_frame(self, _dt):
        self._start_checkin()
        self._start_queue()
        self._start_sync()
        self.service_manager.start()
        self.guide.index_catalogue()
        load_input_method(lambda ime: setattr(self, "input_method", ime), self.ime_vocabulary())

    def _start_sync(self):
        from kiosk.sync.bridge import SyncBridge

        self.sync = SyncBridge(self, self._server_url, __version__)
        self.bind(current_screen=self._on_reported_state, in_service=self._on_reported_state)
        self.sync.start()

    def stop_sync(self) -> None:
        self.sync.stop()

    def restart_sync(self) -> None:
        """After enrolment by QR (the old engine stopped): a new engine that starts with the credential."""
        from kiosk.sync.bridge import SyncBridge

        self.sync = SyncBridge(self, self._server_url, __version__)
        self.sync.start()

    def _start_checkin(self):
        from kiosk.checkin.controller import CheckinController

        self.checkin = CheckinController(self)
        self.checkin.start()
        self._refresh_today()

    def _start_queue(self):
        from kiosk.queue.controller import QueueController

        self.queue = QueueController(self, self.speak)
        self.queue.start()

    def _on_terminate(self, _signum, _frame):
        log.info("SIGTERM: stopping the kiosk")
        Clock.schedule_once(lambda _dt: self.stop())

    def open_settings(self, *_args):
        # F1 and the Kivy settings panel are never available on a kiosk.
        return False

    # -- settings and data -----------------------------------------------------------------------

    def apply_settings(self, settings: KioskSettings) -> None:
        """Apply a validated settings object; the sync engine will call this for remote changes."""
        self.kiosk_settings = settings
        self.idle.configure(settings.idle.timeout_seconds, settings.idle.warning_seconds)
        self.printer = make_printer(settings.printer, self.data_dir)
        self.printer_enabled = settings.printer.backend != "none"
        self._apply_voice(settings)
        if self.lang not in settings.display.languages:
            self.lang = settings.display.default_language
        self.elder_mode = settings.display.elder_mode
        self._apply_theme()
        self.screens[HOME].modules = [key for key in MODULE_TILES if getattr(settings.modules, key)]
        self._refresh_content()
        self._apply_log_level()
        self._update_notice()
        if hasattr(self, "sync"):
            self.sync.refresh_snapshot()
        if hasattr(self, "checkin"):
            self.checkin.configure(settings)
        self._update_ime_vocabulary()  # the feedback categories may have changed

    def _apply_voice(self, settings: KioskSettings) -> None:
        """A new speaker only when the voice settings changed (it owns a thread)."""
        if settings.voice == self._voice_settings:
            return
        self._voice_settings = settings.voice
        old = self.speaker
        self.speaker = make_speaker(settings.voice.enabled, settings.voice.rate)
        if isinstance(old, EspeakSpeaker):
            old.close()
        self.peripherals_changed()

    def speak(self, text: str) -> None:
        if text and self.voice_on:
            self.speaker.say(text, self.lang)

    def toggle_voice(self) -> None:
        self.voice_on = not self.voice_on
        if not self.voice_on:
            self.speaker.stop()

    def read_guide_aloud(self) -> None:
        """The visible "read aloud" button on a service's guide (a newer sentence replaces what is being said)."""
        from services.guide.spoken import guide_speech

        service = self.screens["detail"].service
        if service is not None:
            self.speak(guide_speech(service, self.lang))

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.guide.index_catalogue()
        self._refresh_content()
        self._update_ime_vocabulary()

    def ime_vocabulary(self) -> list[str]:
        """The words the keyboard ranks first: the lobby's, the catalogue's and the feedback categories'."""
        return lobby_words() + kiosk_words(self.catalogue, self.kiosk_settings.feedback.categories)

    def _update_ime_vocabulary(self) -> None:
        if self.input_method is not None:
            # Reading ~1,200 words takes ~0.2 s: on a worker thread, the keyboard keeps answering meanwhile.
            threading.Thread(target=self.input_method.set_vocabulary, args=(self.ime_vocabulary(),),
                             name="ime-vocabulary", daemon=True).start()

    def _build_other_screens(self) -> None:
        self.screens.build_rest_later()

    def _apply_theme(self, *_args):
        self.theme.apply(self.kiosk_settings.display.theme, self.elder_mode)

    def _on_lang(self, *_args):
        self.tr.lang = self.lang
        self._refresh_content()
        if self._booking is not None:
            self._booking.relabel()
        self._render_sync_status()
        self._update_notice()

    def _refresh_content(self):
        """Re-render everything that shows catalogue data, in the current language."""
        for screen in list(self.screens.values()):
            self._fill_screen(screen)
        self._show_announcement()
        self._tick(0)

    def _fill_screen(self, screen) -> None:
        """Show the data of one screen in the current language; also called when a screen is first built."""
        if screen.name == HOME:
            screen.popular = self.guide.popular_shortcuts()
            screen.notices = [notice.get(self.lang) for notice in self.kiosk_settings.announcements]
            self._refresh_today()
        elif screen.name in GUIDE_SCREENS:
            self.guide.fill(screen)
        elif screen.name in ("matters", "convention"):
            self.matters.fill(screen)

    # -- navigation (called from the screens) ----------------------------------------------------

    def go_home(self):
        self.navigator.home()

    def go_back(self):
        self.navigator.back()

    def open_module(self, key: str):
        """A home tile's module opens at its first screen, through its controller."""
        openers = {
            "guide": lambda: self.guide.open_guide(),
            "queue": self._open_queue,
            "booking": lambda: self.booking.open(),
            "checkin": self._open_checkin,
            "feedback": lambda: self.feedback.start(),
            "wishes": lambda: self.wishes.open(),
            "volunteers": lambda: self.volunteers.open(),
            "matters": lambda: self.matters.open_board(),
            "convention": lambda: self.matters.open_convention(),
        }
        openers[key]()

    def _open_queue(self) -> None:
        if hasattr(self, "queue"):  # started right after the first frame
            self.queue.open()

    def _open_checkin(self) -> None:
        self.navigator.go("checkin")
        if hasattr(self, "checkin"):  # the scanner's controller starts right after the first frame
            self.checkin.enter()

    def open_queue_for(self, service_code: str) -> None:
        """取号办理 on a service's guide."""
        if hasattr(self, "queue"):
            self.queue.open(service_code)

    def handle_queue_slip(self, text: str) -> bool:
        """A scanned queue slip goes to its rating while the queue is on; anything else to check-in."""
        token = slip_token(text)
        if token is None or not self.kiosk_settings.modules.queue or not hasattr(self, "queue"):
            return False
        self.queue.rate_slip(token)
        return True

    @property
    def matters(self):
        """The building-matters board and the convention (kiosk.matters), made when first needed."""
        if self._matters is None:
            from kiosk.matters.controller import MattersController

            self._matters = MattersController(self)
        return self._matters

    @property
    def volunteers(self):
        if self._volunteers is None:
            from kiosk.volunteers.controller import VolunteersController

            self._volunteers = VolunteersController(self)
        return self._volunteers

    def claim_scan(self, text: str) -> bool:
        """A scan for a feature on screen rather than check-in: the volunteer screen's hours lookup."""
        return self._volunteers is not None and self._volunteers.claim_scan(text)

    @property
    def wishes(self):
        if self._wishes is None:
            from kiosk.wishes.controller import WishesController

            self._wishes = WishesController(self, start_wish=self._start_feedback_in)
        return self._wishes

    def _start_feedback_in(self, category: str) -> None:
        """The feedback flow with ``category`` chosen (the wall's "post a wish": category micro-wish)."""
        self.feedback.start()
        self.feedback.choose_category(category)

    def wish_wall_changed(self) -> None:
        if self._wishes is not None:
            self._wishes.wall_changed()

    @property
    def booking(self):
        if self._booking is None:
            from kiosk.booking.controller import BookingController

            self._booking = BookingController(self)
        return self._booking

    @property
    def feedback(self):
        if self._feedback is None:
            from kiosk.feedback.controller import FeedbackController

            self._feedback = FeedbackController(self)
        return self._feedback

    # -- visitor preferences ---------------------------------------------------------------------

    def toggle_language(self):
        languages = self.kiosk_settings.display.languages
        self.lang = languages[(languages.index(self.lang) + 1) % len(languages)]

    def toggle_elder_mode(self):
        self.elder_mode = not self.elder_mode

    # -- printing --------------------------------------------------------------------------------

    def print_slip(self, slip: Slip) -> None:
        """On a worker thread with the printer of the moment; the visitor is told how it went."""
        self.printing = True
        threading.Thread(target=self._print_worker, args=(self.printer, slip), name="printer", daemon=True).start()

    def _print_worker(self, printer, slip):
        try:
            printer.print_slip(slip)
            error = None
        except PrinterError as exc:
            log.warning("printing failed: %s", exc)
            error = str(exc)
        self._print_done(error)

    @mainthread
    def _print_done(self, error: str | None):
        self.printing = False
        self._printer_error = error is not None
        self.sync.refresh_snapshot()
        _ = self.tr._
        if error is None:
            self.notify(_("Printed. Please take your slip from the printer below."))
        else:
            self.notify(_("The printer is not available right now. Please scan the QR code instead."))

    def notify(self, text: str):
        self.root_layout.show_toast(text)

    # -- idle timeout ----------------------------------------------------------------------------

    def _on_activity(self, *_args):
        self.last_touch = time.monotonic()
        self.idle.activity()
        self.usage_controller.tap()
        if self._idle_warning is not None:
            self._close_idle_warning()

    def _tick(self, _dt):
        now = datetime.now()
        _ = self.tr._
        if self.lang.startswith("zh"):
            self.date_text = f"{now.year}年{now.month}月{now.day}日  {_(WEEKDAYS[now.weekday()])}"
        else:
            self.date_text = f"{_(WEEKDAYS[now.weekday()])}, {now.day} {now:%B} {now.year}"
        minute = now.strftime("%H:%M")
        if minute != self.clock_text:
            self.clock_text = minute
            self._refresh_today()
        if not hasattr(self, "navigator"):
            return
        self._apply_log_level()
        self._update_notice()
        state = self.idle.state()
        if self._session_is_pristine():
            self.usage_controller.check_left_at_home()
            self.idle.activity()
            return
        if state.phase is IdlePhase.WARNING:
            self.open_idle_warning(state.remaining)
        elif state.phase is IdlePhase.EXPIRED:
            self.reset_session()

    def open_idle_warning(self, remaining: int):
        self.idle_remaining = remaining
        if self._idle_warning is None:
            self._idle_warning = IdleWarning()
            # A touch on the warning is activity already (Window on_touch_down); its dismissal by the reset is not.
            self._idle_warning.bind(on_dismiss=lambda *_: self.idle.activity())
            self._idle_warning.open(animation=False)

    def _close_idle_warning(self):
        warning, self._idle_warning = self._idle_warning, None
        warning.dismiss(animation=False)

    def at_rest(self) -> bool:
        """The home screen as the next visitor finds it: nobody is in the middle of a visit."""
        return self._idle_warning is None and self._session_is_pristine()

    def _session_is_pristine(self) -> bool:
        settings = self.kiosk_settings.display
        return (
            self.navigator.current == HOME
            and self.lang == settings.default_language
            and self.elder_mode == settings.elder_mode
            and self.voice_on
        )

    def reset_session(self):
        """Back to the start with nothing of the last visitor left: query, guide, PIN, preferences."""
        self.usage_controller.end(at_home=False)
        if self._idle_warning is not None:
            self._close_idle_warning()
        for screen in self.screens.values():
            screen.reset()
        self.guide.reset()
        if self._feedback is not None:
            self._feedback.reset()  # the feedback draft and receipt
        if self._booking is not None:
            self._booking.reset()  # the booking form and pass
        if hasattr(self, "queue"):
            self.queue.reset()
        self.speaker.stop()
        if self.input_method is not None:
            self.input_method.forget()  # what the keyboard learnt from this visitor's picks
        self.root_layout.hide_toast()
        self.lang = self.kiosk_settings.display.default_language
        self.elder_mode = self.kiosk_settings.display.elder_mode
        self.voice_on = True
        self.navigator.home()
        self.idle.activity()
        log.info("idle timeout: session wiped, back to home")
        # What the visitor's screens held (label textures, pixel buffers, the font faces their text was rendered
        # in) back to the system, after the slide home.
        Clock.schedule_once(self._release_memory, 1)

    def _release_memory(self, _dt) -> None:
        faces = close_font_faces()
        give_back_free_memory()
        log.debug("closed %d font faces, freed memory handed back", faces)

    # -- home screen content ---------------------------------------------------------------------

    def _refresh_today(self) -> None:
        """Today's events on the home screen's board, from the check-in bundle: at start, when the language
        changes and once a minute."""
        home = self.screens.get(HOME) if hasattr(self, "screens") else None
        if home is not None:
            home.today = self.checkin.todays_events() if hasattr(self, "checkin") else []
            self._show_announcement()

    def _next_announcement(self, _dt):
        self._announcement_index += 1
        self._show_announcement()

    def _show_announcement(self):
        home = self.screens.get(HOME) if hasattr(self, "screens") else None
        items = ticker_items(home.today if home is not None else [],
                             [notice.get(self.lang) for notice in self.kiosk_settings.announcements])
        item = items[self._announcement_index % len(items)] if items else TickerItem("announce", "")
        self.announcement_icon, self.announcement = item

    # -- the server: connection state, notices, remote commands ----------------------------------

    def show_sync_status(self, status: SyncStatus) -> None:
        previous, self.sync_status = self.sync_status, status
        self._render_sync_status()
        self._update_notice()
        if self._matters is not None and (previous is None or previous.state != status.state):
            self._matters.refresh()  # "as of" shows or goes with the connection
        if self._wishes is not None:
            self._wishes.link_changed()

    def _render_sync_status(self) -> None:
        status = self.sync_status
        if status is None:
            self.sync_icon, self.sync_text = SYNC_STATES["standalone"]
            return
        icon, words = SYNC_STATES[status.state]
        text = self.tr._(words) if words else ""
        if status.state == "offline" and status.offline_since:
            text = self.tr._("Offline since %s") % status.offline_since.astimezone().strftime("%H:%M")
        self.sync_icon, self.sync_text = icon, text

    def _update_notice(self) -> None:
        """What the full-window notice says, most urgent first; no title hides it."""
        _ = self.tr._
        status = self.sync_status
        if status is not None and status.state == "pairing" and status.pairing_code:
            code = status.pairing_code
            notice = (
                "link",
                _("This terminal is not enrolled yet"),
                _("An administrator approves this code in the console, and the terminal starts by itself."),
                f"{code[:3]} {code[3:]}",
                self._pairing_refusal_text(status.pairing_refusal),
            )
        elif not self.in_service:
            message = self._out_of_service_message
            notice = (
                "out_of_service",
                _("Out of service"),
                message.get(self.lang) if message else _("This terminal is being serviced. Staff at the centre can help you."),
                "",
                "",
            )
        elif not self.kiosk_settings.hours.is_open(datetime.now()):
            notice = ("closed", _("Closed"), _("This terminal is available during opening hours:"), "", self._hours_text())
        else:
            notice = ("", "", "", "", "")
        self.notice_icon, self.notice_title, self.notice_message, self.notice_code, self.notice_detail = notice

    def _pairing_refusal_text(self, reason: str | None) -> str:
        """Why the last code was refused, under the new one, so that staff at the kiosk know what to fix."""
        if reason is None:
            return ""
        if not reason:
            return self.tr._("The administrator refused the previous code.")
        return self.tr._("The administrator refused the previous code: %s") % reason

    def _hours_text(self) -> str:
        weekly = self.kiosk_settings.hours.weekly
        lines = []
        for index, day in enumerate(DAY_KEYS):
            if day in weekly:
                lines.append(f"{self.tr._(WEEKDAYS[index])}  {'  '.join(weekly[day])}")
        return "\n".join(lines)

    def show_remote_message(self, text: Text, seconds: int) -> None:
        self.root_layout.show_toast(text.get(self.lang), seconds=seconds)

    def set_out_of_service(self, message: Text | None) -> None:
        """Kept in the store: a kiosk taken out of service stays out across restarts until put back."""
        self.store.set_state(OUT_OF_SERVICE_KEY, message.model_dump_json() if message else "{}")
        self._out_of_service_message = message
        self.in_service = False
        self.reset_session()
        self._update_notice()

    def set_in_service(self) -> None:
        self.store.set_state(OUT_OF_SERVICE_KEY, None)
        self._out_of_service_message = None
        self.in_service = True
        self._update_notice()

    def _restore_out_of_service(self) -> None:
        """At start, before the first frame: nothing of a session to wipe yet."""
        stored = self.store.get_state(OUT_OF_SERVICE_KEY)
        if stored is not None:
            self._out_of_service_message = Text.model_validate_json(stored) if stored != "{}" else None
            self.in_service = False

    def stop_with(self, exit_code: int) -> None:
        self.exit_code = exit_code
        self.stop()

    def request_restart(self) -> None:
        self.restart_requested = True
        Clock.schedule_once(lambda _dt: self.stop(), 0)

    def peripheral_states(self) -> dict[str, str]:
        if self.kiosk_settings.printer.backend == "none":
            states = {"printer": "disabled"}
        else:
            states = {"printer": "error" if self._printer_error else "ok"}
        if hasattr(self, "checkin") and self.kiosk_settings.modules.checkin:
            states["scanner"] = self.checkin.peripheral_state()
        states["speaker"] = health.sound_device()
        if (panel := health.display()) is not None:
            states["display"] = panel
        states["speech"] = self.speaker.state
        return states

    def peripherals_changed(self) -> None:
        if hasattr(self, "sync"):
            self.sync.refresh_snapshot()

    def _on_reported_state(self, *_args) -> None:
        self.sync.refresh_snapshot()

    def _apply_log_level(self) -> None:
        """The configured level, or a raised one until it lapses by itself."""
        level = self.kiosk_settings.log.effective_level(datetime.now().astimezone())
        if level != self._log_level:
            if self._log_level:
                log.warning("log level %s -> %s", self._log_level, level)
            self._log_level = level
            logging.getLogger().setLevel(level)

    def _on_window_size(self, _window, size):
        self.portrait = size[1] > size[0]
