"""Idle timeout: after ``timeout`` seconds without a touch, warn for ``warning`` seconds, then expire.

Pure logic on a monotonic clock (no Kivy), so the rule is tested without a window;
the App ticks it from the Kivy clock and acts on the phase.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from enum import Enum


class IdlePhase(Enum):
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IdleState:
    phase: IdlePhase
    # Whole seconds left before expiry while warning, else 0.
    remaining: int


class IdleMonitor:
    def __init__(self, timeout: float, warning: float, clock=time.monotonic):
        self._clock = clock
        self.configure(timeout, warning)
        self.activity()

    def configure(self, timeout: float, warning: float) -> None:
        self.timeout, self.warning = timeout, warning

    def activity(self) -> None:
        self._last_activity = self._clock()

    def idle_seconds(self) -> float:
        """Seconds since the last touch."""
        return self._clock() - self._last_activity

    def state(self) -> IdleState:
        elapsed = self._clock() - self._last_activity
        if elapsed < self.timeout:
            return IdleState(IdlePhase.ACTIVE, 0)
        left = self.timeout + self.warning - elapsed
        if left > 0:
            return IdleState(IdlePhase.WARNING, math.ceil(left))
        return IdleState(IdlePhase.EXPIRED, 0)
