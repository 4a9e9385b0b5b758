"""The Kivy App: builds the screens, holds the state they show, and carries out what visitors ask.

Import only after ``kiosk.bootstrap.configure_kivy``. Work that may block (printing)
runs on a worker thread and comes back through the Kivy clock; widgets are touched
only on the UI thread.
"""

from __future__ import annotations

import logging
import os
import platform
import signal
import threading
import time
from datetime import datetime
from pathlib import Path

from kivy import __version__ as kivy_version
from kivy.app import App
from kivy.clock import Clock, mainthread
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.core.window import Window
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import SlideTransition

from kiosk import __version__, lockdown
from kiosk.i18n import N_, Translator
from kiosk.idle import IdleMonitor, IdlePhase
from kiosk.navigation import HOME, Navigator
from kiosk.textures import texture_from_image
from kiosk.theme import Theme
from screens.coming_soon import ComingSoonScreen
from screens.detail import DetailScreen
from screens.guide import GuideScreen
from screens.home import MODULE_TILES, HomeScreen
from screens.icons import ICONS
from screens.maintenance import MaintenanceScreen
from screens.root import IdleWarning, RootLayout
from screens.search import SearchScreen
from screens.service_list import ServiceListScreen
from services.catalogue import Catalogue, Service
from services.fonts import ICON_FONT, resolve_cjk_font
from services.pin import verify_pin
from services.printer import PrinterError, make_printer, service_slip
from services.qr import qr_image
from services.search import SearchIndex
from services.settings import KioskSettings
from services.store import LocalStore

log = logging.getLogger(__name__)

ANNOUNCEMENT_SECONDS = 8
PIN_ATTEMPTS = 5
PIN_LOCKOUT_SECONDS = 60
SEARCH_RESULT_LIMIT = 60
# Weekday names as gettext msgids, Monday first like datetime.weekday().
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))


