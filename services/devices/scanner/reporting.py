"""Turns what a backend read into ``Scan`` callbacks and state changes, so that no callback can kill a reader."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from services.devices.scanner.base import OnScan, OnState, Problem, Scan, ScannerKind, ScannerState
from services.devices.scanner.repeat_filter import RepeatFilter

log = logging.getLogger(__name__)


class ScanReporter:
    def __init__(self, source: ScannerKind, on_scan: OnScan, on_state: OnState, repeat_window_seconds: float):
        self.source = source
        self.state: ScannerState = "off"
        self.detail = "not started"
        self._on_scan = on_scan
        self._on_state = on_state
        self._repeats = RepeatFilter(repeat_window_seconds)
        self._lock = threading.Lock()

    def line(self, text: str, problem: Problem | None = None) -> Scan | None:
        """Report one read unless it repeats within the window; unreadable reads repeat by their problem,
        so a burst of garbage shows "unreadable" once. Returns the scan reported, if any."""
        at = time.monotonic()
        with self._lock:
            fresh = self._repeats.accept(text if problem is None else f"\0unreadable:{problem}", at)
        if not fresh:
            return None
        scan = Scan(text, self.source, at, datetime.now(UTC), problem)
        try:
            self._on_scan(scan)
        except Exception:
            log.exception("scan callback failed (the scanner keeps reading)")
        return scan

    def set_state(self, state: ScannerState, detail: str, always: bool = False) -> None:
        """Record the state; tell ``on_state`` when it changed (a retry failing again is not news) or
        when ``always``."""
        with self._lock:
            changed = state != self.state
            self.state, self.detail = state, detail
        if not (changed or always):
            return
        log.info("scanner %s: %s (%s)", self.source, state, detail)
        try:
            self._on_state(state, detail)
        except Exception:
            log.exception("scanner state callback failed")


class ReportingScanner:
    """What every backend shares: its state and its detail are those its ``ScanReporter`` last reported."""

    _reporter: ScanReporter

    @property
    def state(self) -> ScannerState:
        return self._reporter.state

    @property
    def detail(self) -> str:
        return self._reporter.detail
