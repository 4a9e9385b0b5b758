"""What a feature controller (kiosk/<feature>/controller.py) may use of the App, and nothing more.

Controllers are handed the App typed as ``KioskHost``: the App satisfies it structurally, and a
controller that reaches for anything not listed here is a type error, not a private attribute read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from common.catalogue import Catalogue
    from common.settings import KioskSettings
    from kiosk.i18n import Translator
    from kiosk.idle import IdleMonitor
    from kiosk.navigation import Navigator
    from kiosk.screen_set import ScreenSet
    from services.devices.ime import InputMethod
    from services.devices.printer import Printer, Slip
    from services.storage.store import LocalStore
    from services.sync.engine import SyncStatus
    from services.usage.visit import VisitRecorder


class KioskHost(Protocol):
    # Settings, data and where the terminal keeps its files.
    kiosk_settings: KioskSettings
    store: LocalStore
    data_dir: Path
    catalogue: Catalogue
    # Seconds of time.monotonic() when the kiosk started, for the uptime.
    started_at: float

    # The visitor's language and its translations.
    lang: str
    tr: Translator

    # Screens (built on first use) and moving between them.
    screens: ScreenSet
    navigator: Navigator
    current_screen: str
    portrait: bool
    idle: IdleMonitor

    # What the kiosk may do right now: a notice title means a full-window notice covers the screens.
    in_service: bool
    notice_title: str
    # The last status of the sync engine; None until it first reports.
    sync_status: SyncStatus | None
    # `kiosk run --scanner ...`: this scanner whatever the settings say; None: the settings decide.
    scanner_kind: str | None

    # The receipt printer: ``printing`` while a slip is on its way.
    printer: Printer
    printing: bool
    printer_enabled: bool

    # The pinyin input method; None while it loads. It learns the visitor's picks: forget() with the draft.
    input_method: InputMethod | None

    # The visit in progress (anonymous usage): what the visitor opens, searches, prints, sends.
    usage: VisitRecorder

    def bind(self, **kwargs) -> None:
        """Kivy property bindings, e.g. ``bind(lang=...)``."""

    def print_slip(self, slip: Slip) -> None:
        """Print on a worker thread; the visitor is told how it went."""

    def claim_scan(self, text: str) -> bool:
        """A feature on screen takes this scan instead of check-in (True: taken, check-in leaves it alone)."""

    def peripherals_changed(self) -> None:
        """A peripheral's state changed: the next heartbeat reports it."""

    def stop_sync(self) -> None:
        """Stop the sync engine; may wait for a request's timeout, so call it from a worker thread."""

    def restart_sync(self) -> None:
        """A new sync engine (after enrolment), on the UI thread."""

    def stop(self) -> None:
        """Quit the kiosk."""

    def speak(self, text: str) -> None:
        """Say ``text`` in the visitor's language, if the voice is on; never waits for the audio."""

    def handle_queue_slip(self, text: str) -> bool:
        """A scanned queue slip goes to its rating (True); anything else is not the queue's (False)."""

    def notify(self, text: str) -> None:
        """A short message over the screen (a toast)."""
