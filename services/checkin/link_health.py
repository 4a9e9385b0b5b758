"""Online or offline checking, chosen from the recent request history, never by hand.

Failures in a row (errors, 5xx, timeouts) or slow answers in a row switch to offline for a cool-down;
after it the next request (a scan's online check or a heartbeat) is a probe: a quick success switches
back online, anything else means another, doubled, cool-down. Shared by the sync worker and the desk.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

from common.settings import LinkSettings

LinkState = Literal["online", "offline"]


class LinkHealth:
    def __init__(self, settings: LinkSettings | None = None, clock: Callable[[], float] = time.monotonic):
        self._settings = settings or LinkSettings()
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._slow = 0
        self._offline_until: float | None = None  # None: online
        self._cooldown = self._settings.cooldown_seconds

    @property
    def state(self) -> LinkState:
        with self._lock:
            return "online" if self._offline_until is None else "offline"

    def configure(self, settings: LinkSettings) -> None:
        """New thresholds (settings from the server); the current state stays."""
        with self._lock:
            self._settings = settings
            self._cooldown = min(max(self._cooldown, settings.cooldown_seconds), settings.max_cooldown_seconds)

    def should_try(self) -> bool:
        """Ask the server now? True when online, or offline with the cool-down over (a probe)."""
        with self._lock:
            return self._offline_until is None or self._clock() >= self._offline_until

    def succeeded(self, latency: float) -> None:
        """A request answered after ``latency`` seconds."""
        with self._lock:
            if self._cooling():
                return  # a request started before the switch; the cool-down still stands
            self._failures = 0
            if latency <= self._settings.slow_seconds:
                self._slow = 0
                self._offline_until = None
                self._cooldown = self._settings.cooldown_seconds
                return
            self._slow += 1
            if self._offline_until is not None or self._slow >= self._settings.slow_to_offline:
                self._go_offline()

    def failed(self) -> None:
        """A request got no usable answer (unreachable, timed out, 5xx)."""
        with self._lock:
            if self._cooling():
                return
            self._failures += 1
            if self._offline_until is not None or self._failures >= self._settings.failures_to_offline:
                self._go_offline()

    def _cooling(self) -> bool:
        return self._offline_until is not None and self._clock() < self._offline_until

    def _go_offline(self) -> None:
        if self._offline_until is not None:  # a failed probe: wait longer before the next
            self._cooldown = min(self._cooldown * 2, self._settings.max_cooldown_seconds)
        self._offline_until = self._clock() + self._cooldown
        self._failures = self._slow = 0