class KioskApp(App):
    kiosk_settings = ObjectProperty()
    theme = ObjectProperty()
    tr = ObjectProperty()
    lang = StringProperty("zh_CN")
    elder_mode = BooleanProperty(False)
    portrait = BooleanProperty(False)
    date_text = StringProperty("")
    clock_text = StringProperty("")
    announcement = StringProperty("")
    idle_remaining = NumericProperty(0)
    printing = BooleanProperty(False)
    printer_enabled = BooleanProperty(True)
    # Name of the visible screen, for staff and (later) heartbeats.
    current_screen = StringProperty(HOME)

    def __init__(self, settings: KioskSettings, store: LocalStore, data_dir: Path, **kwargs):
        super().__init__(**kwargs)
        self.kiosk_settings = settings
        self.store = store
        self.data_dir = data_dir
        self.started_at = time.monotonic()
        self.catalogue: Catalogue = store.catalogue()
        self.search_index = SearchIndex(self.catalogue)
        self.idle = IdleMonitor(settings.idle.timeout_seconds, settings.idle.warning_seconds)
        self.theme = Theme()
        self.tr = Translator(settings.display.languages)
        self.lang = settings.display.default_language
        self._announcement_index = 0
        self._pin_failures = 0
        self._pin_locked_until = 0.0
        self._idle_warning: IdleWarning | None = None
        self.use_kivy_settings = False
        self.title = "Lobby Kiosk"

    # -- building --------------------------------------------------------------------------------

    def build(self):
        font = resolve_cjk_font()
        LabelBase.register(DEFAULT_FONT, str(font.regular), fn_bold=str(font.bold))
        LabelBase.register("Icons", str(ICON_FONT))
        lockdown.lock_window(Window)
        # SDL turns SIGTERM into a close request, which the lock-down refuses; a service manager
        # stopping the kiosk must still get a clean exit.
        signal.signal(signal.SIGTERM, self._on_terminate)
        Window.bind(on_touch_down=self._on_activity, on_key_down=self._on_activity, size=self._on_window_size)
        self._on_window_size(Window, Window.size)

        root = RootLayout()
        manager = root.ids.manager
        manager.transition = SlideTransition(duration=0.18)
        self.screens = {
            screen.name: screen
            for screen in (
                HomeScreen(),
                GuideScreen(),
                ServiceListScreen(),
                SearchScreen(),
                DetailScreen(),
                ComingSoonScreen(),
                MaintenanceScreen(),
            )
        }
        for screen in self.screens.values():
            manager.add_widget(screen)
        manager.current = HOME
        manager.bind(current=lambda _manager, name: setattr(self, "current_screen", name))
        self.navigator = Navigator(manager)
        self.screens["search"].on_query_changed = self._run_search
        root.ids.corner.on_long_press = self.open_maintenance
        self.root_layout = root

        self.apply_settings(self.kiosk_settings)
        self.bind(lang=self._on_lang, elder_mode=self._apply_theme)
        self._tick(0)
        Clock.schedule_interval(self._tick, 0.5)
        Clock.schedule_interval(self._next_announcement, ANNOUNCEMENT_SECONDS)
        Window.bind(on_flip=self._on_first_frame)
        return root

    def _on_first_frame(self, *_args):
        Window.unbind(on_flip=self._on_first_frame)
        log.info("first frame of home screen shown")

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
        if self.lang not in settings.display.languages:
            self.lang = settings.display.default_language
        self.elder_mode = settings.display.elder_mode
        self._apply_theme()
        self.screens[HOME].modules = [key for key in MODULE_TILES if getattr(settings.modules, key)]
        self._refresh_content()

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.search_index = SearchIndex(catalogue)
        self._refresh_content()

    def _apply_theme(self, *_args):
        self.theme.apply(self.kiosk_settings.display.theme, self.elder_mode)

    def _on_lang(self, *_args):
        self.tr.lang = self.lang
        self._refresh_content()

    def _refresh_content(self):
        """Re-render everything that shows catalogue data, in the current language."""
        catalogue, lang = self.catalogue, self.lang
        popular = catalogue.popular(self.kiosk_settings.guide.popular_count)
        self.screens[HOME].popular = [(s.code, s.name.get(lang)) for s in popular[:6]]
        guide = self.screens["guide"]
        guide.departments = [(d.id, d.name.get(lang), len(catalogue.in_department(d.id))) for d in catalogue.departments]
        guide.life_events = [(e.id, e.name.get(lang), len(catalogue.in_life_event(e.id))) for e in catalogue.life_events]
        guide.popular_rows = self._rows(popular)
        listing = self.screens["services"]
        if getattr(listing, "source", None):
            self.open_service_list(*listing.source, navigate=False)
        self._run_search(self.screens["search"].query)
        detail = self.screens["detail"]
        if detail.service is not None:
            self.open_service(detail.service.code, navigate=False)
        self._show_announcement()
        self._tick(0)

    def _rows(self, services: list[Service]) -> list[dict]:
        _ = self.tr._
        rows = []
        for service in services:
            department = self.catalogue.department(service.department)
            days = service.promised_time_limit_days
            rows.append(
                {
                    "code": service.code,
                    "title": service.name.get(self.lang),
                    "subtitle": f"{department.name.get(self.lang)}  ·  {service.office.window.get(self.lang)}",
                    "tag": _("On the spot") if days == 0 else _("%d working days") % days,
                }
            )
        return rows

    # -- navigation (called from the screens) ----------------------------------------------------

    def go_home(self):
        self.navigator.home()

    def go_back(self):
        self.navigator.back()

    def open_module(self, key: str):
        if key == "guide":
            self.open_guide()
            return
        icon, title, _subtitle = MODULE_TILES[key]
        screen = self.screens["coming_soon"]
        screen.module_title, screen.icon = title, ICONS[icon]
        self.navigator.go("coming_soon")

    def open_guide(self, tab: str | None = None):
        if tab:
            self.screens["guide"].tab = tab
        self.navigator.go("guide")

    def open_search(self):
        self.navigator.go("search")

    def open_service_list(self, kind: str, key: str, navigate: bool = True):
        screen = self.screens["services"]
        if kind == "department":
            group, services = self.catalogue.department(key), self.catalogue.in_department(key)
        else:
            group, services = self.catalogue.life_event(key), self.catalogue.in_life_event(key)
        if group is None:
            return
        screen.source = (kind, key)
        screen.heading = group.name.get(self.lang)
        screen.rows = self._rows(services)
        if navigate:
            screen.reset()
            self.navigator.go("services")

    def open_service(self, code: str, navigate: bool = True):
        service = self.catalogue.service(code)
        if service is None:
            return
        url = self.guide_url(service)
        department = self.catalogue.department(service.department)
        texture = texture_from_image(qr_image(url, box_size=4, border=1))
        self.screens["detail"].show(service, department.name.get(self.lang), texture, url)
        if navigate:
            self.navigator.go("detail")

    def guide_url(self, service: Service) -> str:
        template = self.kiosk_settings.guide.qr_url_template
        return template.format(code=service.code) if template else service.online_url

    def _run_search(self, query: str):
        hits = self.search_index.search(query, limit=SEARCH_RESULT_LIMIT) if query.strip() else []
        services = [self.catalogue.service(hit.code) for hit in hits]
        self.screens["search"].rows = self._rows([s for s in services if s is not None])

    # -- visitor preferences ---------------------------------------------------------------------

    def toggle_language(self):
        languages = self.kiosk_settings.display.languages
        self.lang = languages[(languages.index(self.lang) + 1) % len(languages)]

    def toggle_elder_mode(self):
        self.elder_mode = not self.elder_mode

    # -- printing --------------------------------------------------------------------------------

    def print_current_service(self):
        service = self.screens["detail"].service
        if service is None or self.printing:
            return
        department = self.catalogue.department(service.department).name.get(self.lang)
        slip = service_slip(
            service,
            department,
            self.lang,
            self.guide_url(service),
            self.kiosk_settings.terminal.name,
            datetime.now(),
            centre_name=self.kiosk_settings.terminal.centre_name.get(self.lang),
        )
        self.printing = True
        printer = self.printer
        threading.Thread(target=self._print_worker, args=(printer, slip), name="printer", daemon=True).start()

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
        _ = self.tr._
        if error is None:
            self.notify(_("Printed. Please take your slip from the printer below."))
        else:
            self.notify(_("The printer is not available right now. Please scan the QR code instead."))

    def notify(self, text: str):
        self.root_layout.show_toast(text)

    # -- idle timeout ----------------------------------------------------------------------------

    def _on_activity(self, *_args):
        self.idle.activity()
        if self._idle_warning is not None:
            self._close_idle_warning()

    def _tick(self, _dt):
        now = datetime.now()
        _ = self.tr._
        if self.lang.startswith("zh"):
            self.date_text = f"{now.year}年{now.month}月{now.day}日  {_(WEEKDAYS[now.weekday()])}"
        else:
            self.date_text = f"{_(WEEKDAYS[now.weekday()])}, {now.day} {now:%B} {now.year}"
        self.clock_text = now.strftime("%H:%M")
        if not hasattr(self, "navigator"):
            return
        state = self.idle.state()
        if self._session_is_pristine():
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
            self._idle_warning.bind(on_dismiss=lambda *_: self._on_activity())
            self._idle_warning.open(animation=False)

    def _close_idle_warning(self):
        warning, self._idle_warning = self._idle_warning, None
        warning.dismiss(animation=False)

    def _session_is_pristine(self) -> bool:
        settings = self.kiosk_settings.display
        return (
            self.navigator.current == HOME
            and self.lang == settings.default_language
            and self.elder_mode == settings.elder_mode
        )

    def reset_session(self):
        """Back to the start with nothing of the last visitor left: query, guide, PIN, preferences."""
        if self._idle_warning is not None:
            self._close_idle_warning()
        for screen in self.screens.values():
            screen.reset()
        self.screens["services"].source = None
        self.root_layout.hide_toast()
        self.lang = self.kiosk_settings.display.default_language
        self.elder_mode = self.kiosk_settings.display.elder_mode
        self.navigator.home()
        self.idle.activity()
        log.info("idle timeout: session wiped, back to home")

    # -- home screen content ---------------------------------------------------------------------

    def _next_announcement(self, _dt):
        self._announcement_index += 1
        self._show_announcement()

    def _show_announcement(self):
        items = self.kiosk_settings.announcements
        self.announcement = items[self._announcement_index % len(items)].get(self.lang) if items else ""

    def _on_window_size(self, _window, size):
        self.portrait = size[1] > size[0]

    # -- maintenance -----------------------------------------------------------------------------

    def open_maintenance(self):
        self.screens["maintenance"].reset()
        self.navigator.go("maintenance")

    def submit_maintenance_pin(self, pin: str) -> str:
        _ = self.tr._
        now = time.monotonic()
        if now < self._pin_locked_until:
            return _("Too many wrong PINs. Try again in %d seconds.") % int(self._pin_locked_until - now + 1)
        if not verify_pin(pin, self.kiosk_settings.maintenance.pin_hash):
            self._pin_failures += 1
            log.warning("wrong maintenance PIN (%d in a row)", self._pin_failures)
            if self._pin_failures >= PIN_ATTEMPTS:
                self._pin_failures = 0
                self._pin_locked_until = now + PIN_LOCKOUT_SECONDS
                return _("Too many wrong PINs. Try again in %d seconds.") % PIN_LOCKOUT_SECONDS
            return _("Wrong PIN, please try again.")
        self._pin_failures = 0
        screen = self.screens["maintenance"]
        screen.report = self.maintenance_report()
        screen.unlocked = True
        log.info("maintenance screen unlocked")
        return ""

    def maintenance_report(self) -> list[tuple[str, str]]:
        _ = self.tr._
        status = self.store.status()
        store_state = _("OK") if status.ok else _("integrity check failed")
        if status.rebuilt_from:
            store_state += "  " + _("(rebuilt at start; damaged file kept as %s)") % status.rebuilt_from.name
        uptime = int(time.monotonic() - self.started_at)
        terminal = self.kiosk_settings.terminal
        return [
            (_("Terminal"), terminal.name),
            (_("Location"), terminal.location),
            (_("Version"), f"Lobby Kiosk {__version__}  (Kivy {kivy_version}, Python {platform.python_version()})"),
            (_("Local store"), f"{store_state}\n{status.path}  ·  {status.size_bytes // 1024} KiB"),
            (_("Catalogue"), f"{status.catalogue_version}  ·  {status.service_count}  ·  {status.catalogue_imported_at}  ·  {status.catalogue_source}"),
            (_("Printer"), self.printer.status()),
            (_("Screen"), f"{Window.width}×{Window.height}  ·  {'portrait' if self.portrait else 'landscape'}"),
            (_("Uptime"), f"{uptime // 3600} h {uptime % 3600 // 60} min"),
            (_("Data directory"), str(self.data_dir)),
            (_("Process"), f"pid {os.getpid()}"),
        ]

    def quit_from_maintenance(self):
        log.info("kiosk quit from the maintenance screen")
        self.stop()
