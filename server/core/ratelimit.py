"""An in-process sliding-window rate limiter (per server process: good enough against code guessing)."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float = 60.0):
        self._limit = limit
        self._window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def try_acquire(self, key: str) -> float | None:
        """Count one attempt for ``key``: None if allowed, else the seconds until one would be."""
        return self._attempt(key, count=True)

    def retry_after(self, key: str) -> float | None:
        """Would an attempt for ``key`` be allowed now (None), or in how many seconds? Counts nothing."""
        return self._attempt(key, count=False)

    def clear(self) -> None:
        """Forget every attempt (a test server starting each test afresh)."""
        with self._lock:
            self._hits.clear()

    def _attempt(self, key: str, count: bool) -> float | None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self._window:
                hits.popleft()
            if len(hits) >= self._limit:
                return hits[0] + self._window - now
            if not count:
                return None
            hits.append(now)
            # Forget idle keys so the table does not grow with every address ever seen.
            for idle in [k for k, v in self._hits.items() if v and v[-1] <= now - self._window]:
                del self._hits[idle]
            return None
