"""Keyboard-wedge (HID) scanners type the code as keystrokes ending in Enter, much faster than a person.

``WedgeBuffer`` is pure logic fed by the kiosk's key handler; ``HidScanner`` wraps it as a scanner backend.
"""

from __future__ import annotations

from services.devices.scanner.base import OnScan, OnState, Scan, ScannerConfig
from services.devices.scanner.reporting import ReportingScanner, ScanReporter

ENTER = "enter"


class WedgeBuffer:
    """Collects keystrokes; a burst of at least ``min_chars`` characters with every gap (Enter included)
    under ``max_gap_seconds`` that ends in Enter is a scan. Slower keys start a new burst, so a person
    typing is never taken for a scanner. Key names other than "enter" (shift, arrows) are ignored."""

    def __init__(self, max_gap_seconds: float = 0.05, min_chars: int = 4, max_chars: int = 4096):
        self.max_gap_seconds = max_gap_seconds
        self.min_chars = min_chars
        self.max_chars = max_chars
        self._chars: list[str] = []
        self._last_at: float | None = None

    def feed(self, key: str, at: float) -> str | None:
        """One keystroke (a single character, or "enter") at monotonic time ``at``; the scanned text when
        this Enter ends a burst, else None."""
        if key != ENTER and len(key) != 1:
            return None
        if self._last_at is not None and at - self._last_at >= self.max_gap_seconds:
            self._chars.clear()
        self._last_at = at
        if key == ENTER:
            text = "".join(self._chars)
            self._chars.clear()
            self._last_at = None
            return text if self.min_chars <= len(text) <= self.max_chars else None
        self._chars.append(key)
        return None


class HidScanner(ReportingScanner):
    """Always "ready" once started: a keyboard cannot be seen to be unplugged. Keys come from the kiosk."""

    def __init__(self, config: ScannerConfig, on_scan: OnScan, on_state: OnState):
        self.config = config
        self._reporter = ScanReporter("hid", on_scan, on_state, config.repeat_window_seconds)
        self._buffer = WedgeBuffer(max_chars=config.max_line)
        self._started = False

    def describe(self) -> str:
        return "keyboard wedge"

    def start(self) -> None:
        self._started = True
        self._reporter.set_state("ready", "reading keyboard-wedge bursts")

    def stop(self) -> None:
        self._started = False
        self._reporter.set_state("off", "stopped")

    def feed_key(self, key: str, at: float) -> Scan | None:
        """Called by the kiosk's key handler (on its thread); reports and returns the scan a burst makes."""
        if not self._started:
            return None
        text = self._buffer.feed(key, at)
        return None if text is None else self._reporter.line(text.strip())
