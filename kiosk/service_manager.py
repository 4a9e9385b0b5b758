"""The kiosk under systemd and the release launcher: readiness, the watchdog fed from the UI thread, and
software updates switched in the maintenance window.

The watchdog is fed by a Kivy clock event, so it is fed only while the UI thread runs its loop: a hung UI stops
feeding it and systemd restarts the service (WatchdogSec in deploy/kiosk-pc/lobby-kiosk.service).
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.clock import Clock

from kiosk import __version__
from services.updates import systemd_notify
from services.updates.launcher import EXIT_SWITCH, state_path

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)


class ServiceManagerLink:
    def __init__(self, app: KioskApp):
        self.app = app
        self.may_switch = False  # written on the UI thread, read by the update thread
        self.healthy = False
        self.updater = None  # services.updates.updater.Updater, when the kiosk runs under the release launcher
        self._loop = None

    def start(self) -> None:
        """After the first frame: tell systemd the kiosk is up, feed its watchdog, start the update loop."""
        systemd_notify.notify(f"READY=1\nSTATUS=Lobby Kiosk {__version__} running")
        interval = systemd_notify.watchdog_interval()
        if interval is not None:
            Clock.schedule_interval(lambda _dt: systemd_notify.notify("WATCHDOG=1"), interval)
        root = os.environ.get("KIOSK_INSTALL_ROOT", "")
        if root and state_path(Path(root)).exists():
            self._start_updates(Path(root))
        Clock.schedule_interval(self._watch, 1)

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.stop()

    def _start_updates(self, root: Path) -> None:
        from services.updates.loop import UpdateLoop
        from services.updates.updater import Updater

        self.updater = Updater(root, os.environ.get("KIOSK_RELEASE_VERSION", __version__),
                               may_switch=lambda: self.may_switch, switch_now=self._switch_now)
        # As often as the kiosk calls in: a release is found, and switched to once the window opens, within one poll.
        self._loop = UpdateLoop(self.updater, self.app.data_dir, healthy=lambda: self.healthy,
                                interval=lambda: self.app.kiosk_settings.sync.heartbeat_seconds)
        self._loop.start()

    def _watch(self, _dt) -> None:
        """The maintenance window: the home screen with nothing of a visitor's left (never mid-visit), and
        either outside opening hours or no touch for ``update_idle_minutes``."""
        app = self.app
        status = app.sync_status
        self.healthy = self.healthy or (status is not None and status.state == "online")
        settings = app.kiosk_settings
        closed = settings.hours.enabled and not settings.hours.is_open(datetime.now())
        # Not the idle timer's clock: that one restarts every tick while the home screen waits untouched.
        untouched = time.monotonic() - app.last_touch >= settings.maintenance.update_idle_minutes * 60
        window = app.at_rest() and (closed or untouched)
        opened, self.may_switch = window and not self.may_switch, window
        if opened and self.updater is not None and self.updater.ready:
            self._loop.wake()  # a release waits: switch now, not at the next check

    def _switch_now(self) -> None:
        """From the update thread: stop the app; the launcher starts the new release."""
        log.info("stopping for a software update")
        Clock.schedule_once(lambda _dt: self.app.stop_with(EXIT_SWITCH))
