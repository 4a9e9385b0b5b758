"""The same code read again within a short window counts once (a scanner in continuous mode, a ticket held
in front of the camera). This is about the device, not about check-in: "already checked in" is decided later.
"""

from __future__ import annotations


class RepeatFilter:
    def __init__(self, window_seconds: float):
        self.window_seconds = window_seconds
        self._last_seen: dict[str, float] = {}

    def accept(self, key: str, at: float) -> bool:
        """True if ``key`` was not seen within the window before ``at``; every sighting restarts its window,
        so a code kept in view counts once however long it stays."""
        self._last_seen = {k: t for k, t in self._last_seen.items() if at - t < self.window_seconds}
        fresh = key not in self._last_seen
        self._last_seen[key] = at
        return fresh
