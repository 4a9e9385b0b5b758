"""Records each visit as the visitor goes (the App and the feature controllers call ``host.usage``, a
services.usage.visit.VisitRecorder) and queues it, one ``usage_visit`` record per visit, when the visit ends:
at the idle reset, or once the visitor has left the kiosk at home for the idle timeout.

Only taps run on the UI thread (a few attribute writes each); the record is committed to the outbox on a worker
thread. With ``usage.enabled`` off, nothing is recorded or sent.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from kiosk.host import KioskHost
from kiosk.navigation import HOME
from services.usage.visit import VisitRecorder

log = logging.getLogger(__name__)

# Screen name -> the module it belongs to (the guide's screens, check-in, the feedback steps).
_MODULE_SCREENS = {"guide": "guide", "services": "guide", "search": "guide", "detail": "guide", "checkin": "checkin"}


def module_of(screen: str) -> str | None:
    return "feedback" if screen.startswith("feedback") else _MODULE_SCREENS.get(screen)


class UsageController:
    def __init__(self, host: KioskHost, recorder: VisitRecorder):
        self.host = host
        self.recorder = recorder
        host.bind(current_screen=self._on_screen, elder_mode=self._on_large_text)

    @property
    def enabled(self) -> bool:
        return self.host.kiosk_settings.usage.enabled

    def tap(self) -> None:
        """Every touch (UI thread): keep it cheap."""
        if self.enabled:
            self.recorder.touch()

    def _on_screen(self, _host, name: str) -> None:
        recorder = self.recorder
        if not recorder.active:
            return
        if name != "detail":
            recorder.left_guide()
        module = module_of(name)
        if module is not None:
            recorder.module(module)

    def _on_large_text(self, _host, on: bool) -> None:
        self.recorder.large_text(on)

    def check_left_at_home(self) -> None:
        """Each tick while the kiosk is at home as it starts: a visitor gone for the idle timeout ended the visit
        (the idle reset never comes at home)."""
        recorder = self.recorder
        if recorder.active and recorder.idle_for() >= self.host.kiosk_settings.idle.timeout_seconds:
            self.end(at_home=True)

    def end(self, at_home: bool) -> None:
        """The visit ends (before the session is wiped: its language is still the visitor's)."""
        payload = self.recorder.finish(self.host.lang, at_home or self.host.current_screen == HOME)
        if payload is None or not self.enabled:
            return
        threading.Thread(target=self._queue, args=(payload,), name="usage", daemon=True).start()

    def _queue(self, payload: dict) -> None:
        from services.storage.outbox import Outbox, OutboxError

        try:
            Outbox(self.host.store).add("usage_visit", payload)
        except (OutboxError, sqlite3.Error) as exc:  # counting a visit never troubles the visitor
            log.warning("usage visit not queued: %s", exc)
