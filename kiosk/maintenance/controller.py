"""Staff maintenance: the PIN (with a lock-out after repeated failures), the terminal's status report, quitting.

Staff reach it by a long press on the bottom-left corner; nothing here is shown before the PIN is accepted.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import time

from kivy import __version__ as kivy_version
from kivy.core.window import Window

from common.pin import verify_pin
from kiosk import __version__
from kiosk.host import KioskHost
from kiosk.sync.states import SYNC_STATES
from services.devices import health

log = logging.getLogger(__name__)

MAINTENANCE = "maintenance"
PIN_ATTEMPTS = 5
PIN_LOCKOUT_SECONDS = 60


class MaintenanceController:
    def __init__(self, host: KioskHost):
        self.host = host
        self._pin_failures = 0
        self._pin_locked_until = 0.0

    def open(self) -> None:
        self.host.screens[MAINTENANCE].reset()
        self.host.navigator.go(MAINTENANCE)

    def submit_pin(self, pin: str) -> str:
        """Unlocks the screen and fills its report; otherwise what the screen says ("" when unlocked)."""
        _ = self.host.tr._
        now = time.monotonic()
        if now < self._pin_locked_until:
            return _("Too many wrong PINs. Try again in %d seconds.") % int(self._pin_locked_until - now + 1)
        if not verify_pin(pin, self.host.kiosk_settings.maintenance.pin_hash):
            self._pin_failures += 1
            log.warning("wrong maintenance PIN (%d in a row)", self._pin_failures)
            if self._pin_failures >= PIN_ATTEMPTS:
                self._pin_failures = 0
                self._pin_locked_until = now + PIN_LOCKOUT_SECONDS
                return _("Too many wrong PINs. Try again in %d seconds.") % PIN_LOCKOUT_SECONDS
            return _("Wrong PIN, please try again.")
        self._pin_failures = 0
        screen = self.host.screens[MAINTENANCE]
        screen.report = self.report()
        screen.unlocked = True
        log.info("maintenance screen unlocked")
        return ""

    def report(self) -> list[tuple[str, str]]:
        host = self.host
        _ = host.tr._
        status = host.store.status()
        store_state = _("OK") if status.ok else _("integrity check failed")
        if status.rebuilt_from:
            store_state += "  " + _("(rebuilt at start; damaged file kept as %s)") % status.rebuilt_from.name
        uptime = int(time.monotonic() - host.started_at)
        terminal = host.kiosk_settings.terminal
        return [
            (_("Terminal"), terminal.name),
            (_("Location"), terminal.location),
            (_("Version"), f"Lobby Kiosk {__version__}  (Kivy {kivy_version}, Python {platform.python_version()})"),
            (_("Local store"), f"{store_state}\n{status.path}  ·  {status.size_bytes // 1024} KiB"),
            (_("Catalogue"), f"{status.catalogue_version}  ·  {status.service_count}  ·  {status.catalogue_imported_at}  ·  {status.catalogue_source}"),
            (_("Printer"), host.printer.status()),
            (_("Screen"), f"{Window.width}×{Window.height}  ·  {'portrait' if host.portrait else 'landscape'}"),
            (_("Uptime"), f"{uptime // 3600} h {uptime % 3600 // 60} min"),
            (_("Health"), self._health()),
            *self._sync_report(),
            (_("Data directory"), str(host.data_dir)),
            (_("Process"), f"pid {os.getpid()}"),
        ]

    def _health(self) -> str:
        from services.sync.engine import available_memory  # loaded after the first frame; the report comes later

        _ = self.host.tr._
        disk = shutil.disk_usage(self.host.data_dir).free
        memory, pressure = available_memory(), health.memory_pressure()
        states = self.host.peripheral_states()
        words = {"ok": _("present"), "absent": _("missing")}
        parts = [_("free disk %(gib).1f GiB") % {"gib": disk / 2**30}]
        if memory is not None:
            parts.append(_("free memory %(mib)d MiB") % {"mib": memory // 2**20})
        if pressure is not None:
            parts.append(_("memory pressure %(percent).1f%%") % {"percent": pressure})
        for key, label in (("display", _("display")), ("speaker", _("sound device"))):
            if key in states:
                parts.append(f"{label} {words.get(states[key], states[key])}")
        return "  ·  ".join(parts)

    def _sync_report(self) -> list[tuple[str, str]]:
        _ = self.host.tr._
        status = self.host.sync_status
        if status is None or status.state == "standalone":
            return [(_("Server"), _("not configured (standalone)"))]

        def when(moment):
            return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else _("never")

        state = _(SYNC_STATES[status.state][1])
        if status.state == "pairing":
            state += f"  ·  {status.pairing_code}"
        configuration = " ".join((_("version"), "-" if status.config_version is None else str(status.config_version)))
        if status.config_error:
            configuration += "\n" + " ".join((_("refused:"), status.config_error))
        return [
            (_("Server"), f"{status.server_url}\n{state}"),
            (_("Last sync"), when(status.last_sync_at)),
            (_("Outbox"), _("%(queued)d waiting, %(parked)d parked") % {"queued": status.outbox_depth, "parked": status.parked_count}),
            (_("Configuration"), configuration),
            (_("Last error"), status.last_error or _("none")),
            (_("Clock"), _("not measured yet") if status.clock_offset_seconds is None else
             _("%(seconds)+.1f s behind the server") % {"seconds": status.clock_offset_seconds}),
        ]

    def quit(self) -> None:
        log.info("kiosk quit from the maintenance screen")
        self.host.stop()
